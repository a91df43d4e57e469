import type { WorkbenchShape } from '../generator/op-sources';
import type { ServiceUrls } from '../clients/service-urls';
import { callService } from '../clients/service-call';
import type {
  AccountDto,
  CreateAccountDto,
  ProductDto,
  PutProductDto,
} from '@faultline/contracts/dto';

const BANK_ACCOUNTS = 8;
const BANK_BALANCE = 1_000;
const CATALOG_SKUS = 3;
/**
 * The orders' products and account: the first product is scarce and the money runs out
 * partway through a run, so some orders are cancelled (out of stock, insufficient funds)
 * and their sagas compensate.
 */
const ORDER_PRICE_CENTS = 100;
const ORDER_STOCK = [20, 200, 200];
const ORDERS_BALANCE = 10_000;

/** What every run sets up: the generators refer to these by index. */
export const WORKBENCH_SHAPE: WorkbenchShape = {
  bankAccounts: BANK_ACCOUNTS,
  skus: CATALOG_SKUS,
  orderSkus: ORDER_STOCK.length,
};

/** The data a run set up for itself on the services, under its label. */
export interface Workbench {
  /** Names the run's data, and scopes its idempotency keys (see `runKey`). */
  label: string;
  /** The bank accounts (transfers among them keep their total). */
  bankAccounts: string[];
  bankTotal: number;
  /** The account payments are charged to (kept apart, so the bank total holds). */
  walletAccount: string;
  /** The catalog writers' and readers' products. */
  skus: string[];
  /** The account orders are charged to (nothing else uses it), and its opening balance. */
  ordersAccount: { id: string; initialBalance: number };
  /** The orders' own products and their initial stock: the catalog writers never touch them. */
  orderSkus: Record<string, number>;
}

/**
 * A generated key within this run. The generators' keys repeat with their seed, and the services
 * remember keys (payments for a day): scoping them by the run lets a seed be replayed on the same
 * topology without the services answering with the earlier run's effects.
 */
export const runKey = (workbench: Workbench, key: string): string => `${workbench.label}-${key}`;

async function openAccount(urls: ServiceUrls, owner: string, initialBalance: number) {
  const body: CreateAccountDto = { owner, initialBalance };
  const seen = await callService<AccountDto>(
    `${urls.PAYMENTS_URL}/accounts`,
    { method: 'POST', body },
    true,
  );
  if (seen.type !== 'ok') throw new Error(`could not open account ${owner}: ${seen.error}`);
  return seen.body.id;
}

async function createProduct(urls: ServiceUrls, sku: string, stock: number) {
  const body: PutProductDto = { name: sku, priceCents: ORDER_PRICE_CENTS, stock };
  const seen = await callService<ProductDto>(
    `${urls.CATALOG_A_URL}/products/${sku}`,
    { method: 'PUT', body },
    true,
  );
  if (seen.type !== 'ok') throw new Error(`could not create product ${sku}: ${seen.error}`);
}

/**
 * Opens the accounts a run needs (eight bank accounts whose total transfers conserve,
 * a wallet payments are charged to, and the account orders are charged to), names the
 * catalog writers' products and creates the orders' own, under `label`.
 */
export async function prepareWorkbench(urls: ServiceUrls, label: string): Promise<Workbench> {
  const bankAccounts: string[] = [];
  for (let i = 0; i < BANK_ACCOUNTS; i++)
    bankAccounts.push(await openAccount(urls, `${label}-bank-${i}`, BANK_BALANCE));
  const walletAccount = await openAccount(urls, `${label}-wallet`, 1_000_000_000);
  const ordersAccount = {
    id: await openAccount(urls, `${label}-orders`, ORDERS_BALANCE),
    initialBalance: ORDERS_BALANCE,
  };
  const orderSkus: Record<string, number> = {};
  for (const [i, stock] of ORDER_STOCK.entries()) {
    const sku = `${label}-order-${i + 1}`;
    await createProduct(urls, sku, stock);
    orderSkus[sku] = stock;
  }
  return {
    label,
    bankAccounts,
    bankTotal: BANK_ACCOUNTS * BANK_BALANCE,
    walletAccount,
    skus: Array.from({ length: CATALOG_SKUS }, (_, i) => `${label}-${i + 1}`),
    ordersAccount,
    orderSkus,
  };
}
