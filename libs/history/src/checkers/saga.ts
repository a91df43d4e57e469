import type { CheckerResult, StatValue } from '../checker-result';
import { type Check, compose, increment, type Tally } from '../compose';
import { type History, type Op, outcome, type Pair, pairs } from '../history';
import {
  type FinalOrder,
  type FinalOrderEffectsOk,
  type FinalOrdersOk,
  fields,
  finiteNumber,
  groupByKey,
  OPERATIONS,
  type OrderItem,
  type OrderOk,
  type OrderRequest,
  record,
  text,
} from '../operations';

/** The anomalies the saga checker knows. */
export type SagaAnomaly =
  | 'not-terminal'
  | 'stock-mismatch'
  | 'money-mismatch'
  | 'double-charge'
  | 'cancelled-but-charged'
  | 'lost-order'
  | 'duplicate-order';

/** An order as the final read showed it. */
interface Final {
  state: string;
  reason?: string;
  items: OrderItem[];
  amount: number;
  accountId: string;
}

/** An order the service accepted: an ok `order` answered its id. */
interface Accepted {
  orderId: string;
  /** The first ok that named this id. */
  ok: Pair;
  /** The first attempt under its key: its request is the order's. */
  request: Pair;
  /** The final read's answer: the order, null (404), or undefined when unread or malformed. */
  final?: Final | null;
}

/** The attempts under one Idempotency-Key and the orders their ok answers named. */
interface Key {
  attempts: Pair[];
  ids: Map<string, Pair>;
}

/** What a saga moves in the other services: stock per sku, money per account. */
type Effect = 'stock' | 'money';

/** The orders' history as the saga checks read it. */
interface Orders {
  finalOrders?: Pair;
  effects?: Pair;
  attempts: Record<'ok' | 'fail' | 'info', number>;
  malformed: number;
  keys: Key[];
  resolved: { failed: number; 'indeterminate-resolved': number; unresolved: number };
  accepted: Map<string, Accepted>;
  /** Accepted orders the final read did not show (or showed malformed). */
  unread: number;
  /** The skus and accounts an order of unknown outcome may have touched: bounded below only. */
  unbounded: Record<Effect, Set<string>>;
  /** Per order read at the end, its payment rows (from final-order-effects). */
  charges: Record<string, unknown>;
  /** Per sku, the stock taken; per account, the money taken (initial − final). */
  taken: Record<Effect, Map<string, number>>;
}

function itemsOf(value: unknown): OrderItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: OrderItem[] = [];
  for (const v of value) {
    const sku = text(fields<OrderItem>(v)?.sku);
    const qty = finiteNumber(fields<OrderItem>(v)?.qty);
    if (sku === undefined || qty === undefined) return undefined;
    items.push({ sku, qty });
  }
  return items;
}

/** A final-orders entry: the order, null (404), or undefined when malformed. */
function finalOrder(value: unknown): Final | null | undefined {
  if (value === null) return null;
  const o = fields<FinalOrder>(value);
  const state = text(o?.state);
  const items = itemsOf(o?.items);
  const amount = finiteNumber(o?.amount);
  const accountId = text(o?.accountId);
  if (state === undefined || !items || amount === undefined || accountId === undefined) {
    return undefined;
  }
  const reason = text(o?.reason);
  return { state, ...(reason !== undefined ? { reason } : {}), items, amount, accountId };
}

const ops = (list: readonly (Pair | undefined)[]): Op[] =>
  list.flatMap((p) => (!p ? [] : p.completion ? [p.invoke, p.completion] : [p.invoke]));

