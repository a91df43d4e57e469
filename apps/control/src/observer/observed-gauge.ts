import { Gauge } from 'prom-client';
import type { MetricsRegistry } from '@faultline/telemetry';
import type { Sample } from './samples';

const key = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

/**
 * A gauge whose series are replaced as a whole by every poll: a label set the poll did not
 * measure (its datastore did not answer, its node is killed) is removed, not left stale.
 * A gauge without labels starts absent too, rather than at prom-client's default 0.
 */
export class ObservedGauge<L extends string> {
  private readonly gauge: Gauge<L>;
  private present = new Map<string, Record<L, string>>();

  constructor(
    metrics: MetricsRegistry,
    config: { name: string; help: string; labelNames: readonly L[] },
  ) {
    this.gauge = new Gauge<L>({ ...config, registers: [metrics.registry] });
    if (config.labelNames.length === 0) this.gauge.remove({});
  }

  /** Makes `samples` exactly the gauge's series (synchronously, so a scrape sees all or none). */
  replace(samples: readonly Sample<L>[]): void {
    const next = new Map<string, Record<L, string>>();
    for (const { labels, value } of samples) {
      if (!Number.isFinite(value)) continue;
      this.gauge.set(labels, value);
      next.set(key(labels), labels);
    }
    for (const [k, labels] of this.present) if (!next.has(k)) this.gauge.remove(labels);
    this.present = next;
  }

  clear(): void {
    this.replace([]);
  }
}
