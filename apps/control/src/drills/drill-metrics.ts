import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';
import type { Drill } from '@faultline/contracts';

/** faultline_drill_active and faultline_drills_total. */
@Injectable()
export class DrillMetrics {
  private readonly active: Gauge<'kind' | 'target'>;
  private readonly ended: Counter<'kind' | 'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.active = new Gauge({
      name: 'faultline_drill_active',
      help: '1 while a drill of this kind is active on this target.',
      labelNames: ['kind', 'target'],
      registers: [metrics.registry],
    });
    this.ended = new Counter({
      name: 'faultline_drills_total',
      help: 'Drills that ended, by kind and outcome: healed (DELETE or control restart), expired (TTL), failed (could not apply).',
      labelNames: ['kind', 'outcome'],
      registers: [metrics.registry],
    });
  }

  started(drill: Drill): void {
    this.active.set({ kind: drill.kind, target: drill.target }, 1);
  }

  finished(drill: Drill, outcome: 'healed' | 'expired' | 'failed'): void {
    this.active.set({ kind: drill.kind, target: drill.target }, 0);
    this.ended.inc({ kind: drill.kind, outcome });
  }
}