/**
 * The saga checker for orders, against the last ok `final-orders` (every accepted order read
 * after heal, once the sagas had time to finish) and the last ok `final-order-effects` (the
 * orders' skus' stock, the payment rows under each order's key, the orders accounts' balances):
 *
 * - `not-terminal`: an accepted order is neither confirmed nor cancelled at the end;
 * - `stock-mismatch`: per sku, the stock taken (initial − final) is not the quantity of its
 *   confirmed orders (a cancelled order must have released what it reserved);
 * - `money-mismatch`: per account, the money taken (initial − final) is not the amount of its
 *   confirmed orders (the orders' accounts serve nothing else);
 * - `double-charge`: an order's key `order-<orderId>` has more than one payment row;
 * - `cancelled-but-charged`: a cancelled order has a payment (the saga has no refund step);
 * - `lost-order`: an order the service accepted (202) is not found (404) at the end;
 * - `duplicate-order`: attempts under one Idempotency-Key were answered with different orders.
 *
 * An `order` attempt that was indeterminate (info, or no completion) and retried under the same
 * key is resolved by the retry's answer (the workload's final reads retry every key left
 * unresolved): it is never counted as lost. A key that stays unresolved may or may not have made
 * an order, so the stock and money of its skus and account are only bounded below. An order
 * still in flight (not terminal) may or may not hold its reservation and charge: its quantity and
 * amount are allowed either way (it is `not-terminal` already).
 *
 * Valid 'unknown' without both final reads, or when a key stays unresolved, an accepted order,
 * a charge, a sku or an account is missing from them (and nothing invalid was found).
 */
export function checkSaga(history: History): CheckerResult {
  return compose<Orders, SagaAnomaly>('saga', {
    operations,
    'one order per key': oneOrderPerKey,
    'orders ended': ordersEnded,
    'charged once': chargedOnce,
    'effects match': effectsMatch,
  })(readOrders(history));
}

function readOrders(history: History): Orders {
  const byKey = new Map<string, Pair[]>();
  const orders: Orders = {
    attempts: { ok: 0, fail: 0, info: 0 },
    malformed: 0,
    keys: [],
    resolved: { failed: 0, 'indeterminate-resolved': 0, unresolved: 0 },
    accepted: new Map(),
    unread: 0,
    unbounded: { stock: new Set(), money: new Set() },
    charges: {},
    taken: { stock: new Map(), money: new Map() },
  };
  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === OPERATIONS.finalOrders || invoke.f === OPERATIONS.finalOrderEffects) {
      if (completion?.type !== 'ok' || !record(completion.value)) continue;
      if (invoke.f === OPERATIONS.finalOrderEffects) orders.effects = pair;
      else if (record(fields<FinalOrdersOk>(completion.value)?.orders)) orders.finalOrders = pair;
    } else if (invoke.f === OPERATIONS.order && !groupByKey(pair, orders.attempts, byKey)) {
      orders.malformed++;
    }
  }
  for (const attempts of byKey.values()) acceptOrders(orders, attempts);
  readFinalOrders(orders);
  readEffects(orders);
  return orders;
}

/** Files the orders one key's attempts were answered with, or how the key stayed without one. */
function acceptOrders(orders: Orders, attempts: Pair[]): void {
  const ids = new Map<string, Pair>();
  for (const pair of attempts) {
    if (pair.completion?.type !== 'ok') continue;
    const orderId = text(fields<OrderOk>(pair.completion.value)?.orderId);
    if (orderId === undefined) orders.malformed++;
    else if (!ids.has(orderId)) ids.set(orderId, pair);
  }
  orders.keys.push({ attempts, ids });
  const indeterminate = attempts.some((p) => outcome(p) === 'info');
  if (ids.size === 0) {
    if (!indeterminate) orders.resolved.failed++;
    else {
      orders.resolved.unresolved++;
      mayHaveTouched(orders, attempts[0]!);
    }
    return;
  }
  if (indeterminate) orders.resolved['indeterminate-resolved']++;
  for (const [orderId, ok] of ids) {
    orders.accepted.set(orderId, { orderId, ok, request: attempts[0]! });
  }
}

