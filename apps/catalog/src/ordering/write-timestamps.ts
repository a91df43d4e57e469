import { Injectable } from '@nestjs/common';
import { Clock, type HlcTimestamp, HybridLogicalClock } from '@faultline/clock';
import { CatalogEnvironment } from '../config/catalog-environment';

/**
 * Where a write's last-writer-wins timestamp comes from. `wall`: the instance's clock
 * (skew included), so a write can lose to an earlier one from a clock that runs ahead.
 * `hlc`: the hybrid logical clock, which has advanced past every timestamp this
 * instance has read, so a causally later write always wins.
 */
@Injectable()
export class WriteTimestamps {
  constructor(
    private readonly env: CatalogEnvironment,
    private readonly clock: Clock,
    private readonly hlc: HybridLogicalClock,
  ) {}

  next(): HlcTimestamp {
    return this.env.CATALOG_ORDERING === 'hlc'
      ? this.hlc.send()
      : { wallMs: this.clock.now(), logical: 0 };
  }

  /** Every timestamp the instance reads moves its HLC past it. */
  observe(timestamp: HlcTimestamp): void {
    this.hlc.receive(timestamp);
  }
}
