import { type LinkSpec, linkName, type NodeSpec, type TopologyMap } from '@faultline/topology';

/** Nodes and links as control reads them, for planning drills (addresses do not matter to it). */
export const planningTopology = (
  nodes: readonly NodeSpec[],
  links: readonly LinkSpec[],
  roles: Record<string, 'primary' | 'replica'> = {},
): TopologyMap => ({
  version: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  ownerPid: 0,
  rootDir: '/tmp',
  keep: false,
  adminToken: '',
  stateFile: '/tmp/state.json',
  nodes: nodes.map((n) => ({ ...n, role: roles[n.name] ?? n.role, host: '127.0.0.1', port: 1 })),
  links: links.map((l) => ({ ...l, name: linkName(l), listen: '', upstream: '' })),
});
