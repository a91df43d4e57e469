import type { TopologyView } from '@faultline/contracts';

export type TopologyLink = TopologyView['links'][number];

/** What a link does to its traffic now, as its proxy says (not as a drill meant it to). */
export type LinkState = 'up' | 'cut' | 'slowed';

/** Cut: the proxy is disabled (refuse) or holds data forever (a timeout toxic: blackhole). */
export function linkState(link: TopologyLink): LinkState {
  if (!link.enabled || link.toxics.some((t) => t.type === 'timeout')) return 'cut';
  if (link.toxics.some((t) => t.type === 'latency')) return 'slowed';
  return 'up';
}

/** The link's added latency in ms (the largest of its latency toxics), if any. */
export const linkLatencyMs = (link: TopologyLink): number | undefined =>
  link.toxics
    .filter((t) => t.type === 'latency')
    .map((t) => t.attributes.latency)
    .reduce<number | undefined>((max, v) => (max === undefined || v > max ? v : max), undefined);
