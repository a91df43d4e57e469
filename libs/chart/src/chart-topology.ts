import {
  CARTS_NODES,
  CONSENSUS_MEMBERS,
  ENDPOINTS,
  type EndpointSpec,
  LAB_NAMES,
  LABS,
  type LabName,
  LEDGER_NODES,
  LINKS,
  linkName,
  NODES,
  type NodeSpec,
  RAFT_RELAY,
  RING,
  REDIS_MIN_REPLICAS_MAX_LAG_S,
  SENTINEL_DOWN_AFTER_MS,
  SENTINEL_FAILOVER_TIMEOUT_MS,
  SENTINEL_MASTER_NAME,
  SENTINEL_QUORUM,
  SENTINELS,
  SLOW_SCRAPE,
} from '@faultline/topology';

/**
 * The topology as the Helm chart deploys it, generated from the same node and link
 * table as the local topology (libs/topology's model) into
 * `helm/faultline/files/topology.json`: the chart builds Toxiproxy's proxy list, the
 * NetworkPolicies and control's topology map from it, so the two cannot drift.
 */
export interface ChartTopology {
  comment: string;
  /** Toxiproxy listens for link n at linkPortBase + n. */
  linkPortBase: number;
  /** Links of standbys beyond the model's (`postgres.standbys` > 2) start here. */
  extraStandbyLinkPortBase: number;
  nodes: ChartNode[];
  /** The read-write endpoints: Services that select the pod labelled `faultline.dev/role=primary`. */
  endpoints: ChartEndpoint[];
  links: ChartLink[];
  /** Traffic that does not cross a link: no drill cuts it, a NetworkPolicy still allows it. */
  connections: ChartConnection[];
  /** How often Prometheus scrapes a costly target (a ring member's JMX exporter). */
  slowScrape: { interval: string; timeout: string };
  /** What the Sentinels watch the Redis primary as, how many must agree, and their timings. */
  sentinel: { masterName: string; quorum: number; downAfterMs: number; failoverTimeoutMs: number };
  /** How far behind the replicas counted by `redis.minReplicasToWrite` may be. */
  redisMinReplicasMaxLagSeconds: number;
}

export interface ChartNode extends NodeSpec {
  /** The chart's workload (StatefulSet or Deployment) that runs the node. */
  component: string;
  /** The pod's ordinal in a StatefulSet of several nodes. */
  ordinal?: number;
  /** The lab the node belongs to, deployed only with `labs.<lab>.enabled`; none: the core's. */
  lab?: LabName;
}

export interface ChartEndpoint extends EndpointSpec {
  /** The StatefulSet whose primary pod it selects. */
  component: string;
}

export interface ChartLink {
  name: string;
  client: string;
  server: string;
  /** Toxiproxy's listen port for the link. */
  port: number;
  dedicatedListener?: boolean;
  /**
   * The server's port the link leads to, by name, when it is not the server's main one: a
   * ring member's peers reach its storage port, at an address of its own (a Service).
   */
  serverPort?: string;
  /**
   * The component that opens the link's connections for its client, when not the client's
   * own: an etcd member's peer requests reach their links through the raft relay.
   */
  via?: string;
  lab?: LabName;
}

export interface ChartConnection {
  client: string;
  server: string;
  /** A port name of the server's component (see the chart's `faultline.port` helper). */
  port: string;
  why: string;
}

/** The StatefulSet that runs each numbered kind of node (`pg-1` is the postgres pod 1). */
const STATEFUL_SETS: Record<string, string> = {
  pg: 'postgres',
  redis: 'redis',
  sentinel: 'sentinel',
  kafka: 'kafka',
  cassandra: 'cassandra',
  etcd: 'etcd',
};

