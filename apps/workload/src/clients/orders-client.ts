import type { OrderDto, PlaceOrderDto } from '@faultline/contracts/dto';
import { type HistoryRecorder, type OrderRequest, OPERATIONS } from '@faultline/history';
import type { OrdersOp } from '../generator/generated-ops';
import { runKey, type Workbench } from '../setup/workbench';
import { type Completion, operate } from './operation';
import { type RetryPolicy, untilDeterminate } from './retry';
import { callService, type Seen } from './service-call';

/**
 * The orders service's client: places one order (the 202 names it) and records it in the
 * history; an order left indeterminate is placed again under the same key.
 */
export class OrdersClient {
  constructor(
    private readonly history: HistoryRecorder,
    private readonly url: string,
    private readonly workbench: Workbench,
    private readonly retry: RetryPolicy,
  ) {}

  /** A generated order, its products, account and key resolved to this run's. */
  perform(process: string, op: OrdersOp): Promise<Completion> {
    const w = this.workbench;
    const skus = Object.keys(w.orderSkus);
    return this.place(process, {
      key: runKey(w, op.value.key),
      items: op.value.items.map(({ sku, qty }) => ({ sku: skus[sku]!, qty })),
      accountId: w.ordersAccount.id,
    });
  }

  /** `POST /orders` under the order's key, again while indeterminate (see the retry policy). */
  place(process: string, request: OrderRequest): Promise<Completion> {
    const { key, items, accountId } = request;
    const body: PlaceOrderDto = { items, accountId };
    return untilDeterminate(this.retry, () =>
      operate(this.history, process, OPERATIONS.order, request, async () => {
        const seen = await callService<Pick<OrderDto, 'orderId'>>(
          `${this.url}/orders`,
          { method: 'POST', body, headers: { 'Idempotency-Key': key } },
          true,
        );
        const value = seen.type === 'ok' ? { orderId: seen.body.orderId } : seen.body;
        return { seen, value, node: 'orders-0' };
      }),
    );
  }

  /** An order as the service shows it now (unrecorded). */
  order(orderId: string): Promise<Seen<OrderDto>> {
    return callService<OrderDto>(`${this.url}/orders/${orderId}`, {}, false);
  }
}
