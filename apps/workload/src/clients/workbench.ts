import type { HistoryRecorder } from '@faultline/history';
import type { WorkloadEnvironment } from '../config/workload-environment';
import {
  balanceReader,
  catalogReader,
  catalogWriter,
  orderer,
  payer,
  transferer,
  type Workbench,
} from './clients';
import { callService } from './service-call';

const BANK_ACCOUNTS = 8;
const BANK_BALANCE = 1_000;
/**
 * The orders' products and account: the first product is scarce and the money runs out
 * partway through a run, so some orders are cancelled (out of stock, insufficient funds)
 * and their sagas compensate.
 */
const ORDER_PRICE_CENTS = 100;
const ORDER_STOCK = [20, 200, 200];
const ORDERS_BALANCE = 10_000;

/**
 * Opens the accounts a run needs (eight bank accounts whose total transfers conserve,
 * a wallet payments are charged to, and the account orders are charged to), names the
 * catalog writers' products and creates the orders' own, under `label`.
 */
export async function prepareWorkbench(
  env: WorkloadEnvironment,
  label: string,
  history: HistoryRecorder,
  opsPerSecond: number,
): Promise<{ workbench: Workbench; stop: () => void }> {
  const open = async (owner: string, initialBalance: number) => {
    const seen = await callService(
      `${env.PAYMENTS_URL}/accounts`,
      { method: 'POST', body: { owner, initialBalance } },
      true,
    );
    if (seen.type !== 'ok') throw new Error(`could not open account ${owner}: ${seen.error}`);
    return (seen.body as { id: string }).id;
  };
  const bankAccounts: string[] = [];
  for (let i = 0; i < BANK_ACCOUNTS; i++)
    bankAccounts.push(await open(`${label}-bank-${i}`, BANK_BALANCE));
  const walletAccount = await open(`${label}-wallet`, 1_000_000_000);
  const ordersAccount = {
    id: await open(`${label}-orders`, ORDERS_BALANCE),
    initialBalance: ORDERS_BALANCE,
  };
  const orderSkus: Record<string, number> = {};
  for (const [i, stock] of ORDER_STOCK.entries()) {
    const sku = `${label}-order-${i + 1}`;
    const seen = await callService(
      `${env.CATALOG_A_URL}/products/${sku}`,
      { method: 'PUT', body: { name: sku, priceCents: ORDER_PRICE_CENTS, stock } },
      true,
    );
    if (seen.type !== 'ok') throw new Error(`could not create product ${sku}: ${seen.error}`);
    orderSkus[sku] = stock;
  }
  let stopped = false;
  const workbench: Workbench = {
    history,
    paymentsUrl: env.PAYMENTS_URL,
    catalog: { 'catalog-a': env.CATALOG_A_URL, 'catalog-b': env.CATALOG_B_URL },
    bankAccounts,
    bankTotal: BANK_ACCOUNTS * BANK_BALANCE,
    walletAccount,
    skus: [1, 2, 3].map((i) => `${label}-${i}`),
    paymentKeys: new Set(),
    ordersUrl: env.ORDERS_URL,
    ordersAccount,
    orderSkus,
    orders: new Map(),
    stopped: () => stopped,
    intervalMs: Math.round(1000 / opsPerSecond),
  };
  return { workbench, stop: () => (stopped = true) };
}

/** Every client of a run, until the workbench is stopped. */
export function runClients(w: Workbench): Promise<unknown> {
  return Promise.all([
    transferer(w, 'bank-1'),
    transferer(w, 'bank-2'),
    balanceReader(w, 'bank-reader'),
    payer(w, 'payer'),
    catalogWriter(w, 'catalog-a-writer', 'catalog-a'),
    catalogWriter(w, 'catalog-b-writer', 'catalog-b'),
    catalogReader(w, 'catalog-a-reader', 'catalog-a', 'eventual'),
    catalogReader(w, 'catalog-b-reader', 'catalog-b', 'eventual'),
    catalogReader(w, 'catalog-strong-reader', 'catalog-a', 'strong'),
    orderer(w, 'orderer'),
  ]);
}
