import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';

/** How a failover began: the operator's own judgement, a drill, or the Sentinels' vote. */
export type FailoverTrigger = 'automatic' | 'switchover' | 'sentinel';

/** What can start each store's failover: control decides PostgreSQL's, the Sentinels Redis's. */
const TRIGGERS_BY_STORE: Record<'postgres' | 'redis', FailoverTrigger[]> = {
  postgres: ['automatic', 'switchover'],
  redis: ['sentinel', 'switchover'],
};

/** faultline_failovers_total and faultline_failover_unavailable_seconds. */
@Injectable()
export class FailoverMetrics {
  private readonly total: Counter<'store' | 'trigger'>;
  private readonly unavailable: Histogram<'store'>;

  constructor(metrics: MetricsRegistry) {
    this.total = new Counter({
      name: 'faultline_failovers_total',
      help: 'Failovers completed (a standby or replica promoted and the read-write endpoint moved), by store (postgres, redis) and trigger (automatic: PG_FAILOVER_AFTER; switchover: the failover drill; sentinel: the Sentinels elected one).',
      labelNames: ['store', 'trigger'],
      registers: [metrics.registry],
    });
    this.unavailable = new Histogram({
      name: 'faultline_failover_unavailable_seconds',
      help: 'Per failover, the seconds the store had no writable primary behind its endpoint: from the last time the old primary was seen (or the switchover began) to the endpoint moving to the new one.',
      labelNames: ['store'],
      buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 60],
      registers: [metrics.registry],
    });
    // Every series from the start: no failover yet reads as 0, not as no data.
    for (const [store, triggers] of Object.entries(TRIGGERS_BY_STORE)) {
      for (const trigger of triggers) this.total.inc({ store, trigger }, 0);
      this.unavailable.zero({ store });
    }
  }

  completed(store: 'postgres' | 'redis', trigger: FailoverTrigger, unavailableMs: number): void {
    this.total.inc({ store, trigger });
    this.unavailable.observe({ store }, unavailableMs / 1000);
  }
}
