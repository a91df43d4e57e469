import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HistoryRecorder, OrderRequest } from '@faultline/history';
import { type Completion, operate } from './operation';
import { callService } from './service-call';

/** The services a run drives, and the data it set up for itself. */
export interface Workbench {
  history: HistoryRecorder;
  paymentsUrl: string;
  catalog: Record<'catalog-a' | 'catalog-b', string>;
  /** The bank accounts (transfers among them keep their total). */
  bankAccounts: string[];
  bankTotal: number;
  /** The account payments are charged to (kept apart, so the bank total holds). */
  walletAccount: string;
  skus: string[];
  /** Every idempotency key the payer used: the final read resolves each. */
  paymentKeys: Set<string>;
  ordersUrl: string;
  /** The account orders are charged to (nothing else uses it), and its opening balance. */
  ordersAccount: { id: string; initialBalance: number };
  /** The orders' own products and their initial stock: the catalog writers never touch them. */
  orderSkus: Record<string, number>;
  /** Every order placed, by Idempotency-Key: the final reads resolve and follow each. */
  orders: Map<string, PlacedOrder>;
  stopped: () => boolean;
  intervalMs: number;
}

/** An order as the workload knows it: its request, and its id once the service accepted it. */
export interface PlacedOrder {
  request: OrderRequest;
  orderId?: string;
  /** Whether an attempt was indeterminate (the order may exist without the workload knowing). */
  indeterminate: boolean;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function loop(w: Workbench, step: () => Promise<void>): Promise<void> {
  while (!w.stopped()) {
    const started = Date.now();
    await step();
    await sleep(Math.max(0, w.intervalMs - (Date.now() - started)));
  }
}

/** Transfers among the bank accounts; a 409 (not enough money) is a fail. */
export const transferer = (w: Workbench, process: string) =>
  loop(w, async () => {
    const from = pick(w.bankAccounts);
    const to = pick(w.bankAccounts.filter((a) => a !== from));
    const value = { from, to, amount: 1 + Math.floor(Math.random() * 50), key: randomUUID() };
    await operate(w.history, process, 'transfer', value, async () => {
      const seen = await callService(
        `${w.paymentsUrl}/transfers`,
        {
          method: 'POST',
          body: { from, to, amount: value.amount },
          headers: { 'Idempotency-Key': value.key },
        },
        true,
      );
      return {
        seen,
        value: seen.type === 'ok' ? { id: (seen.body as { id: string }).id } : seen.body,
        node: 'payments-0',
      };
    });
  });

/** One read of every bank balance, in one snapshot. */
export const readBalances = (w: Workbench, process: string) =>
  operate(w.history, process, 'read-balances', null, async () => {
    const seen = await callService(
      `${w.paymentsUrl}/accounts?ids=${w.bankAccounts.join(',')}`,
      {},
      false,
    );
    if (seen.type !== 'ok') return { seen, node: 'payments-0' };
    const balances = Object.fromEntries(
      (seen.body as { id: string; balance: number }[]).map((a) => [a.id, a.balance]),
    );
    return { seen, value: { balances }, node: 'payments-0' };
  });

/** Reads every bank balance, again and again. */
export const balanceReader = (w: Workbench, process: string) =>
  loop(w, async () => {
    await readBalances(w, process);
  });

/** Pays from the wallet with an idempotency key; an indeterminate payment is retried with the same key. */
export const payer = (w: Workbench, process: string) =>
  loop(w, async () => {
    const key = randomUUID();
    w.paymentKeys.add(key);
    const value = { key, accountId: w.walletAccount, amount: 1 + Math.floor(Math.random() * 20) };
    for (let attempt = 0; attempt < 3 && !w.stopped(); attempt++) {
      const { seen } = await operate(w.history, process, 'pay', value, async () => {
        const seen = await callService(
          `${w.paymentsUrl}/payments`,
          {
            method: 'POST',
            body: {
              accountId: value.accountId,
              amount: value.amount,
              reference: `workload-${key}`,
            },
            headers: { 'Idempotency-Key': key },
          },
          true,
        );
        return {
          seen,
          value: seen.type === 'ok' ? { id: (seen.body as { id: string }).id } : seen.body,
          node: 'payments-0',
        };
      });
      if (seen.type !== 'info') break;
      await sleep(w.intervalMs);
    }
  });

interface ProductSeen {
  sku: string;
  version: number;
  timestamp: { wallMs: number; logical: number };
  name: string;
}

/** One product read; a 404 (never written yet) is version 0. */
export async function readProduct(
  w: Workbench,
  process: string,
  instance: 'catalog-a' | 'catalog-b',
  sku: string,
  consistency: 'eventual' | 'strong',
  f = 'read',
) {
  return operate(w.history, process, f, { sku, consistency }, async () => {
    const seen = await callService(
      `${w.catalog[instance]}/products/${sku}`,
      { headers: { Consistency: consistency } },
      false,
    );
    const node = seen.headers?.get('x-served-by') ?? undefined;
    if (seen.status === 404)
      return { seen: { ...seen, type: 'ok' }, value: { sku, version: 0 }, node };
    if (seen.type !== 'ok') return { seen, node };
    const p = seen.body as ProductSeen;
    return { seen, value: { sku, version: p.version, timestamp: p.timestamp, name: p.name }, node };
  });
}

/** Read-modify-write on one catalog instance: a strong read (the HLC sees the stored timestamp), then a write. */
export const catalogWriter = (
  w: Workbench,
  process: string,
  instance: 'catalog-a' | 'catalog-b',
) => {
  let n = 0;
  return loop(w, async () => {
    const sku = pick(w.skus);
    await readProduct(w, process, instance, sku, 'strong');
    const name = `${process}-${++n}`;
    await operate(w.history, process, 'write', { sku, name }, async () => {
      const seen = await callService(
        `${w.catalog[instance]}/products/${sku}`,
        { method: 'PUT', body: { name, priceCents: 100, stock: 1000 } },
        true,
      );
      if (seen.type === 'ok') {
        const p = seen.body as ProductSeen & { writer: string };
        return {
          seen,
          value: { sku, version: p.version, timestamp: p.timestamp, writer: p.writer },
          node: instance,
        };
      }
      const body = seen.body as
        { error?: string; writeTimestamp?: unknown; storedTimestamp?: unknown } | undefined;
      if (body?.error === 'lww_rejected') {
        return {
          seen,
          value: {
            reason: 'lww_rejected',
            sku,
            writeTimestamp: body.writeTimestamp,
            storedTimestamp: body.storedTimestamp,
          },
          node: instance,
        };
      }
      return { seen, node: instance };
    });
  });
};

export const catalogReader = (
  w: Workbench,
  process: string,
  instance: 'catalog-a' | 'catalog-b',
  consistency: 'eventual' | 'strong',
) =>
  loop(w, async () => {
    await readProduct(w, process, instance, pick(w.skus), consistency);
  });

/** One `POST /orders` under the order's key; the 202 names the order. */
export async function placeOrder(
  w: Workbench,
  process: string,
  placed: PlacedOrder,
): Promise<Completion> {
  const { key, items, accountId } = placed.request;
  const completion = await operate(w.history, process, 'order', placed.request, async () => {
    const seen = await callService(
      `${w.ordersUrl}/orders`,
      { method: 'POST', body: { items, accountId }, headers: { 'Idempotency-Key': key } },
      true,
    );
    return {
      seen,
      value:
        seen.type === 'ok' ? { orderId: (seen.body as { orderId: string }).orderId } : seen.body,
      node: 'orders-0',
    };
  });
  if (completion.seen.type === 'ok')
    placed.orderId = (completion.value as { orderId: string }).orderId;
  if (completion.seen.type === 'info') placed.indeterminate = true;
  return completion;
}

/**
 * Orders 1–2 of the orders' products (1–2 of each) for the orders account; an indeterminate
 * order is retried with the same key, as the payer does.
 */
export const orderer = (w: Workbench, process: string) =>
  loop(w, async () => {
    const skus = Object.keys(w.orderSkus).sort(() => Math.random() - 0.5);
    const items = skus
      .slice(0, 1 + Math.floor(Math.random() * 2))
      .map((sku) => ({ sku, qty: 1 + Math.floor(Math.random() * 2) }));
    const key = randomUUID();
    const placed: PlacedOrder = {
      request: { key, items, accountId: w.ordersAccount.id },
      indeterminate: false,
    };
    w.orders.set(key, placed);
    for (let attempt = 0; attempt < 3 && (attempt === 0 || !w.stopped()); attempt++) {
      const { seen } = await placeOrder(w, process, placed);
      if (seen.type !== 'info') break;
      await sleep(w.intervalMs);
    }
  });
