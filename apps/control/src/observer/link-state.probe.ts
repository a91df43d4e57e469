import { Injectable, Logger } from '@nestjs/common';
import { ToxiproxyClient, type TopologyMap } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { PROBE_TIMEOUT_MS, within } from './bounded';
import { linkStateSamples } from './link-state';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';

/** Every link's state as Toxiproxy has it: cut or not, and the latency added to it. */
@Injectable()
export class LinkStateProbe implements Probe {
  readonly name = 'link state';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly up: ObservedGauge<'link'>;
  private readonly latencyMs: ObservedGauge<'link'>;

  constructor(metrics: MetricsRegistry) {
    this.up = new ObservedGauge(metrics, {
      name: 'faultline_link_up',
      help: '1 when the link passes traffic: its Toxiproxy proxy exists, is enabled and has no timeout toxic (partition); 0 otherwise. Absent while Toxiproxy does not answer.',
      labelNames: ['link'],
    });
    this.latencyMs = new ObservedGauge(metrics, {
      name: 'faultline_link_latency_ms',
      help: "Latency Toxiproxy adds to the link: the sum of its latency toxics' latency in milliseconds (jitter not included), 0 without. Absent while Toxiproxy does not answer.",
      labelNames: ['link'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const toxiproxy = topology.nodes.find((n) => n.kind === 'toxiproxy');
    try {
      if (!toxiproxy?.url) throw new Error('the topology has no toxiproxy node with a URL');
      const proxies = await within(
        new ToxiproxyClient(toxiproxy.url).proxies(),
        PROBE_TIMEOUT_MS,
        'toxiproxy',
      );
      this.failures.ok('toxiproxy');
      const samples = linkStateSamples(
        topology.links.map((l) => l.name),
        proxies,
      );
      this.up.replace(samples.up);
      this.latencyMs.replace(samples.latencyMs);
    } catch (err) {
      this.failures.failed('toxiproxy', err);
      this.clear();
    }
  }

  clear(): void {
    this.up.clear();
    this.latencyMs.clear();
  }
}
