import { type CompletionType, HistoryRecorder, type Op, type OpExtra } from '../src/history';
import {
  type CatalogReadOk,
  type CatalogReadRequest,
  type CatalogWriteOk,
  type CatalogWriteRejected,
  type CatalogWriteRequest,
  type CartAddRequest,
  type CartConsistency,
  type CartFinalReadRequest,
  type CartReadOk,
  type CartReadRequest,
  type CartReplaceRequest,
  type CartUnavailable,
  type CartWriteOk,
  type DrillOk,
  type DrillRequest,
  type FinalOrder,
  type FinalOrderEffectsOk,
  type FinalOrdersOk,
  type FinalPaymentsOk,
  type FinalReadOk,
  type Operation,
  OPERATIONS,
  type OrderItem,
  type OrderOk,
  type OrderRequest,
  type PayOk,
  type PayRequest,
  type ReadBalancesOk,
  type ReadConsistency,
  replicasFor,
  type TransferOk,
  type TransferRequest,
  type WriteTimestamp,
} from '../src/operations';

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

  invoke(process: string, f: Operation, value: unknown, extra?: OpExtra): this {
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
    f: Operation,
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
    const request: TransferRequest = { from, to, amount, key };
    const result: TransferOk | null = type === 'ok' ? { id: key } : null;
    const error = type === 'fail' ? '409 insufficient funds' : type === 'info' ? '503' : undefined;
    return this.call(process, OPERATIONS.transfer, request, type, result, { error });
  }

  readBalances(process: string, balances: Record<string, number>): this {
    const result: ReadBalancesOk = { balances };
    return this.call(process, OPERATIONS.readBalances, null, 'ok', result, { node: 'payments-0' });
  }

  // Payments.
  pay(process: string, key: string, type: Outcome, amount = 100): this {
    const request: PayRequest = { key, accountId: 'acct-1', amount };
    const result: PayOk | null = type === 'ok' ? { id: `payment-${key}` } : null;
    const error = type === 'fail' ? '409 insufficient funds' : type === 'info' ? '503' : undefined;
    return this.call(process, OPERATIONS.pay, request, type, result, { error });
  }

  finalPayments(byKey: Record<string, number>): this {
    const result: FinalPaymentsOk = { byKey };
    return this.call('final', OPERATIONS.finalPayments, null, 'ok', result);
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
    const request: OrderRequest = { key, items, accountId };
    const result: Partial<OrderOk> | null = type === 'ok' ? { orderId } : null;
    const error = type === 'fail' ? '400 bad request' : type === 'info' ? '503' : undefined;
    return this.call(process, OPERATIONS.order, request, type, result, {
      node: 'orders-0',
      error,
    });
  }

  finalOrders(orders: Record<string, FinalOrder | null>): this {
    const result: FinalOrdersOk = { orders };
    return this.call('final', OPERATIONS.finalOrders, null, 'ok', result);
  }

  finalOrderEffects(effects: FinalOrderEffectsOk): this {
    return this.call('final', OPERATIONS.finalOrderEffects, null, 'ok', effects);
  }

  // Catalog.
  /** An ok write of `sku` that made it `version`, stamped `wallMs`. */
  write(process: string, sku: string, version: number, wallMs: number, writer = 'catalog-a'): this {
    const request: CatalogWriteRequest = { sku, name: `${sku}-v${version}` };
    const result: CatalogWriteOk = { sku, version, timestamp: ts(wallMs), writer };
    return this.call(process, OPERATIONS.write, request, 'ok', result, { node: writer });
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
    const request: CatalogWriteRequest = { sku, name };
    const value: CatalogWriteRejected = {
      reason: 'lww_rejected',
      sku,
      writeTimestamp: ts(wallMs),
      storedTimestamp: ts(storedWallMs),
    };
    return this.call(process, OPERATIONS.write, request, 'fail', value, {
      node: writer,
      error: '409 lww_rejected',
    });
  }

  read(
    process: string,
    sku: string,
    version: number,
    options: {
      consistency?: ReadConsistency;
      node?: string;
      wallMs?: number;
      name?: string;
    } = {},
  ): this {
    const consistency = options.consistency ?? 'eventual';
    const node = options.node ?? (consistency === 'strong' ? 'redis-primary' : 'redis-1');
    const request: CatalogReadRequest = { sku, consistency };
    const value: CatalogReadOk = { sku, version, name: options.name ?? `${sku}-v${version}` };
    if (options.wallMs !== undefined) value.timestamp = ts(options.wallMs);
    return this.call(process, OPERATIONS.read, request, 'ok', value, { node });
  }

  finalRead(
    sku: string,
    version: number,
    node: string,
    consistency: ReadConsistency = 'eventual',
  ): this {
    const request: CatalogReadRequest = { sku, consistency };
    const result: FinalReadOk = { sku, version };
    return this.call('final', OPERATIONS.finalRead, request, 'ok', result, { node });
  }

  // Carts.
  /**
   * A cart add (QUORUM and ok by default). Ok answers the write's timestamp, the builder's clock
   * in µs at the invoke unless `write` gives one (a skewed writer), and its writer (carts-a by
   * default, also the node); fail is Unavailable, info a timeout.
   */
  cartAdd(
    process: string,
    cart: string,
    item: string,
    consistency: CartConsistency = 'QUORUM',
    type: Outcome = 'ok',
    write: Partial<CartWriteOk> = {},
  ): this {
    const request: CartAddRequest = { cart, item, consistency };
    return this.cartWrite(process, OPERATIONS.cartAdd, request, type, write);
  }

  /** A cart replace, answered as `cartAdd`'s. */
  cartReplace(
    process: string,
    cart: string,
    items: string[],
    consistency: CartConsistency = 'QUORUM',
    type: Outcome = 'ok',
    write: Partial<CartWriteOk> = {},
  ): this {
    const request: CartReplaceRequest = { cart, items, consistency };
    return this.cartWrite(process, OPERATIONS.cartReplace, request, type, write);
  }

  /** A cart read (QUORUM and ok by default) through carts-a; `items` is what an ok one showed. */
  cartRead(
    process: string,
    cart: string,
    items: string[],
    consistency: CartConsistency = 'QUORUM',
    type: Outcome = 'ok',
  ): this {
    const request: CartReadRequest = { cart, consistency };
    const result: CartReadOk = { cart, items };
    return this.cartCall(
      process,
      OPERATIONS.cartRead,
      request,
      consistency,
      type,
      result,
      'carts-a',
    );
  }

  /** An ok final read of `replica`'s own data of a cart. */
  cartFinalRead(cart: string, replica: string, items: string[]): this {
    const request: CartFinalReadRequest = { cart, replica };
    const result: CartReadOk = { cart, items };
    return this.call('final', OPERATIONS.cartFinalRead, request, 'ok', result, { node: replica });
  }

  private cartWrite(
    process: string,
    f: Operation,
    request: CartAddRequest | CartReplaceRequest,
    type: Outcome,
    write: Partial<CartWriteOk>,
  ): this {
    const writer = write.writer ?? 'carts-a';
    const result: CartWriteOk = {
      cart: request.cart,
      timestampMicros: write.timestampMicros ?? this.nanos / 1e3,
      writer,
    };
    return this.cartCall(process, f, request, request.consistency, type, result, writer);
  }

  /** A cart operation through `node`: `ok` answers `result`, fail is Unavailable, info a timeout. */
  private cartCall(
    process: string,
    f: Operation,
    request: unknown,
    consistency: CartConsistency,
    type: Outcome,
    result: unknown,
    node: string,
  ): this {
    const unavailable: CartUnavailable = {
      reason: 'unavailable',
      required: replicasFor(consistency, 3),
      alive: 1,
    };
    const value = type === 'ok' ? result : type === 'fail' ? unavailable : null;
    const error = type === 'fail' ? 'Unavailable' : type === 'info' ? 'timeout' : undefined;
    return this.call(process, f, request, type, value, { node, error });
  }

  // Nemesis.
  drill(kind: string, target: string): this {
    const request: DrillRequest = { kind, target, params: {} };
    const result: DrillOk = { id: 'drill-1' };
    return this.call('nemesis', OPERATIONS.drill, request, 'ok', result);
  }

  heal(): this {
    return this.call('nemesis', OPERATIONS.heal, {}, 'ok', {});
  }
}

export const ts = (wallMs: number): WriteTimestamp => ({ wallMs, logical: 0 });

export const history = (): HistoryBuilder => new HistoryBuilder();
