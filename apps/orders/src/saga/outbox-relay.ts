import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Producer } from '@faultline/kafka';
import type { Pool } from 'pg';
import { PG_POOL } from '@faultline/postgres';
import { SagaKafka } from '../kafka/kafka';
import { SAGA_TOPIC, type SagaEvent } from './saga-events';
import { SagaMetrics } from './saga-metrics';

/**
 * The relay publishes as soon as this process commits an event (`nudge`); the poll finds the
 * rest: a publish that failed (Kafka out of reach) and rows another replica left.
 */
const POLL_MS = 1_000;
const BATCH = 100;

interface OutboxRow {
  id: string;
  event_id: string;
  order_id: string;
  type: SagaEvent['type'];
  payload: Record<string, unknown>;
  trace_context: Record<string, string>;
}

/**
 * Publishes the outbox to Kafka in order and marks rows sent. While Kafka is out of
 * reach nothing is lost: rows wait (faultline_outbox_backlog grows) and drain after.
 * A row published but not yet marked is published again: consumers are idempotent.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private producer?: Producer;
  private timer?: NodeJS.Timeout;
  private busy = false;
  /** A nudge came while publishing: the rows it announces may be past that run's query. */
  private again = false;
  private failing = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly kafka: SagaKafka,
    private readonly metrics: SagaMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: false,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  /**
   * Publishes now: the caller has just committed an event into the outbox. While Kafka is out
   * of reach, the poll alone retries.
   */
  nudge(): void {
    if (this.failing) return;
    if (this.busy) this.again = true;
    else void this.relay();
  }

  private async relay(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.pool.query<OutboxRow>(
        'SELECT id, event_id, order_id, type, payload, trace_context FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1',
        [BATCH],
      );
      // Fewer rows than a batch are the whole backlog; only a full batch needs counting.
      const backlog =
        rows.length < BATCH
          ? rows.length
          : (
              await this.pool.query<{ n: number }>(
                'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL',
              )
            ).rows[0]!.n;
      this.metrics.backlog.set(backlog);
      if (rows.length === 0) return;
      const producer = await this.connectedProducer();
      for (const row of rows) {
        const event: SagaEvent = {
          eventId: row.event_id,
          orderId: row.order_id,
          type: row.type,
          payload: row.payload,
        };
        // The order's trace context travels in the headers, so its consumer continues the trace.
        await context.with(propagation.extract(ROOT_CONTEXT, row.trace_context), () =>
          producer.send({
            topic: SAGA_TOPIC,
            messages: [
              {
                key: row.order_id,
                value: JSON.stringify(event),
                headers: { ...row.trace_context },
              },
            ],
          }),
        );
        await this.pool.query('UPDATE outbox SET sent_at = now() WHERE id = $1', [row.id]);
      }
      if (this.failing) this.logger.log('Kafka reachable again: publishing the backlog');
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.logger.warn(`outbox not published (kept for later): ${(err as Error).message}`);
      this.failing = true;
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = undefined;
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        if (!this.failing) void this.relay();
      }
    }
  }
}