export function chartNode(node: NodeSpec): ChartNode {
  const numbered = /^(pg|redis|sentinel|kafka|cassandra|etcd)-(\d+)$/.exec(node.name);
  if (numbered)
    return { ...node, component: STATEFUL_SETS[numbered[1]!]!, ordinal: Number(numbered[2]) };
  // payments-0 and orders-0 run as Deployments named after the app.
  return { ...node, component: node.name.replace(/-0$/, '') };
}

/**
 * The component whose pods are a link's client: the Sentinels' links are every Sentinel's, the
 * ring's every member's.
 */
export const linkClientComponent = (client: string): string =>
  client === SENTINELS
    ? 'sentinel'
    : client === RING
      ? 'cassandra'
      : chartNode({ name: client, kind: 'app', role: 'service' }).component;

/** A lab's app (the carts, the ledgers): what reaches it, and where it sends its traces. */
const labService = (app: string): ChartConnection[] => [
  { client: 'workload', server: app, port: 'http', why: 'workload client' },
  { client: 'control', server: app, port: 'http', why: 'clock drills, topology health' },
  { client: 'prometheus', server: app, port: 'http', why: 'metrics scrape' },
  { client: app, server: 'otel-collector', port: 'otlp-http', why: 'traces' },
];

/** What runs outside the faulty network, and why it is allowed through the policies. */
export const CONNECTIONS: readonly ChartConnection[] = [
  { client: 'sentinel', server: 'sentinel', port: 'sentinel', why: 'Sentinels agree on failovers' },
  { client: 'orders', server: 'catalog-a', port: 'http', why: 'saga step: reserve stock' },
  { client: 'orders', server: 'payments', port: 'http', why: 'saga step: charge' },
  { client: 'workload', server: 'payments', port: 'http', why: 'workload client' },
  { client: 'workload', server: 'catalog-a', port: 'http', why: 'workload client' },
  { client: 'workload', server: 'catalog-b', port: 'http', why: 'workload client' },
  { client: 'workload', server: 'orders', port: 'http', why: 'workload client' },
  { client: 'workload', server: 'control', port: 'http', why: 'scenarios run drills' },
  { client: 'control', server: 'workload', port: 'http', why: 'control passes /runs on' },
  { client: 'control', server: 'toxiproxy', port: 'api', why: 'link drills' },
  { client: 'control', server: 'postgres', port: 'postgres', why: 'observer, apply delay' },
  { client: 'control', server: 'redis', port: 'redis', why: 'observer' },
  { client: 'control', server: 'sentinel', port: 'sentinel', why: 'topology health' },
  { client: 'control', server: 'kafka', port: 'kafka', why: 'topology health' },
  ...['payments', 'catalog-a', 'catalog-b', 'orders', 'workload'].map((server) => ({
    client: 'control',
    server,
    port: 'http',
    why: 'clock drills, topology health',
  })),
  ...['payments', 'catalog-a', 'catalog-b', 'orders', 'control', 'workload', 'toxiproxy'].map(
    (server) => ({
      client: 'prometheus',
      server,
      port: server === 'toxiproxy' ? 'api' : 'http',
      why: 'metrics scrape',
    }),
  ),
  ...['payments', 'catalog-a', 'catalog-b', 'orders', 'control', 'workload'].map((client) => ({
    client,
    server: 'otel-collector',
    port: 'otlp-http',
    why: 'traces',
  })),
  // The trace backend is the chart's Zipkin or Tempo (`traces.backend`), whichever runs.
  { client: 'otel-collector', server: 'zipkin', port: 'http', why: 'traces' },
  { client: 'otel-collector', server: 'tempo', port: 'otlp-grpc', why: 'traces' },
  { client: 'grafana', server: 'prometheus', port: 'http', why: 'dashboards' },
  { client: 'grafana', server: 'zipkin', port: 'http', why: 'exemplar and trace views' },
  { client: 'grafana', server: 'tempo', port: 'http', why: 'exemplar and trace views' },
  { client: 'control', server: 'prometheus', port: 'http', why: "the console's dashboards" },
  { client: 'helm-test', server: 'control', port: 'http', why: '`helm test` runs a drill' },
  { client: 'control', server: 'kubernetes-api', port: 'https', why: 'kill drills delete pods' },
  // The quorum lab's, when it is deployed.
  ...CARTS_NODES.flatMap(labService),
  { client: 'control', server: 'cassandra', port: 'cql', why: 'observer: ring ownership' },
  { client: 'prometheus', server: 'cassandra', port: 'metrics', why: 'JMX exporter scrape' },
  // The consensus lab's, when it is deployed.
  ...LEDGER_NODES.flatMap(labService),
  {
    client: 'workload',
    server: 'etcd',
    port: 'client',
    why: "raft scenarios read each member's status",
  },
  { client: 'control', server: 'etcd', port: 'client', why: 'observer: leader, term, health' },
  { client: 'prometheus', server: 'etcd', port: 'client', why: "the members' own metrics" },
  ...CONSENSUS_MEMBERS.map((_member, ordinal) => ({
    client: 'etcd',
    server: RAFT_RELAY,
    port: `peer-${ordinal}`,
    why: "a member's announced peer URL leads to the relay",
  })),
  {
    client: RAFT_RELAY,
    server: 'etcd',
    port: 'peer',
    why: 'peer requests that name no sender (version checks, probes)',
  },
  { client: 'control', server: RAFT_RELAY, port: 'health', why: 'topology health' },
];

