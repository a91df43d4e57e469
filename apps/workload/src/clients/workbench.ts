import type { HistoryRecorder } from '@faultline/history';
import type { WorkloadEnvironment } from '../config/workload-environment';
import {
  balanceReader,
  catalogReader,
  catalogWriter,
  payer,
  transferer,
  type Workbench,
} from './clients';
import { callService } from './service-call';

const BANK_ACCOUNTS = 8;
const BANK_BALANCE = 1_000;

/**
 * Opens the accounts a run needs (eight bank accounts whose total transfers conserve,
 * and a wallet payments are charged to) and names its products, under `label`.
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
  ]);
}
