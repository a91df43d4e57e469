import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';

/** faultline_orders_total, faultline_outbox_backlog, faultline_kafka_consumer_lag, faultline_saga_step_duration_seconds. */
@Injectable()
export class SagaMetrics {
  readonly orders: Counter<'state'>;
  readonly backlog: Gauge;
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly stepDuration: Histogram<'step'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.orders = new Counter({
      name: 'faultline_orders_total',
      help: 'Orders entering each state: pending (accepted), stock_reserved, charged, confirmed, cancelled.',
      labelNames: ['state'],
      registers,
    });
    for (const state of ['pending', 'stock_reserved', 'charged', 'confirmed', 'cancelled']) {
      this.orders.inc({ state }, 0);
    }
    this.backlog = new Gauge({
      name: 'faultline_outbox_backlog',
      help: 'Outbox events not yet published to Kafka: grows while Kafka is out of reach, drains after.',
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'faultline_kafka_consumer_lag',
      help: 'Messages of a partition not yet consumed by the group (end offset − committed offset).',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'faultline_saga_step_duration_seconds',
      help: 'Time a saga step took: reserve, charge, confirm, compensate.',
      labelNames: ['step'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
