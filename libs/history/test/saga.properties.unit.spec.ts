import { describe } from 'node:test';
import fc from 'fast-check';
import { checkSaga, type SagaAnomaly } from '../src/checkers/saga';
import type { Op } from '../src/history';
import type { FinalOrder, OrderItem } from '../src/operations';
import { type HistoryBuilder, history, type Outcome } from './builder';
import { type Injection, proveBothWays } from './properties';

const PRICES: Record<string, number> = { 'sku-a': 100, 'sku-b': 250, 'sku-c': 40 };
const SKUS = Object.keys(PRICES);
const ACCOUNTS = ['acct-1', 'acct-2'];

/** An order placed under its own Idempotency-Key; an indeterminate one may have been made. */
interface Placed {
  items: OrderItem[];
  accountId: string;
  outcome: Outcome;
  happened: boolean;
}

const placed: fc.Arbitrary<Placed> = fc.record({
  items: fc.uniqueArray(
    fc.record({ sku: fc.constantFrom(...SKUS), qty: fc.integer({ min: 1, max: 2 }) }),
    { minLength: 1, maxLength: 3, selector: (i) => i.sku },
  ),
  accountId: fc.constantFrom(...ACCOUNTS),
  outcome: fc.constantFrom<Outcome>('ok', 'fail', 'info', 'open'),
  happened: fc.boolean(),
});

/** What the services hold at the end of a run, as the final reads show it. */
interface End {
  orders: Record<string, FinalOrder | null>;
  charges: Record<string, number>;
  stock: Record<string, { initial: number; final: number }>;
  balances: Record<string, { initial: number; final: number }>;
}

/** A run: the attempts as the clients saw them, and the end the sagas reached. */
interface Run {
  attempts: {
    process: string;
    key: string;
    items: OrderItem[];
    accountId: string;
    outcome: Outcome;
    id?: string;
  }[];
  end: End;
}

/**
 * Orders processed by a correct saga, one at a time: reserve every item or cancel (out of stock),
 * charge or release and cancel (insufficient funds), confirm. An order left indeterminate is
 * resolved by the final retry under its key, which replays it or makes it then.
 */
function resolve(list: Placed[], stock: number, money: number): Run {
  const end: End = {
    orders: {},
    charges: {},
    stock: Object.fromEntries(SKUS.map((s) => [s, { initial: stock, final: stock }])),
    balances: Object.fromEntries(ACCOUNTS.map((a) => [a, { initial: money, final: money }])),
  };
  const saga = (id: string, items: OrderItem[], accountId: string) => {
    const amount = items.reduce((sum, i) => sum + i.qty * PRICES[i.sku]!, 0);
    const account = end.balances[accountId]!;
    let reason: string | undefined;
    if (items.some((i) => end.stock[i.sku]!.final < i.qty)) reason = 'out_of_stock';
    else if (account.final < amount) reason = 'insufficient_funds';
    if (!reason) {
      for (const i of items) end.stock[i.sku]!.final -= i.qty;
      account.final -= amount;
    }
    const state = reason ? 'cancelled' : 'confirmed';
    end.orders[id] = { state, ...(reason ? { reason } : {}), items, amount, accountId };
    end.charges[id] = reason ? 0 : 1;
  };
  const attempts: Run['attempts'] = [];
  list.forEach(({ items, accountId, outcome, happened }, n) => {
    const [key, id] = [`k${n}`, `o${n}`];
    const made = outcome === 'ok' || (outcome !== 'fail' && happened);
    if (made) saga(id, items, accountId);
    const process = `orderer-${n}`;
    attempts.push({
      process,
      key,
      items,
      accountId,
      outcome,
      id: outcome === 'ok' ? id : undefined,
    });
    if (outcome === 'info' || outcome === 'open') {
      if (!made) saga(id, items, accountId);
      attempts.push({ process: 'final', key, items, accountId, outcome: 'ok', id });
    }
  });
  return { attempts, end };
}

