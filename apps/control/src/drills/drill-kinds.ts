import {
  ENDPOINTS,
  isEndpoint,
  isIdleLink,
  resolveNode,
  type RunningLink,
  type TopologyMap,
  type TopologyNode,
} from '@faultline/topology';
import { FAILOVER_STORES, type FailoverStore, type Switchovers } from '../failover/switchovers';
import type { DrillKind, DrillKindView, DrillParamSpec, DrillParams } from '@faultline/contracts';
import type { FaultBackend } from './fault-backend';

/** A request the drill kinds cannot accept; the message lists what would be valid. */
export class InvalidDrill extends Error {}

/** A validated drill, ready to apply: what it holds, how to apply it and how to heal it. */
export interface DrillPlan {
  params: DrillParams;
  /** The node an endpoint target (`pg-primary`) led to when the drill was planned. */
  node?: string;
  footprint: string[];
  /** Applies the drill; an instant one (a failover) says what it did. */
  apply(backend: FaultBackend, drillId: string, switchovers: Switchovers): Promise<string | void>;
  heal(backend: FaultBackend, drillId: string): Promise<void>;
}

interface ParamRule {
  spec: DrillParamSpec;
  /** Returns the normalised value, or throws InvalidDrill. */
  parse(value: unknown, params: Record<string, unknown>): string | number;
}

const integer = (
  name: string,
  min: number,
  max: number,
  required = true,
  fallback?: number,
): ParamRule => ({
  spec: {
    name,
    required,
    type: 'integer',
    minimum: min,
    maximum: max,
    ...(fallback === undefined ? {} : { default: fallback }),
  },
  parse: (value) => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new InvalidDrill(`params.${name} must be an integer from ${min} to ${max}`);
    }
    return v;
  },
});

const oneOf = (name: string, values: string[], fallback: string): ParamRule => ({
  spec: { name, required: false, type: 'choice', values, default: fallback },
  parse: (value) => {
    const v = value ?? fallback;
    if (typeof v !== 'string' || !values.includes(v)) {
      throw new InvalidDrill(`params.${name} must be one of: ${values.join(', ')}`);
    }
    return v;
  },
});

function parseParams(
  kind: DrillKind,
  rules: ParamRule[],
  raw: Record<string, unknown>,
): DrillParams {
  const known = rules.map((r) => r.spec.name);
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidDrill(
      `${kind} takes ${known.length ? `params ${known.join(', ')}` : 'no params'}; unknown: ${unknown.join(', ')}`,
    );
  }
  const params: DrillParams = {};
  for (const { spec, parse } of rules) {
    if (spec.required && raw[spec.name] === undefined)
      throw new InvalidDrill(`${kind} needs params.${spec.name}`);
    params[spec.name] = parse(raw[spec.name], raw);
  }
  return params;
}

const linkFootprint = (links: RunningLink[]) => links.map((l) => `link:${l.name}`);

/** The node a link's server is now (a link to an endpoint reaches its current primary). */
const serverOf = (t: TopologyMap, link: RunningLink) => resolveNode(t.nodes, link.server)?.name;

/**
 * Every link `node` is at one end of now: as its client, or as the node its server is or
 * leads to. Idle ones too (the primary's own replication link, which leads back to it).
 */
export const linksTouching = (t: TopologyMap, node: string): RunningLink[] =>
  t.links.filter((l) => l.client === node || serverOf(t, l) === node);

/**
 * The links a partition or latency on `target` affects: the one link named, or, for a
 * node, every link between it and a datastore. A datastore is cut off from the other
 * datastores (its replication) while its own clients, on its side of the split, still
 * reach it (unless it has no datastore peers, like Kafka: then from its clients); an app is
 * cut off from its datastores. To cut one client off a datastore,
 * target that link.
 */
