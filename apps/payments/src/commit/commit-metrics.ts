import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';

export type CommitOutcome = 'ok' | 'timeout' | 'rejected' | 'error';

/** faultline_payments_commits_total and faultline_payments_commit_duration_seconds. */
@Injectable()
export class CommitMetrics {
  private readonly commits: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.commits = new Counter({
      name: 'faultline_payments_commits_total',
      help: 'Payments transactions that reached COMMIT, by outcome: ok, timeout (no synchronous standby in time; indeterminate), rejected (a business rule said no; the rejection is recorded), error.',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'faultline_payments_commit_duration_seconds',
      help: 'Time from COMMIT to its answer, including the wait for a synchronous standby (remote_apply).',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [metrics.registry],
    });
    for (const outcome of ['ok', 'timeout', 'rejected', 'error'] as const) {
      this.commits.inc({ outcome }, 0);
    }
  }

  record(outcome: CommitOutcome, seconds: number): void {
    this.commits.inc({ outcome });
    this.duration.observe({ outcome }, seconds);
  }
}
