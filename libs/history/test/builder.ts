import { type CompletionType, HistoryRecorder, type Op, type OpExtra } from '../src/history';
import type { FinalOrder, FinalOrderEffectsOk, OrderItem, WriteTimestamp } from '../src/operations';

/** A completion to record, or 'open' for an invoke the run never completed. */
export type Outcome = CompletionType | 'open';

/**
 * Builds small, readable histories on a real HistoryRecorder. Time is set with `at(seconds)` and
 * moves 1 ms forward with every op, so `at(5).read(…)` is invoked at 5.000 s and completes at
 * 5.001 s.
 */
export class HistoryBuilder {
  private nanos = 0;
  readonly recorder = new HistoryRecorder({ now: () => (this.nanos += 1e6) - 1e6 });

  at(seconds: number): this {
    this.nanos = Math.round(seconds * 1e9);
    return this;
  }

  ops(): Op[] {
    return this.recorder.history();
  }

  invoke(process: string, f: string, value: unknown, extra?: OpExtra): this {
    this.recorder.invoke(process, f, value, extra);
    return this;
  }

  complete(process: string, type: CompletionType, value?: unknown, extra?: OpExtra): this {
    this.recorder.complete(process, type, value, extra);
    return this;
  }

  /** An invoke and, unless 'open', its completion right after. */
  call(
    process: string,
    f: string,
    request: unknown,
    type: Outcome,
    result?: unknown,
    extra?: OpExtra,
  ): this {
    this.invoke(process, f, request);
    if (type !== 'open') this.complete(process, type, result, extra);
    return this;
  }

  // Bank.
  transfer(process: string, from: string, to: string, amount: number, type: Outcome): this {
    const key = `${process}-${this.recorder.size}`;
    const result = type === 'ok' ? { id: key } : null;
    const error = type === 'fail' ? '409 insufficient funds' : type === 'info' ? '503' : undefined;
    return this.call(process, 'transfer', { from, to, amount, key }, type, result, { error });
  }

  readBalances(process: string, balances: Record<string, number>): this {
    return this.call(process, 'read-balances', null, 'ok', { balances }, { node: 'payments-0' });
  }

  // Payments.
  pay(process: string, key: string, type: Outcome, amount = 100): this {
    const result = type === 'ok' ? { id: `payment-${key}` } : null;
    const error = type === 'fail' ? '409 insufficient funds' : type === 'info' ? '503' : undefined;
    return this.call(process, 'pay', { key, accountId: 'acct-1', amount }, type, result, {
      error,
    });
  }

  finalPayments(byKey: Record<string, number>): this {
    return this.call('final', 'final-payments', null, 'ok', { byKey });
  }

  // Orders.
  /** An order attempt under Idempotency-Key `key`; ok answers `orderId` (202). */
  order(
    process: string,
    key: string,
    items: OrderItem[],
    type: Outcome,
    orderId?: string,
    accountId = 'orders-acct',
  ): this {
    const result = type === 'ok' ? { orderId } : null;
    const error = type === 'fail' ? '400 bad request' : type === 'info' ? '503' : undefined;
    return this.call(process, 'order', { key, items, accountId }, type, result, {
      node: 'orders-0',
      error,
    });
  }

  finalOrders(orders: Record<string, FinalOrder | null>): this {
    return this.call('final', 'final-orders', null, 'ok', { orders });
  }

  finalOrderEffects(effects: FinalOrderEffectsOk): this {
    return this.call('final', 'final-order-effects', null, 'ok', effects);
  }

  // Catalog.
  /** An ok write of `sku` that made it `version`, stamped `wallMs`. */
  write(process: string, sku: string, version: number, wallMs: number, writer = 'catalog-a'): this {
    return this.call(
      process,
      'write',
      { sku, name: `${sku}-v${version}` },
      'ok',
      { sku, version, timestamp: ts(wallMs), writer },
      { node: writer },
    );
  }

  /** A write stamped `wallMs`, refused because `storedWallMs` is stored. */
  rejectedWrite(
    process: string,
    sku: string,
    name: string,
    wallMs: number,
    storedWallMs: number,
    writer = 'catalog-b',
  ): this {
    const value = {
      reason: 'lww_rejected',
      sku,
      writeTimestamp: ts(wallMs),
      storedTimestamp: ts(storedWallMs),
    };
    return this.call(process, 'write', { sku, name }, 'fail', value, {
      node: writer,
      error: '409 lww_rejected',
    });
  }

  read(
    process: string,
    sku: string,
    version: number,
    options: {
      consistency?: 'eventual' | 'strong';
      node?: string;
      wallMs?: number;
      name?: string;
    } = {},
  ): this {
    const consistency = options.consistency ?? 'eventual';
    const node = options.node ?? (consistency === 'strong' ? 'redis-primary' : 'redis-1');
    const value: Record<string, unknown> = {
      sku,
      version,
      name: options.name ?? `${sku}-v${version}`,
    };
    if (options.wallMs !== undefined) value.timestamp = ts(options.wallMs);
    return this.call(process, 'read', { sku, consistency }, 'ok', value, { node });
  }

  finalRead(
    sku: string,
    version: number,
    node: string,
    consistency: 'eventual' | 'strong' = 'eventual',
  ): this {
    return this.call('final', 'final-read', { sku, consistency }, 'ok', { sku, version }, { node });
  }

  // Nemesis.
  drill(kind: string, target: string): this {
    return this.call('nemesis', 'drill', { kind, target, params: {} }, 'ok', { id: 'drill-1' });
  }

  heal(): this {
    return this.call('nemesis', 'heal', {}, 'ok', {});
  }
}

export const ts = (wallMs: number): WriteTimestamp => ({ wallMs, logical: 0 });

export const history = (): HistoryBuilder => new HistoryBuilder();
