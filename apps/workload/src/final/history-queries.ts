import {
  type History,
  OPERATIONS,
  type OrderOk,
  type OrderRequest,
  outcome,
  type Pair,
  pairs,
  type PayRequest,
} from '@faultline/history';

/** The history's attempts of one function, each with its completion. */
const attemptsOf = (history: History, f: string): Pair[] =>
  pairs(history).filter((p) => p.invoke.f === f);

/** Every idempotency key the history's `pay` invocations used, once each, in first use order. */
export function paymentKeys(history: History): string[] {
  const keys = attemptsOf(history, OPERATIONS.pay).map((p) => (p.invoke.value as PayRequest).key);
  return [...new Set(keys)];
}

/** An order as the history shows it: its request, and its id once an attempt was accepted. */
interface OrderAttempts {
  request: OrderRequest;
  orderId?: string;
  /** Whether an attempt was indeterminate (the order may exist without the history knowing). */
  indeterminate: boolean;
}

/** Every order the history attempted, by Idempotency-Key, in first attempt order. */
function ordersByKey(history: History): Map<string, OrderAttempts> {
  const orders = new Map<string, OrderAttempts>();
  for (const pair of attemptsOf(history, OPERATIONS.order)) {
    const request = pair.invoke.value as OrderRequest;
    const order = orders.get(request.key) ?? { request, indeterminate: false };
    if (outcome(pair) === 'ok') order.orderId ??= (pair.completion!.value as OrderOk).orderId;
    if (outcome(pair) === 'info') order.indeterminate = true;
    orders.set(request.key, order);
  }
  return orders;
}

/** The orders to place again: indeterminate, and never accepted. */
export const unresolvedOrders = (history: History): OrderRequest[] =>
  [...ordersByKey(history).values()]
    .filter((o) => o.orderId === undefined && o.indeterminate)
    .map((o) => o.request);

/** The ids of every order the service accepted (a 202), in first attempt order. */
export const acceptedOrderIds = (history: History): string[] =>
  [...ordersByKey(history).values()].flatMap((o) => (o.orderId ? [o.orderId] : []));
