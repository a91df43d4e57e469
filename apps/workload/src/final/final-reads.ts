import { type HistoryRecorder, OPERATIONS } from '@faultline/history';
import type { Clients } from '../clients/clients';
import { operate, succeeded } from '../clients/operation';
import type { Workbench } from '../setup/workbench';
import { paymentKeys } from './history-queries';

/** The process of the final reads: the report's outcomes leave it out. */
export const FINAL_PROCESS = 'final';

/**
 * After convergence: every product from each replica and the primary, every bank balance, and the
 * payments under every key the history's `pay` invocations used.
 */
export async function finalReads(
  history: HistoryRecorder,
  clients: Clients,
  workbench: Workbench,
): Promise<void> {
  const { 'catalog-a': a, 'catalog-b': b } = clients.catalog;
  for (const sku of workbench.skus) {
    await a.read(FINAL_PROCESS, sku, 'eventual', OPERATIONS.finalRead);
    await b.read(FINAL_PROCESS, sku, 'eventual', OPERATIONS.finalRead);
    await a.read(FINAL_PROCESS, sku, 'strong', OPERATIONS.finalRead);
  }
  await clients.payments.readBalances(FINAL_PROCESS);
  await finalPayments(history, clients);
}

/** How many payments exist under each key: one read per key, the whole op fails with any. */
async function finalPayments(history: HistoryRecorder, clients: Clients): Promise<void> {
  const keys = paymentKeys(history.history());
  await operate(
    history,
    FINAL_PROCESS,
    OPERATIONS.finalPayments,
    { keys: keys.length },
    async () => {
      const byKey: Record<string, number> = {};
      for (const key of keys) {
        const seen = await clients.payments.paymentsUnder(key);
        if (seen.type !== 'ok') return { seen };
        byKey[key] = seen.body.length;
      }
      return succeeded({ byKey });
    },
  );
}