function linksOf(topology: TopologyMap, target: string): RunningLink[] {
  const link = topology.links.find((l) => l.name === target);
  if (link) return [link];
  const isDatastore = (name: string) => resolveNode(topology.nodes, name)?.kind !== 'app';
  const touching = linksTouching(topology, target).filter((l) => !isIdleLink(topology.nodes, l));
  const peers = touching.filter(
    (l) =>
      (l.client === target && isDatastore(l.server)) ||
      (serverOf(topology, l) === target && isDatastore(l.client)),
  );
  // A datastore with no datastore peers (Kafka here) is cut off from its clients instead.
  return peers.length > 0 ? peers : touching;
}

interface KindDefinition {
  /** The targets this kind accepts in this topology. */
  targets(topology: TopologyMap): string[];
  params: ParamRule[];
  plan(topology: TopologyMap, target: string, params: DrillParams): Omit<DrillPlan, 'params'>;
}

/** Endpoints are targets too: a drill resolves one to its primary when it starts. */
const ENDPOINT_NAMES = ENDPOINTS.map((e) => e.name);

const nodesWithLinks = (t: TopologyMap) =>
  t.nodes
    .map((n) => n.name)
    .filter((name) => linksTouching(t, name).some((l) => !isIdleLink(t.nodes, l)));
/** Nodes with links, the endpoints, and the links. */
const nodesAndLinks = (t: TopologyMap) => [
  ...nodesWithLinks(t),
  ...ENDPOINT_NAMES,
  ...t.links.map((l) => l.name),
];

/** Toxiproxy and the consensus lab's raft relay: what the links go through, not a node of the system. */
const isLinkCarrier = (node: TopologyNode) => node.kind === 'toxiproxy' || node.kind === 'relay';

const KINDS: Record<DrillKind, KindDefinition> = {
  partition: {
    targets: nodesAndLinks,
    params: [oneOf('mode', ['blackhole', 'refuse'], 'blackhole')],
    plan: (topology, target, params) => {
      const links = linksOf(topology, target);
      const mode = params.mode as 'blackhole' | 'refuse';
      return {
        footprint: linkFootprint(links),
        apply: async (backend, id) => {
          for (const l of links) await backend.partitionLink(l.name, mode, id);
        },
        heal: async (backend, id) => {
          for (const l of links) await backend.healLink(l.name, id);
        },
      };
    },
  },
  latency: {
    targets: nodesAndLinks,
    params: [
      integer('latencyMs', 1, 60_000),
      {
        spec: {
          ...integer('jitterMs', 0, 60_000, false, 0).spec,
          description: 'at most latencyMs',
        },
        parse: (value, raw) =>
          integer('jitterMs', 0, Number(raw.latencyMs) || 0, false, 0).parse(value, raw),
      },
    ],
    plan: (topology, target, params) => {
      const links = linksOf(topology, target);
      return {
        footprint: linkFootprint(links),
        apply: async (backend, id) => {
          for (const l of links)
            await backend.delayLink(l.name, Number(params.latencyMs), Number(params.jitterMs), id);
        },
        heal: async (backend, id) => {
          for (const l of links) await backend.healLink(l.name, id);
        },
      };
    },
  },
  kill: {
    // Not Toxiproxy or the raft relay (they carry the links) nor control (it heals the drills).
    targets: (t) => [
      ...t.nodes.filter((n) => !isLinkCarrier(n) && n.name !== 'control').map((n) => n.name),
      ...ENDPOINT_NAMES,
    ],
    params: [],
    plan: (_topology, target) => ({
      footprint: [`node:${target}`],
      apply: (backend, id) => backend.killNode(target, id),
      heal: (backend) => backend.reviveNode(target),
    }),
  },
  pause: {
    // As kill, and not the workload either: its run would freeze with it, nemesis and all.
    // The same footprint as a kill: a node paused or killed once is busy (409).
    targets: (t) => [
      ...t.nodes
        .filter((n) => !isLinkCarrier(n) && !['control', 'workload'].includes(n.name))
        .map((n) => n.name),
      ...ENDPOINT_NAMES,
    ],
    params: [],
    plan: (_topology, target) => ({
      footprint: [`node:${target}`],
      apply: (backend, id) => backend.pauseNode(target, id),
      heal: (backend, id) => backend.resumeNode(target, id),
    }),
  },
  'replication-delay': {
    targets: (t) =>
      t.nodes
        .filter((n) => (n.kind === 'postgres' || n.kind === 'redis') && n.role === 'replica')
        .map((n) => n.name),
    params: [integer('delayMs', 1, 3_600_000)],
    plan: (topology, target, params) => {
      const delayMs = Number(params.delayMs);
      if (topology.nodes.find((n) => n.name === target)?.kind === 'postgres') {
        return {
          footprint: [`node:${target}:apply-delay`],
          apply: (backend) => backend.setApplyDelay(target, delayMs),
          heal: (backend) => backend.setApplyDelay(target, 0),
        };
      }
      // Redis has no apply delay: its replication link is slowed instead.
      const links = topology.links.filter((l) => l.client === target && isEndpoint(l.server));
      return {
        footprint: linkFootprint(links),
        apply: async (backend, id) => {
          for (const l of links) await backend.delayLink(l.name, delayMs, 0, id);
        },
        heal: async (backend, id) => {
          for (const l of links) await backend.healLink(l.name, id);
        },
      };
    },
  },
  'replication-mode': {
    // The primary's setting, so the target is the endpoint: whichever node is primary.
    targets: () => ['pg-primary'],
    params: [oneOf('mode', ['async'], 'async')],
    plan: (_topology, target) => ({
      footprint: [`node:${target}:replication-mode`],
      apply: (backend) => backend.setReplicationMode(target, 'async'),
      heal: (backend) => backend.setReplicationMode(target, 'sync'),
    }),
  },
  failover: {
    // A planned switchover; the operator refuses it (409) when it cannot run, changing nothing.
    targets: () => [...FAILOVER_STORES],
    params: [],
    plan: (_topology, target) => ({
      footprint: [],
      apply: async (_backend, _id, switchovers) =>
        (await switchovers.switchover(target as FailoverStore)).summary,
      // A failover is not undone: the new primary stays.
      heal: async () => undefined,
    }),
  },
  'clock-skew': {
    targets: (t) =>
      t.nodes.filter((n) => n.kind === 'app' && n.name !== 'control').map((n) => n.name),
    params: [integer('offsetMs', -86_400_000, 86_400_000)],
    plan: (_topology, target, params) => ({
      footprint: [`node:${target}:clock`],
      apply: (backend) => backend.setClockOffset(target, Number(params.offsetMs)),
      heal: (backend) => backend.setClockOffset(target, 0),
    }),
  },
};

