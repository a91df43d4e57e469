import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@faultline/telemetry';
import type { AppendFailureReason, LockMode } from '@faultline/contracts';

/** faultline_ledger_appends_total and faultline_ledger_lock_wait_seconds. */
@Injectable()
export class LedgerMetrics {
  private readonly appends: Counter<'lock' | 'outcome'>;
  private readonly wait: Histogram<'lock'>;

  constructor(metrics: MetricsRegistry) {
    this.appends = new Counter({
      name: 'faultline_ledger_appends_total',
      help: 'Appends by lock mode and outcome: written, fenced (the storage refused a stale token), lock-timeout, lock-unavailable, storage-unavailable.',
      labelNames: ['lock', 'outcome'],
      registers: [metrics.registry],
    });
    this.wait = new Histogram({
      name: 'faultline_ledger_lock_wait_seconds',
      help: 'How long an append waited for its lock, by lock mode.',
      labelNames: ['lock'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  granted(lock: LockMode, waitedSeconds: number): void {
    this.wait.observe({ lock }, waitedSeconds);
  }

  appended(lock: LockMode, outcome: 'written' | AppendFailureReason): void {
    this.appends.inc({ lock, outcome });
  }
}
