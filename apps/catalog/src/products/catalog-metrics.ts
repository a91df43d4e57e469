import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';
import type { Consistency } from '../redis/redis-nodes';

export type WriteOutcome = 'ok' | 'lww_rejected' | 'error';

/** faultline_catalog_reads_total and faultline_catalog_writes_total. */
@Injectable()
export class CatalogMetrics {
  private readonly reads: Counter<'consistency' | 'served_by'>;
  private readonly writes: Counter<'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.reads = new Counter({
      name: 'faultline_catalog_reads_total',
      help: 'Product reads answered, by requested consistency and the Redis node that served them.',
      labelNames: ['consistency', 'served_by'],
      registers: [metrics.registry],
    });
    this.writes = new Counter({
      name: 'faultline_catalog_writes_total',
      help: 'Product writes (PUT), by outcome: ok, lww_rejected (an equal or newer timestamp is stored), error.',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    for (const outcome of ['ok', 'lww_rejected', 'error'] as const) this.writes.inc({ outcome }, 0);
  }

  read(consistency: Consistency, servedBy: string): void {
    this.reads.inc({ consistency, served_by: servedBy });
  }

  write(outcome: WriteOutcome): void {
    this.writes.inc({ outcome });
  }
}
