import { createHash } from 'node:crypto';
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@faultline/postgres';
import { emit } from '../saga/outbox';
import { OutboxRelay } from '../saga/outbox-relay';
import { SagaMetrics } from '../saga/saga-metrics';
import { SagaServices, StepUnavailable } from '../saga/service-clients';
import type { OrderDto, PlaceOrderDto } from '@faultline/contracts/dto';

interface OrderRow {
  id: string;
  request_hash: string;
  account_id: string;
  items: { sku: string; qty: number }[];
  amount: number;
  state: OrderDto['state'];
  reason: string | null;
}

const hashOf = (dto: PlaceOrderDto): string =>
  createHash('sha256')
    .update(
      JSON.stringify({ accountId: dto.accountId, items: dto.items.map((i) => [i.sku, i.qty]) }),
    )
    .digest('hex');

@Injectable()
export class OrdersService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly services: SagaServices,
    private readonly metrics: SagaMetrics,
    private readonly relay: OutboxRelay,
  ) {}

  /** The order's amount, from the catalog's prices (read on the primary). */
  private async price(dto: PlaceOrderDto): Promise<number> {
    let amount = 0;
    for (const item of dto.items) {
      let answer;
      try {
        answer = await this.services.product(item.sku);
      } catch (err) {
        if (err instanceof StepUnavailable)
          throw new ServiceUnavailableException(`the catalog did not answer: ${err.message}`);
        throw err;
      }
      if (answer.status === 404)
        throw new BadRequestException(`product ${item.sku} does not exist`);
      amount += Number(answer.body.priceCents) * item.qty;
    }
    return amount;
  }

  /**
   * Accepts an order once per Idempotency-Key: the order and its first event are written
   * in one transaction (the outbox), and the saga runs from there, even while Kafka is
   * out of reach.
   */
  async place(
    key: string,
    dto: PlaceOrderDto,
  ): Promise<{ orderId: string; state: OrderDto['state'] }> {
    const existing = await this.byKey(key);
    if (existing) return this.replay(existing, dto);
    const amount = await this.price(dto);
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN');
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO orders (idempotency_key, request_hash, account_id, items, amount, state)
         VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [key, hashOf(dto), dto.accountId, JSON.stringify(dto.items), amount],
      );
      if (rows.length === 0) {
        await tx.query('ROLLBACK');
        return this.replay((await this.byKey(key))!, dto);
      }
      const orderId = rows[0]!.id;
      await tx.query(
        "INSERT INTO order_steps (order_id, step, outcome) VALUES ($1, 'accept', 'ok')",
        [orderId],
      );
      await emit(tx, orderId, 'order.placed', { amount });
      await tx.query('COMMIT');
      this.relay.nudge();
      this.metrics.orders.inc({ state: 'pending' });
      return { orderId, state: 'pending' };
    } catch (err) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      tx.release();
    }
  }

  private async byKey(key: string): Promise<OrderRow | undefined> {
    const { rows } = await this.pool.query<OrderRow>(
      'SELECT * FROM orders WHERE idempotency_key = $1',
      [key],
    );
    return rows[0];
  }

  private replay(
    order: OrderRow,
    dto: PlaceOrderDto,
  ): { orderId: string; state: OrderDto['state'] } {
    if (order.request_hash !== hashOf(dto)) {
      throw new UnprocessableEntityException(
        'Idempotency-Key was already used with a different order',
      );
    }
    return { orderId: order.id, state: 'pending' };
  }

  async get(id: string): Promise<OrderDto> {
    const { rows } = await this.pool.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
    const order = rows[0];
    if (!order) throw new NotFoundException(`order ${id} does not exist`);
    const steps = await this.pool.query<{
      step: string;
      outcome: string;
      detail: unknown;
      at: Date;
    }>('SELECT step, outcome, detail, at FROM order_steps WHERE order_id = $1 ORDER BY at', [id]);
    return {
      orderId: order.id,
      state: order.state,
      ...(order.reason ? { reason: order.reason } : {}),
      items: order.items,
      accountId: order.account_id,
      amount: order.amount,
      steps: steps.rows.map((s) => ({
        step: s.step,
        outcome: s.outcome,
        detail: s.detail ?? undefined,
        at: s.at.toISOString(),
      })),
    };
  }
}
