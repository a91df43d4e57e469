import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@faultline/clock';
import type { TopologyNode, TopologyMap } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { PROBE_TIMEOUT_MS } from './bounded';
import { clockSkewSeconds, readWallMs } from './clock-skew';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';
import type { Sample } from './samples';

/** The skew of every service's clock against control's own, read from their GET /internal/time. */
@Injectable()
export class ClockSkewProbe implements Probe {
  readonly name = 'clock skew';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly skew: ObservedGauge<'node'>;

  constructor(
    metrics: MetricsRegistry,
    private readonly clock: Clock,
  ) {
    this.skew = new ObservedGauge(metrics, {
      name: 'faultline_clock_skew_seconds',
      help: "How far the node's clock (its GET /internal/time wallMs) is ahead of control's clock, measured NTP-style: wallMs minus the midpoint of control's readings before and after the request, so half the round trip is corrected for. Positive = ahead. Absent while the node does not answer.",
      labelNames: ['node'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const services = topology.nodes.filter(
      (n) => n.kind === 'app' && n.name !== 'control' && n.url !== undefined,
    );
    const samples = await Promise.all(services.map((node) => this.measure(node)));
    this.skew.replace(samples.flat());
  }

  clear(): void {
    this.skew.clear();
  }

  private async measure(node: TopologyNode): Promise<Sample<'node'>[]> {
    try {
      const t0 = this.clock.now();
      const response = await fetch(`${node.url}/internal/time`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const text = await response.text();
      const t1 = this.clock.now();
      if (!response.ok) throw new Error(`GET /internal/time: ${response.status}`);
      const wallMs = readWallMs(JSON.parse(text));
      this.failures.ok(node.name);
      return [{ labels: { node: node.name }, value: clockSkewSeconds(t0, wallMs, t1) }];
    } catch (err) {
      this.failures.failed(node.name, err);
      return [];
    }
  }
}