/** The run's history, with `more` attempts before the final reads, which find `end`. */
function record(run: Run, end: End = run.end, more?: (h: HistoryBuilder) => void): Op[] {
  const h = history();
  for (const { process, key, items, accountId, outcome, id } of run.attempts) {
    h.order(process, key, items, outcome, id, accountId);
  }
  more?.(h);
  const { orders, charges, stock, balances } = end;
  return h.finalOrders(orders).finalOrderEffects({ stock, charges, balances }).ops();
}

const runs = fc
  .tuple(
    fc.array(placed, { minLength: 1, maxLength: 20, size: 'medium' }),
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 1_000 }),
  )
  .map(([list, stock, money]) => resolve(list, stock, money));

/** The run's history, its final reads finding the end `change` makes of a copy of the run's. */
function recordChanged(run: Run, change: (end: End) => void, more?: (h: HistoryBuilder) => void) {
  const end = structuredClone(run.end);
  change(end);
  return record(run, end, more);
}

const ordersIn = (run: Run, state?: string) =>
  Object.keys(run.end.orders).filter((id) => !state || run.end.orders[id]!.state === state);

const INJECTIONS: Record<SagaAnomaly, Injection<Run>> = {
  'not-terminal': {
    what: 'accepted orders left in flight',
    targets: (run) => ordersIn(run),
    inject: (run, ids) =>
      recordChanged(run, (end) => {
        for (const order of ids.map((id) => end.orders[id]!)) {
          order.state = order.state === 'confirmed' ? 'charged' : 'stock_reserved';
        }
      }),
  },
  'lost-order': {
    what: 'accepted orders gone at the end',
    targets: (run) => ordersIn(run),
    inject: (run, ids) => recordChanged(run, (end) => ids.forEach((id) => (end.orders[id] = null))),
  },
  'double-charge': {
    what: 'confirmed orders charged twice',
    targets: (run) => ordersIn(run, 'confirmed'),
    inject: (run, ids) => recordChanged(run, (end) => ids.forEach((id) => (end.charges[id] = 2))),
  },
  'cancelled-but-charged': {
    what: 'cancelled orders charged',
    targets: (run) => ordersIn(run, 'cancelled'),
    inject: (run, ids) => recordChanged(run, (end) => ids.forEach((id) => (end.charges[id] = 1))),
  },
  'stock-mismatch': {
    what: 'skus with stock no order took',
    targets: () => SKUS,
    inject: (run, skus) =>
      recordChanged(run, (end) => skus.forEach((sku) => end.stock[sku]!.final--)),
  },
  'money-mismatch': {
    what: 'accounts with money no order took',
    targets: () => ACCOUNTS,
    inject: (run, accounts) =>
      recordChanged(run, (end) => accounts.forEach((a) => end.balances[a]!.final--)),
  },
  'duplicate-order': {
    what: 'keys answered with a second order (the service forgot the key; the copy was cancelled)',
    targets: (run) => run.attempts.flatMap((a) => (a.id === undefined ? [] : [a.key])),
    inject: (run, keys) => {
      const copies = keys.map((key) => run.attempts.find((a) => a.key === key && a.id)!);
      return recordChanged(
        run,
        (end) => {
          for (const { id, items, accountId } of copies) {
            const reason = 'out_of_stock';
            end.orders[`${id}-again`] = { state: 'cancelled', reason, items, amount: 0, accountId };
            end.charges[`${id}-again`] = 0;
          }
        },
        (h) =>
          copies.forEach(({ key, items, accountId, id }, i) =>
            h.order(`retrier-${i}`, key, items, 'ok', `${id}-again`, accountId),
          ),
      );
    },
  },
};

describe('saga checker, proven both ways', () => {
  proveBothWays(checkSaga, runs, { what: 'runs of a correct saga', history: record }, INJECTIONS);
});
