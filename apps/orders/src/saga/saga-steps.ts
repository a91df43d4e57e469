import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@faultline/postgres';
import { emit } from './outbox';
import { OutboxRelay } from './outbox-relay';
import type { SagaEvent } from './saga-events';
import { SagaMetrics } from './saga-metrics';
import { SagaServices } from './service-clients';

interface OrderRow {
  id: string;
  account_id: string;
  items: { sku: string; qty: number }[];
  amount: number;
  state: string;
}

/**
 * The orchestrated saga: reserve stock → charge → confirm; a refused step runs the
 * compensations in reverse (release the stock). Each event is applied once: its id is
 * recorded in the same transaction as the state change and the next event.
 */
@Injectable()
export class SagaSteps {
  private readonly logger = new Logger('Saga');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly services: SagaServices,
    private readonly metrics: SagaMetrics,
    private readonly relay: OutboxRelay,
  ) {}

  async handle(event: SagaEvent): Promise<void> {
    const tx = await this.pool.connect();
    let entered: string | undefined;
    try {
      await tx.query('BEGIN');
      const fresh = await tx.query(
        'INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING',
        [event.eventId],
      );
      if (fresh.rowCount === 1) {
        const { rows } = await tx.query<OrderRow>(
          'SELECT id, account_id, items, amount, state FROM orders WHERE id = $1 FOR UPDATE',
          [event.orderId],
        );
        if (rows[0]) entered = await this.step(tx, rows[0], event);
      }
      await tx.query('COMMIT');
      if (entered) {
        // Every transition emits the event that announces it: publish it now.
        this.relay.nudge();
        // Counted once committed: a step rolled back (and retried) enters its state only once.
        this.metrics.orders.inc({ state: entered });
      }
    } catch (err) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      tx.release();
    }
  }

  /** Runs the event's step; returns the state the order entered, if any. */
  private async step(
    tx: PoolClient,
    order: OrderRow,
    event: SagaEvent,
  ): Promise<string | undefined> {
    switch (event.type) {
      case 'order.placed':
        return this.timed('reserve', () => this.reserve(tx, order));
      case 'stock.reserved':
        return this.timed('charge', () => this.charge(tx, order));
      case 'payment.charged':
        return this.timed('confirm', () =>
          this.transition(tx, order, 'confirmed', 'confirm', 'ok', 'order.confirmed'),
        );
      default:
        return undefined; // order.confirmed, order.cancelled: terminal, announced for others.
    }
  }

  private async timed<T>(step: string, work: () => Promise<T>): Promise<T> {
    const end = this.metrics.stepDuration.startTimer({ step });
    try {
      return await work();
    } finally {
      end();
    }
  }

  private async reserve(tx: PoolClient, order: OrderRow): Promise<string> {
    for (const item of order.items) {
      const answer = await this.services.reserve(item.sku, item.qty, order.id);
      if (answer.status !== 200) {
        await this.compensate(tx, order);
        const reason = answer.status === 409 ? 'out_of_stock' : `reserve_refused_${answer.status}`;
        return this.transition(
          tx,
          order,
          'cancelled',
          'reserve',
          'refused',
          'order.cancelled',
          { sku: item.sku, reason, answer: answer.body },
          reason,
        );
      }
    }
    return this.transition(tx, order, 'stock_reserved', 'reserve', 'ok', 'stock.reserved');
  }

  private async charge(tx: PoolClient, order: OrderRow): Promise<string> {
    const answer = await this.services.charge(order.id, order.account_id, order.amount);
    if (answer.status === 201) {
      return this.transition(tx, order, 'charged', 'charge', 'ok', 'payment.charged', {
        paymentId: answer.body.id,
      });
    }
    await this.compensate(tx, order);
    const reason = answer.status === 409 ? 'insufficient_funds' : `charge_refused_${answer.status}`;
    return this.transition(
      tx,
      order,
      'cancelled',
      'charge',
      'refused',
      'order.cancelled',
      { answer: answer.body },
      reason,
    );
  }

  /** Releases every item (a release of a reservation that never happened is harmless). */
  private async compensate(tx: PoolClient, order: OrderRow): Promise<void> {
    await this.timed('compensate', async () => {
      for (const item of [...order.items].reverse())
        await this.services.release(item.sku, order.id);
    });
    await tx.query(
      "INSERT INTO order_steps (order_id, step, outcome) VALUES ($1, 'release-stock', 'ok')",
      [order.id],
    );
  }

  private async transition(
    tx: PoolClient,
    order: OrderRow,
    state: string,
    step: string,
    outcome: string,
    next: SagaEvent['type'],
    detail: Record<string, unknown> = {},
    reason?: string,
  ): Promise<string> {
    await tx.query('UPDATE orders SET state = $2, reason = $3, updated_at = now() WHERE id = $1', [
      order.id,
      state,
      reason ?? null,
    ]);
    await tx.query(
      'INSERT INTO order_steps (order_id, step, outcome, detail) VALUES ($1, $2, $3, $4)',
      [order.id, step, outcome, JSON.stringify(detail)],
    );
    await emit(tx, order.id, next, detail);
    this.logger.log(`order ${order.id}: ${step} ${outcome} → ${state}`);
    return state;
  }
}