/** An order of unknown outcome may have taken its skus' stock and its account's money. */
function mayHaveTouched(orders: Orders, attempt: Pair): void {
  const request = fields<OrderRequest>(attempt.invoke.value);
  for (const item of itemsOf(request?.items) ?? []) orders.unbounded.stock.add(item.sku);
  const accountId = text(request?.accountId);
  if (accountId !== undefined) orders.unbounded.money.add(accountId);
}

/** Each accepted order's final state; an order unread or gone may have touched anything. */
function readFinalOrders(orders: Orders): void {
  const read = record(fields<FinalOrdersOk>(orders.finalOrders?.completion?.value)?.orders) ?? {};
  for (const order of orders.accepted.values()) {
    const present = orders.finalOrders !== undefined && Object.hasOwn(read, order.orderId);
    order.final = present ? finalOrder(read[order.orderId]) : undefined;
    if (present && order.final === undefined) orders.malformed++;
    if (order.final === undefined) orders.unread++;
    if (!order.final) mayHaveTouched(orders, order.request);
  }
}

/** What final-order-effects read: charges, stock, balances (odd entries count as malformed). */
function readEffects(orders: Orders): void {
  const value = fields<FinalOrderEffectsOk>(orders.effects?.completion?.value);
  if (!value) return;
  orders.charges = record(value.charges) ?? {};
  const movements = (moved: unknown): Map<string, number> => {
    const taken = new Map<string, number>();
    for (const [name, v] of Object.entries(record(moved) ?? {})) {
      const initial = finiteNumber(record(v)?.initial);
      const final = finiteNumber(record(v)?.final);
      if (initial === undefined || final === undefined) orders.malformed++;
      else taken.set(name, initial - final);
    }
    return taken;
  };
  orders.taken = { stock: movements(value.stock), money: movements(value.balances) };
}

/** The orders read at the end, in acceptance order. */
const finals = (orders: Orders): [Accepted, Final][] =>
  [...orders.accepted.values()].flatMap((o) => (o.final ? [[o, o.final]] : []));

/** What the history holds; 'unknown' without both final reads, or with an order unaccounted. */
const operations: Check<Orders> = (orders) => ({
  valid:
    !orders.finalOrders || !orders.effects || orders.resolved.unresolved > 0 || orders.unread > 0
      ? 'unknown'
      : undefined,
  stats: {
    'final-orders': orders.finalOrders ? 'present' : 'missing',
    'final-order-effects': orders.effects ? 'present' : 'missing',
    'attempts-ok': orders.attempts.ok,
    'attempts-fail': orders.attempts.fail,
    'attempts-info': orders.attempts.info,
    malformed: orders.malformed,
    keys: orders.keys.length,
    'keys-failed': orders.resolved.failed,
    'keys-indeterminate-resolved': orders.resolved['indeterminate-resolved'],
    'keys-unresolved': orders.resolved.unresolved,
    'orders-accepted': orders.accepted.size,
    'orders-unchecked': orders.unread,
  },
});

/** Attempts under one Idempotency-Key are answered with one order. */
const oneOrderPerKey: Check<Orders, SagaAnomaly> = (orders, findings) => {
  for (const key of orders.keys) {
    if (key.ids.size > 1) findings.add('duplicate-order', ops(key.attempts));
  }
  return {};
};

/** Every accepted order is still known at the end, and confirmed or cancelled. */
const ordersEnded: Check<Orders, SagaAnomaly> = (orders, findings) => {
  const finalOps = ops([orders.finalOrders]);
  const states: Tally = {};
  const cancelReasons: Tally = {};
  for (const order of orders.accepted.values()) {
    const answer = [order.ok.invoke, order.ok.completion, ...finalOps];
    if (order.final === null) findings.add('lost-order', answer);
    if (!order.final) continue;
    const { state, reason } = order.final;
    increment(states, state);
    if (state === 'cancelled') increment(cancelReasons, reason ?? 'none');
    else if (state !== 'confirmed') findings.add('not-terminal', answer);
  }
  return {
    stats: {
      confirmed: states.confirmed ?? 0,
      cancelled: states.cancelled ?? 0,
      'not-terminal': findings.count('not-terminal'),
      'final-states': states,
      'cancel-reasons': cancelReasons,
    },
  };
};

