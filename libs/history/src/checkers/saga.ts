import { type CheckerResult, Findings, type StatValue, type Validity } from '../checker-result';
import { type History, type Op, outcome, type Pair, pairs } from '../history';
import { finiteNumber, groupByKey, type Json, type OrderItem, record, text } from '../operations';

/** An order as the final read showed it (null: the service said 404). */
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
  /** Every attempt under its key, and the first ok that named this id. */
  attempts: Pair[];
  ok: Pair;
  request: { items?: OrderItem[]; accountId?: string };
}

function itemsOf(value: unknown): OrderItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: OrderItem[] = [];
  for (const v of value) {
    const sku = text(record(v)?.sku);
    const qty = finiteNumber(record(v)?.qty);
    if (sku === undefined || qty === undefined) return undefined;
    items.push({ sku, qty });
  }
  return items;
}

/** A final-orders entry: the order, null (404), or undefined when malformed. */
function finalOrder(value: unknown): Final | null | undefined {
  if (value === null) return null;
  const o = record(value);
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

/** `{initial, final}` pairs by name; entries of another shape are counted as malformed. */
function movements(value: unknown, malformed: { count: number }): Map<string, number> {
  const taken = new Map<string, number>();
  for (const [name, v] of Object.entries(record(value) ?? {})) {
    const initial = finiteNumber(record(v)?.initial);
    const final = finiteNumber(record(v)?.final);
    if (initial === undefined || final === undefined) malformed.count++;
    else taken.set(name, initial - final);
  }
  return taken;
}

const ops = (list: readonly Pair[]): Op[] =>
  list.flatMap((p) => (p.completion ? [p.invoke, p.completion] : [p.invoke]));

function add(totals: Map<string, number>, name: string, amount: number): void {
  totals.set(name, (totals.get(name) ?? 0) + amount);
}

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
  const findings = new Findings();
  const attempts = { ok: 0, fail: 0, info: 0 };
  const byKey = new Map<string, Pair[]>();
  let malformed = 0;
  let finalOrders: Pair | undefined;
  let effects: Pair | undefined;

  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === 'final-orders' || invoke.f === 'final-order-effects') {
      if (completion?.type !== 'ok' || !record(completion.value)) continue;
      if (invoke.f === 'final-orders') {
        if (record(record(completion.value)?.orders)) finalOrders = pair;
      } else {
        effects = pair;
      }
      continue;
    }
    if (invoke.f !== 'order') continue;
    if (!groupByKey(pair, attempts, byKey)) malformed++;
  }

  // Keys → accepted orders.
  const accepted = new Map<string, Accepted>();
  const keys = { failed: 0, 'indeterminate-resolved': 0, unresolved: 0 };
  /** Skus and accounts an order of unknown outcome may have touched: bounded below only. */
  const unbounded = { skus: new Set<string>(), accounts: new Set<string>() };
  const mayHaveTouched = (items: OrderItem[] | undefined, accountId: string | undefined) => {
    for (const item of items ?? []) unbounded.skus.add(item.sku);
    if (accountId !== undefined) unbounded.accounts.add(accountId);
  };
  for (const list of byKey.values()) {
    const request = record(list[0]!.invoke.value) as Json;
    const items = itemsOf(request.items);
    const accountId = text(request.accountId);
    const ids = new Map<string, Pair>();
    for (const pair of list) {
      if (pair.completion?.type !== 'ok') continue;
      const orderId = text(record(pair.completion.value)?.orderId);
      if (orderId === undefined) malformed++;
      else if (!ids.has(orderId)) ids.set(orderId, pair);
    }
    const indeterminate = list.some((p) => outcome(p) === 'info');
    if (ids.size === 0) {
      if (indeterminate) {
        keys.unresolved++;
        mayHaveTouched(items, accountId);
      } else {
        keys.failed++;
      }
      continue;
    }
    if (indeterminate) keys['indeterminate-resolved']++;
    if (ids.size > 1) findings.add('duplicate-order', ops(list));
    for (const [orderId, ok] of ids) {
      accepted.set(orderId, { orderId, attempts: list, ok, request: { items, accountId } });
    }
  }

  // Accepted orders → their final state, and what they should have taken.
  const finalOps: Op[] = finalOrders ? [finalOrders.invoke, finalOrders.completion!] : [];
  const effectOps: Op[] = effects ? [effects.invoke, effects.completion!] : [];
  const orders = record(record(finalOrders?.completion?.value)?.orders) ?? {};
  const states: Record<string, number> = {};
  const cancelReasons: Record<string, number> = {};
  const finals = new Map<string, Final>();
  /** What confirmed orders took, and what orders still in flight may have taken. */
  const expected = {
    stock: new Map<string, number>(),
    money: new Map<string, number>(),
    stockSlack: new Map<string, number>(),
    moneySlack: new Map<string, number>(),
  };
  let ordersUnchecked = 0;
  for (const order of accepted.values()) {
    const answer = [order.ok.invoke, order.ok.completion];
    if (!finalOrders || !Object.hasOwn(orders, order.orderId)) {
      ordersUnchecked++;
      mayHaveTouched(order.request.items, order.request.accountId);
      continue;
    }
    const final = finalOrder(orders[order.orderId]);
    if (final === undefined) {
      malformed++;
      ordersUnchecked++;
      mayHaveTouched(order.request.items, order.request.accountId);
      continue;
    }
    if (final === null) {
      findings.add('lost-order', [...answer, ...finalOps]);
      mayHaveTouched(order.request.items, order.request.accountId);
      continue;
    }
    finals.set(order.orderId, final);
    states[final.state] = (states[final.state] ?? 0) + 1;
    if (final.state === 'confirmed') {
      for (const item of final.items) add(expected.stock, item.sku, item.qty);
      add(expected.money, final.accountId, final.amount);
    } else if (final.state === 'cancelled') {
      const reason = final.reason ?? 'none';
      cancelReasons[reason] = (cancelReasons[reason] ?? 0) + 1;
    } else {
      findings.add('not-terminal', [...answer, ...finalOps]);
      for (const item of final.items) add(expected.stockSlack, item.sku, item.qty);
      add(expected.moneySlack, final.accountId, final.amount);
    }
  }

  // Effects: charges per order, stock per sku, money per account.
  let chargesUnchecked = 0;
  let charged = 0;
  const unchecked = { skus: 0, accounts: 0 };
  const stockBySku: Record<string, StatValue> = {};
  const moneyByAccount: Record<string, StatValue> = {};
  if (effects) {
    const value = record(effects.completion!.value)!;
    const charges = record(value.charges) ?? {};
    for (const [orderId, final] of finals) {
      const rows = finiteNumber(charges[orderId]);
      if (rows === undefined) {
        chargesUnchecked++;
        continue;
      }
      if (rows >= 1) charged++;
      const order = accepted.get(orderId)!;
      const evidence = [order.ok.invoke, order.ok.completion, ...finalOps, ...effectOps];
      if (rows > 1) findings.add('double-charge', evidence);
      if (final.state === 'cancelled' && rows >= 1) findings.add('cancelled-but-charged', evidence);
    }

    const bad = { count: 0 };
    const judge = (
      taken: Map<string, number>,
      named: Iterable<string>,
      confirmed: Map<string, number>,
      slack: Map<string, number>,
      open: Set<string>,
      anomaly: string,
      stats: Record<string, StatValue>,
    ): number => {
      for (const [name, amount] of taken) {
        const low = confirmed.get(name) ?? 0;
        const high = open.has(name) ? Infinity : low + (slack.get(name) ?? 0);
        stats[name] = { taken: amount, confirmed: low };
        if (amount < low || amount > high) findings.add(anomaly, [...finalOps, ...effectOps]);
      }
      // Touched by an order (even one cancelled: it must have given its stock back) but not read.
      const touched = new Set([...named, ...open]);
      return [...touched].filter((name) => !taken.has(name)).length;
    };
    unchecked.skus = judge(
      movements(value.stock, bad),
      [...finals.values()].flatMap((o) => o.items.map((i) => i.sku)),
      expected.stock,
      expected.stockSlack,
      unbounded.skus,
      'stock-mismatch',
      stockBySku,
    );
    unchecked.accounts = judge(
      movements(value.balances, bad),
      [...finals.values()].map((o) => o.accountId),
      expected.money,
      expected.moneySlack,
      unbounded.accounts,
      'money-mismatch',
      moneyByAccount,
    );
    malformed += bad.count;
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (!finalOrders || !effects) valid = 'unknown';
  else if (
    keys.unresolved > 0 ||
    ordersUnchecked > 0 ||
    chargesUnchecked > 0 ||
    unchecked.skus > 0 ||
    unchecked.accounts > 0
  ) {
    valid = 'unknown';
  } else valid = true;

  return findings.result('saga', valid, {
    'final-orders': finalOrders ? 'present' : 'missing',
    'final-order-effects': effects ? 'present' : 'missing',
    'attempts-ok': attempts.ok,
    'attempts-fail': attempts.fail,
    'attempts-info': attempts.info,
    malformed,
    keys: byKey.size,
    'keys-failed': keys.failed,
    'keys-indeterminate-resolved': keys['indeterminate-resolved'],
    'keys-unresolved': keys.unresolved,
    'orders-accepted': accepted.size,
    'orders-unchecked': ordersUnchecked,
    confirmed: states.confirmed ?? 0,
    cancelled: states.cancelled ?? 0,
    'not-terminal': findings.count('not-terminal'),
    'final-states': states,
    'cancel-reasons': cancelReasons,
    'orders-charged': charged,
    'charges-unchecked': effects ? chargesUnchecked : finals.size,
    'stock-by-sku': stockBySku,
    'money-by-account': moneyByAccount,
    'skus-unchecked': unchecked.skus,
    'accounts-unchecked': unchecked.accounts,
  });
}
