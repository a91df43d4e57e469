import { Gauge } from 'prom-client';
import type { MetricsRegistry } from '@faultline/telemetry';
import type { Clock } from './clock';
import type { ClockOptions } from './clock-options';

export const CLOCK_OFFSET_GAUGE = Symbol('CLOCK_OFFSET_GAUGE');

/**
 * faultline_clock_offset_seconds{node}: the injected offset. It is read from the clock at each
 * scrape, so it cannot disagree with what the node's clock says.
 */
export function createClockOffsetGauge(
  metrics: MetricsRegistry,
  clock: Clock,
  options: ClockOptions,
): Gauge<'node'> {
  return new Gauge({
    name: 'faultline_clock_offset_seconds',
    help: 'Offset injected into the node clock (positive: ahead of system time), in seconds.',
    labelNames: ['node'],
    registers: [metrics.registry],
    collect() {
      this.set({ node: options.node }, clock.offsetMs / 1000);
    },
  });
}