/** An order is charged at most once, and a cancelled order not at all (no refund step). */
const chargedOnce: Check<Orders, SagaAnomaly> = (orders, findings) => {
  const read = finals(orders);
  if (!orders.effects) return { stats: { 'orders-charged': 0, 'charges-unchecked': read.length } };
  const finalOps = ops([orders.finalOrders, orders.effects]);
  let charged = 0;
  let unchecked = 0;
  for (const [order, final] of read) {
    const rows = finiteNumber(orders.charges[order.orderId]);
    if (rows === undefined) {
      unchecked++;
      continue;
    }
    if (rows >= 1) charged++;
    const evidence = [order.ok.invoke, order.ok.completion, ...finalOps];
    if (rows > 1) findings.add('double-charge', evidence);
    if (final.state === 'cancelled' && rows >= 1) findings.add('cancelled-but-charged', evidence);
  }
  return {
    valid: unchecked > 0 ? 'unknown' : undefined,
    stats: { 'orders-charged': charged, 'charges-unchecked': unchecked },
  };
};

/** How an effect is judged: what an order takes of it, by name (sku, account). */
const EFFECTS: Record<
  Effect,
  { anomaly: SagaAnomaly; takes: (order: Final) => [string, number][]; stats: [string, string] }
> = {
  stock: {
    anomaly: 'stock-mismatch',
    takes: (order) => order.items.map((i) => [i.sku, i.qty]),
    stats: ['stock-by-sku', 'skus-unchecked'],
  },
  money: {
    anomaly: 'money-mismatch',
    takes: (order) => [[order.accountId, order.amount]],
    stats: ['money-by-account', 'accounts-unchecked'],
  },
};

/**
 * Per sku and per account, what moved is what the confirmed orders took (a cancelled order gave
 * back what it reserved), plus anything of what orders still in flight took; orders of unknown
 * outcome bound it below only. 'unknown' when a sku or account an order touched was not read.
 */
const effectsMatch: Check<Orders, SagaAnomaly> = (orders, findings) => {
  const stats: Record<string, StatValue> = {};
  const unchecked: Record<string, number> = {};
  const evidence = ops([orders.finalOrders, orders.effects]);
  for (const [effect, { anomaly, takes, stats: keys }] of Object.entries(EFFECTS)) {
    const [byNameKey, uncheckedKey] = keys;
    const byName: Record<string, StatValue> = {};
    stats[byNameKey] = byName;
    unchecked[uncheckedKey] = 0;
    if (!orders.effects) continue;
    const unbounded = orders.unbounded[effect as Effect];
    const confirmed = new Map<string, number>();
    const slack = new Map<string, number>();
    const named = new Set(unbounded);
    for (const [, final] of finals(orders)) {
      const expected =
        final.state === 'confirmed' ? confirmed : final.state === 'cancelled' ? undefined : slack;
      for (const [name, amount] of takes(final)) {
        named.add(name);
        if (expected) expected.set(name, (expected.get(name) ?? 0) + amount);
      }
    }
    const taken = orders.taken[effect as Effect];
    for (const [name, amount] of taken) {
      const low = confirmed.get(name) ?? 0;
      const high = unbounded.has(name) ? Infinity : low + (slack.get(name) ?? 0);
      byName[name] = { taken: amount, confirmed: low };
      if (amount < low || amount > high) findings.add(anomaly, evidence);
    }
    unchecked[uncheckedKey] = [...named].filter((name) => !taken.has(name)).length;
  }
  const unread = Object.values(unchecked).some((n) => n > 0);
  return { valid: unread ? 'unknown' : undefined, stats: { ...stats, ...unchecked } };
};