export const LINK_PORT_BASE = 15000;
export const EXTRA_STANDBY_LINK_PORT_BASE = 15100;

/**
 * Whether the chart carries a node of the local topology: Zipkin is local only (in Kubernetes
 * the collector sends traces to the release's trace backend, chosen by values).
 */
export const inChart = (node: { kind: string }): boolean => node.kind !== 'zipkin';

/** The core topology's items, then each lab's, tagged with their lab. */
const withLabs = <T>(core: readonly T[], ofLab: (lab: LabName) => readonly T[]) => [
  ...core.map((item) => ({ item, lab: undefined })),
  ...LAB_NAMES.flatMap((lab) => ofLab(lab).map((item) => ({ item, lab }))),
];

export function chartTopology(): ChartTopology {
  return {
    comment:
      'Generated from libs/topology/src/model.ts by `npm run chart:sync`; a test checks it is current.',
    linkPortBase: LINK_PORT_BASE,
    extraStandbyLinkPortBase: EXTRA_STANDBY_LINK_PORT_BASE,
    nodes: withLabs(NODES.filter(inChart), (lab) => LABS[lab].nodes).map(({ item, lab }) => ({
      ...chartNode(item),
      ...(lab ? { lab } : {}),
    })),
    endpoints: ENDPOINTS.map((e) => ({ ...e, component: e.kind })),
    // The labs' links after the core's, so a core link keeps its port whatever labs exist.
    links: withLabs(LINKS, (lab) => LABS[lab].links).map(({ item: link, lab }, n) => ({
      name: linkName(link),
      client: link.client,
      server: link.server,
      port: LINK_PORT_BASE + n,
      ...(link.dedicatedListener ? { dedicatedListener: true } : {}),
      ...(link.peerAddress ? { serverPort: 'storage' } : {}),
      ...(link.raftPeer ? { serverPort: 'peer', via: RAFT_RELAY } : {}),
      ...(lab ? { lab } : {}),
    })),
    connections: [...CONNECTIONS],
    slowScrape: { ...SLOW_SCRAPE },
    sentinel: {
      masterName: SENTINEL_MASTER_NAME,
      quorum: SENTINEL_QUORUM,
      downAfterMs: SENTINEL_DOWN_AFTER_MS,
      failoverTimeoutMs: SENTINEL_FAILOVER_TIMEOUT_MS,
    },
    redisMinReplicasMaxLagSeconds: REDIS_MIN_REPLICAS_MAX_LAG_S,
  };
}
