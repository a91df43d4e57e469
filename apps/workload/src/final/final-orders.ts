import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_STATES } from '@faultline/contracts/dto';
import {
  type FinalOrder,
  type FinalOrderEffectsOk,
  type HistoryRecorder,
  OPERATIONS,
} from '@faultline/history';
import type { Clients } from '../clients/clients';
import { operate, succeeded } from '../clients/operation';
import type { Workbench } from '../setup/workbench';
import { FINAL_PROCESS } from './final-reads';
import { acceptedOrderIds, unresolvedOrders } from './history-queries';

/** How long a run waits for every accepted order's saga to end before reading the orders. */
const SAGA_WAIT_MS = 30_000;
const POLL_MS = 500;

/**
 * Places every order the history left indeterminate again (the same request under the same key:
 * the service replays the order, or makes it now), waits for every accepted order's saga to end
 * (bounded), then reads the orders and what their sagas did: the products' stock, the payments
 * under each order's key, the orders account's balance.
 */
export async function finalOrderReads(
  history: HistoryRecorder,
  clients: Clients,
  workbench: Workbench,
): Promise<void> {
  for (const request of unresolvedOrders(history.history()))
    await clients.orders.place(FINAL_PROCESS, request);
  const ids = acceptedOrderIds(history.history());
  await awaitSagas(clients, ids);
  await readOrders(history, clients, ids);
  await readOrderEffects(history, clients, workbench, ids);
}

const isTerminal = async (clients: Clients, id: string): Promise<boolean> => {
  const seen = await clients.orders.order(id);
  return seen.type === 'ok' && TERMINAL_STATES.includes(seen.body.state);
};

/** Until every order is confirmed or cancelled (bounded). */
async function awaitSagas(clients: Clients, ids: readonly string[]): Promise<void> {
  const deadline = performance.now() + SAGA_WAIT_MS;
  let open = [...ids];
  while (open.length > 0 && performance.now() < deadline) {
    const still: string[] = [];
    for (const id of open) if (!(await isTerminal(clients, id))) still.push(id);
    open = still;
    if (open.length > 0) await sleep(POLL_MS);
  }
}

/** Each order as the service shows it; null for a 404, left out when unread. */
async function readOrders(history: HistoryRecorder, clients: Clients, ids: readonly string[]) {
  await operate(
    history,
    FINAL_PROCESS,
    OPERATIONS.finalOrders,
    { orders: ids.length },
    async () => {
      const orders: Record<string, FinalOrder | null> = {};
      for (const id of ids) {
        const seen = await clients.orders.order(id);
        if (seen.status === 404) orders[id] = null;
        if (seen.type !== 'ok') continue; // unread: the checker cannot judge this order
        const { state, reason, items, amount, accountId } = seen.body;
        orders[id] = { state, ...(reason ? { reason } : {}), items, amount, accountId };
      }
      return succeeded({ orders }, 'orders-0');
    },
  );
}

/** What the sagas did: the orders' products' stock, each order's charges, the account's balance. */
async function readOrderEffects(
  history: HistoryRecorder,
  clients: Clients,
  workbench: Workbench,
  ids: readonly string[],
) {
  await operate(history, FINAL_PROCESS, OPERATIONS.finalOrderEffects, null, async () => {
    const effects: FinalOrderEffectsOk = { stock: {}, charges: {}, balances: {} };
    for (const [sku, initial] of Object.entries(workbench.orderSkus)) {
      const product = await clients.catalog['catalog-a'].product(sku, 'strong');
      if (product) effects.stock[sku] = { initial, final: product.stock };
    }
    for (const id of ids) {
      const seen = await clients.payments.paymentsUnder(`order-${id}`);
      if (seen.type === 'ok') effects.charges[id] = seen.body.length;
    }
    const { id, initialBalance } = workbench.ordersAccount;
    const balance = await clients.payments.balanceOf(id);
    if (balance !== undefined) effects.balances[id] = { initial: initialBalance, final: balance };
    return succeeded(effects);
  });
}
