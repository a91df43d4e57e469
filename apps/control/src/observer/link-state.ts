import type { Proxy, Toxic } from '@faultline/topology';
import type { Sample } from './samples';

export interface LinkStateSamples {
  up: Sample<'link'>[];
  latencyMs: Sample<'link'>[];
}

/** A toxic with toxicity 0 never acts; Toxiproxy's default toxicity is 1. */
const acts = (toxic: Toxic): boolean => (toxic.toxicity ?? 1) > 0;

/**
 * The links' state from Toxiproxy's proxy list (a link's proxy is named after it). Up = its
 * proxy exists, is enabled and has no `timeout` toxic (a partition); latency = the sum of its
 * `latency` toxics' latency, 0 without. A link without a proxy is down and has no latency series.
 */
export function linkStateSamples(
  links: readonly string[],
  proxies: readonly Proxy[],
): LinkStateSamples {
  const byName = new Map(proxies.map((p) => [p.name, p]));
  const up: Sample<'link'>[] = [];
  const latencyMs: Sample<'link'>[] = [];
  for (const link of links) {
    const proxy = byName.get(link);
    const toxics = (proxy?.toxics ?? []).filter(acts);
    up.push({
      labels: { link },
      value: proxy && proxy.enabled && !toxics.some((t) => t.type === 'timeout') ? 1 : 0,
    });
    if (proxy) {
      const latency = toxics
        .filter((t) => t.type === 'latency')
        .reduce((sum, t) => sum + (Number(t.attributes?.latency) || 0), 0);
      latencyMs.push({ labels: { link }, value: latency });
    }
  }
  return { up, latencyMs };
}