/** Every kind, the targets it accepts in this topology now, and its params (the drill form's choices). */
export const drillKinds = (topology: TopologyMap): DrillKindView[] =>
  (Object.entries(KINDS) as [DrillKind, KindDefinition][]).map(([kind, definition]) => ({
    kind,
    targets: definition.targets(topology),
    params: definition.params.map((rule) => rule.spec),
  }));

/** Validates a drill request against the topology and returns its plan. */
export function planDrill(
  topology: TopologyMap,
  kind: string,
  target: unknown,
  rawParams: unknown,
): DrillPlan {
  // Own keys only: `toString` or `__proto__` is no drill kind.
  const definition = Object.hasOwn(KINDS, kind) ? KINDS[kind as DrillKind] : undefined;
  if (!definition) {
    throw new InvalidDrill(`kind must be one of: ${Object.keys(KINDS).join(', ')}`);
  }
  const targets = definition.targets(topology);
  if (typeof target !== 'string' || !targets.includes(target)) {
    throw new InvalidDrill(`target of a ${kind} drill must be one of: ${targets.join(', ')}`);
  }
  if (
    rawParams !== undefined &&
    (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams))
  ) {
    throw new InvalidDrill('params must be an object');
  }
  const params = parseParams(
    kind as DrillKind,
    definition.params,
    (rawParams ?? {}) as Record<string, unknown>,
  );
  if (!isEndpoint(target)) return { params, ...definition.plan(topology, target, params) };
  const node = resolveNode(topology.nodes, target)?.name;
  if (!node) throw new InvalidDrill(`${target} leads to no node now: none is primary`);
  return { params, node, ...definition.plan(topology, node, params) };
}
