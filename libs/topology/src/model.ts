/**
 * The node and link model of a faultline topology (docs/architecture.md, "The model").
 * A node is a process with an address; a link is a directed `client->server`
 * connection that goes through Toxiproxy so drills can cut or slow it.
 */
import { createHash } from 'node:crypto';
import type { ProcessSpec } from './processes';

export type NodeKind =
  | 'postgres'
  | 'redis'
  | 'sentinel'
  | 'kafka'
  | 'cassandra'
  | 'etcd'
  | 'relay'
  | 'toxiproxy'
  | 'prometheus'
  | 'zipkin'
  | 'app';
export type NodeRole =
  'primary' | 'replica' | 'sentinel' | 'broker' | 'member' | 'proxy' | 'monitor' | 'service';

export interface NodeSpec {
  name: string;
  kind: NodeKind;
  role: NodeRole;
}

export interface LinkSpec {
  client: string;
  server: string;
  /**
   * The server opens a listener for this link alone, advertised at the link's address:
   * Kafka clients reconnect to the address the broker advertises, which must stay behind
   * the link.
   */
  dedicatedListener?: boolean;
  /**
   * The link is the address the server's peers know it by: it listens at the member's own
   * address (memberAddress) on its storage port, and forwards to that port on HOST (a member
   * announces one address to all its peers, so its peers share one link to it).
   */
  peerAddress?: boolean;
  /**
   * A Raft peer link `etcd-i->etcd-j`: the connections member i opens to member j's peer port
   * (its messages to j, and j's replies streamed back on them). Members announce one peer URL
   * to all, so the consensus lab's relay listens there and sends each request to the link of
   * the member that sent it (etcd names the sender in every peer request).
   */
  raftPeer?: boolean;
}

export const linkName = (link: LinkSpec): string => `${link.client}->${link.server}`;

/**
 * Start order matters: Toxiproxy first (links exist before their clients), primaries before
 * replicas. A node is named as its Kubernetes pod is; `role` is the role it starts in (ordinal
 * 0 the primary), and a failover may move it.
 */
export const NODES: readonly NodeSpec[] = [
  { name: 'toxiproxy', kind: 'toxiproxy', role: 'proxy' },
  { name: 'pg-0', kind: 'postgres', role: 'primary' },
  { name: 'pg-1', kind: 'postgres', role: 'replica' },
  { name: 'pg-2', kind: 'postgres', role: 'replica' },
  { name: 'redis-0', kind: 'redis', role: 'primary' },
  { name: 'redis-1', kind: 'redis', role: 'replica' },
  { name: 'redis-2', kind: 'redis', role: 'replica' },
  { name: 'sentinel-0', kind: 'sentinel', role: 'sentinel' },
  { name: 'sentinel-1', kind: 'sentinel', role: 'sentinel' },
  { name: 'sentinel-2', kind: 'sentinel', role: 'sentinel' },
  { name: 'kafka-0', kind: 'kafka', role: 'broker' },
  // Before the services, which export their traces to it from their first request.
  { name: 'zipkin', kind: 'zipkin', role: 'monitor' },
  { name: 'payments-0', kind: 'app', role: 'service' },
  { name: 'catalog-a', kind: 'app', role: 'service' },
  { name: 'catalog-b', kind: 'app', role: 'service' },
  { name: 'orders-0', kind: 'app', role: 'service' },
  { name: 'prometheus', kind: 'prometheus', role: 'monitor' },
  { name: 'control', kind: 'app', role: 'service' },
  { name: 'workload', kind: 'app', role: 'service' },
];

/** The optional parts of the topology, each started on request (`faultline up --lab quorum`). */
export const LAB_NAMES = ['quorum', 'consensus'] as const;
export type LabName = (typeof LAB_NAMES)[number];

/**
 * The client of the links a Cassandra member's peers reach it through: one link per member,
 * because a member announces one address to every peer. Cutting `ring->cassandra-2` cuts
 * cassandra-2 off from the ring (gossip and mutations both ways fail: replies travel on the
 * receiver's own outbound connection) while the carts still reach it.
 */
export const RING = 'ring';

export const RING_MEMBERS = ['cassandra-0', 'cassandra-1', 'cassandra-2'] as const;

/**
 * The address a ring member is known by, to its peers (broadcast_address) and to its clients
 * (broadcast_rpc_address): a loopback address of its own, where nothing but Toxiproxy listens.
 * Its peers reach it there on its storage port, through the link `ring->cassandra-N`, so a
 * drill on that link cuts or slows all of its inbound ring traffic. Its clients learn it from
 * the ring by this address and translate it to their own link to it. One address per member,
 * because Cassandra's `system.peers`, which the driver reads, keeps one row per address.
 */
export const memberAddress = (member: string): string =>
  `127.0.0.${10 + RING_MEMBERS.indexOf(member as (typeof RING_MEMBERS)[number])}`;
export const CARTS_NODES = ['carts-a', 'carts-b'] as const;

/** The consensus lab's etcd members: a Raft group of three, a majority two. */
export const CONSENSUS_MEMBERS = ['etcd-0', 'etcd-1', 'etcd-2'] as const;
/**
 * The ledger instances: each appends under a lock. Two processes, not two workers in one, so a
 * pause drill freezes one holder while the other goes on.
 */
export const LEDGER_NODES = ['ledger-a', 'ledger-b'] as const;
/** The consensus lab's peer relay: where each member's announced peer URL leads (see raftPeer). */
export const RAFT_RELAY = 'raft-relay';

export interface LabSpec {
  /** In start order, after the core topology's datastores and before control. */
  nodes: readonly NodeSpec[];
  links: readonly LinkSpec[];
}

/**
 * `quorum`: a Cassandra ring of three (replication factor 3) and the two carts instances,
 * each writing with its own clock, each reaching every member through a link of its own.
 */
export const LABS: Readonly<Record<LabName, LabSpec>> = {
  quorum: {
    nodes: [
      ...RING_MEMBERS.map((name): NodeSpec => ({ name, kind: 'cassandra', role: 'member' })),
      ...CARTS_NODES.map((name): NodeSpec => ({ name, kind: 'app', role: 'service' })),
    ],
    links: [
      ...RING_MEMBERS.map((server): LinkSpec => ({ client: RING, server, peerAddress: true })),
      ...CARTS_NODES.flatMap((client) =>
        RING_MEMBERS.map((server): LinkSpec => ({ client, server })),
      ),
    ],
  },
  /**
   * `consensus`: three etcd members, their peer relay, and the two ledger instances. Every
   * member reaches every other through a link of its own (`etcd-0->etcd-1`, by the relay), so a
   * partition of a member cuts it off from both others both ways. Each ledger instance reaches
   * every member, the PostgreSQL primary (the ledger's storage) and the Redis primary (Redlock)
   * through links of its own.
   */
  consensus: {
    nodes: [
      { name: RAFT_RELAY, kind: 'relay', role: 'proxy' },
      ...CONSENSUS_MEMBERS.map((name): NodeSpec => ({ name, kind: 'etcd', role: 'member' })),
      ...LEDGER_NODES.map((name): NodeSpec => ({ name, kind: 'app', role: 'service' })),
    ],
    links: [
      ...CONSENSUS_MEMBERS.flatMap((client) =>
        CONSENSUS_MEMBERS.filter((server) => server !== client).map((server): LinkSpec => ({
          client,
          server,
          raftPeer: true,
        })),
      ),
      ...LEDGER_NODES.flatMap((client) => [
        ...CONSENSUS_MEMBERS.map((server): LinkSpec => ({ client, server })),
        { client, server: 'pg-primary' },
        { client, server: 'redis-primary' },
      ]),
    ],
  },
};

/** The nodes of a topology with these labs, in start order (lab nodes before Prometheus). */
export function topologyNodes(labs: readonly LabName[]): NodeSpec[] {
  const extra = labs.flatMap((lab) => LABS[lab].nodes);
  const at = NODES.findIndex((n) => n.name === 'prometheus');
  return [...NODES.slice(0, at), ...extra, ...NODES.slice(at)];
}

export const topologyLinks = (labs: readonly LabName[]): LinkSpec[] => [
  ...LINKS,
  ...labs.flatMap((lab) => LABS[lab].links),
];

/**
 * A read-write endpoint (CloudNativePG's `-rw` Service): whichever node of its kind is
 * primary now. A link to it follows the primary: locally its Toxiproxy upstream moves, in
 * Kubernetes it is a Service selecting the role label control keeps on the pods.
 */
export interface EndpointSpec {
  name: string;
  kind: 'postgres' | 'redis';
}

export const ENDPOINTS: readonly EndpointSpec[] = [
  { name: 'pg-primary', kind: 'postgres' },
  { name: 'redis-primary', kind: 'redis' },
];

export const isEndpoint = (name: string): boolean => ENDPOINTS.some((e) => e.name === name);

/** The node `name` is now: an endpoint's current primary, or the node of that name. */
export function resolveNode<N extends NodeSpec>(nodes: readonly N[], name: string): N | undefined {
  const endpoint = ENDPOINTS.find((e) => e.name === name);
  if (!endpoint) return nodes.find((n) => n.name === name);
  return nodes.find((n) => n.kind === endpoint.kind && n.role === 'primary');
}

/**
 * The client of the links the Sentinels watch the Redis nodes through: all three share one
 * link per node, because a node announces one address (Sentinels learn replicas from the
 * primary's INFO, which lists the address each replica announces).
 */
export const SENTINELS = 'sentinels';

/**
 * Every datastore node has a replication link to its endpoint, the primary too: the link of
 * whichever node is primary leads to itself and stays idle, and a demoted primary follows
 * the new one through its own link. `control->pg-primary` is the operator's view of the
 * primary (PG_FAILOVER_AFTER): cutting or slowing it is how to fool the operator. The
 * Sentinels' links make a partition of a Redis node cut it off from them too.
 */
export const LINKS: readonly LinkSpec[] = [
  { client: 'pg-0', server: 'pg-primary' },
  { client: 'pg-1', server: 'pg-primary' },
  { client: 'pg-2', server: 'pg-primary' },
  { client: 'redis-0', server: 'redis-primary' },
  { client: 'redis-1', server: 'redis-primary' },
  { client: 'redis-2', server: 'redis-primary' },
  { client: SENTINELS, server: 'redis-0' },
  { client: SENTINELS, server: 'redis-1' },
  { client: SENTINELS, server: 'redis-2' },
  { client: 'control', server: 'pg-primary' },
  { client: 'payments-0', server: 'pg-primary' },
  { client: 'catalog-a', server: 'redis-primary' },
  { client: 'catalog-a', server: 'redis-1' },
  { client: 'catalog-b', server: 'redis-primary' },
  { client: 'catalog-b', server: 'redis-2' },
  { client: 'orders-0', server: 'pg-primary' },
  { client: 'orders-0', server: 'kafka-0', dedicatedListener: true },
];

/** The node a link leads to now: an endpoint's current primary, or its server node. */
export const linkTarget = <N extends NodeSpec>(
  nodes: readonly N[],
  link: LinkSpec,
): N | undefined => resolveNode(nodes, link.server);

/** A replication link of the node that is primary now: it leads back to its own client, idle. */
export const isIdleLink = (nodes: readonly NodeSpec[], link: LinkSpec): boolean =>
  linkTarget(nodes, link)?.name === link.client;

/**
 * Where a link's proxy should forward now: an endpoint link to its current primary's
 * address (none while no node is primary), any other link where it was created to.
 */
export function linkUpstream(
  nodes: readonly TopologyNode[],
  link: RunningLink,
): string | undefined {
  if (!isEndpoint(link.server)) return link.upstream;
  const target = linkTarget(nodes, link);
  return target ? `${target.host}:${target.port}` : undefined;
}

/** The address a link's client dials: Toxiproxy's listener for it (`host:port`). */
export function linkAddress(link: Pick<RunningLink, 'listen'>): { host: string; port: number } {
  const colon = link.listen.lastIndexOf(':');
  return { host: link.listen.slice(0, colon), port: Number(link.listen.slice(colon + 1)) };
}

/** The port name of the server listener a dedicated-listener link forwards to. */
export const dedicatedListenerPort = (link: LinkSpec): string => `${linkName(link)}:upstream`;

/** The standby names the primary's `synchronous_standby_names` refers to. */
export const pgApplicationName = (nodeName: string): string => nodeName.replace(/-/g, '_');

/** Every PostgreSQL node: whichever is primary is not its own standby, so no failover changes it. */
export const SYNCHRONOUS_STANDBY_NAMES = `ANY 1 (${NODES.filter((n) => n.kind === 'postgres')
  .map((n) => pgApplicationName(n.name))
  .join(', ')})`;

export const SENTINEL_MASTER_NAME = 'faultline';
/** A primary that has not answered a Sentinel for this long is subjectively down. */
export const SENTINEL_DOWN_AFTER_MS = 3_000;
/**
 * Sentinel cannot re-point the nodes (they refuse its REPLICAOF): control carries out its
 * choice, through the links. Sentinel then waits this long for replicas it never sees
 * re-pointed (they follow through their links) before it ends the failover, and twice this
 * before it may start another.
 */
export const SENTINEL_FAILOVER_TIMEOUT_MS = 10_000;
/** How far behind (seconds) the replicas counted by min-replicas-to-write may be. */
export const REDIS_MIN_REPLICAS_MAX_LAG_S = 1;

/**
 * What REPLICAOF is called on the Redis nodes: a name only control can derive (from the admin
 * token), so control alone re-points a node, always through its link. Sentinel would point a
 * replica at the primary's own port (+fix-slave-config, a failover's reconfiguration),
 * bypassing the link; SLAVEOF is renamed away entirely.
 */
export const replicaofCommand = (adminToken: string): string =>
  `REPLICAOF-${createHash('sha256').update(`replicaof:${adminToken}`).digest('hex').slice(0, 16)}`;
export const SENTINEL_QUORUM = 2;
export const HOST = '127.0.0.1';
/** The database the services keep their schemas in (payments now, orders later). */
export const DATABASE = 'faultline';

/**
 * A node as control needs it: its name, kind and address. Both topologies describe their
 * nodes this way: the local state file, and the topology map the Helm chart mounts in
 * Kubernetes (which has no processes, so none of RunningNode's process fields).
 */
export interface TopologyNode extends NodeSpec {
  host: string;
  port: number;
  /** Further ports the node listens on (Kafka's controller listener). */
  extraPorts?: Record<string, number>;
  url?: string;
  /** The local process, where the node is one; a Kubernetes node has pods instead. */
  pid?: number;
  /** Kubernetes only: the label selector of the node's pod(s), what a kill drill deletes. */
  pod?: string;
  /**
   * Kubernetes only, on the nodes a kill may take down: their key in the kill-holds
   * ConfigMap; the node's pods wait at start while the key is there.
   */
  hold?: string;
}

/** What a running local node is, as kept in the state file. */
export interface RunningNode extends TopologyNode {
  pid: number;
  dataDir: string;
  logFile: string;
  /** How to start it again (supervision, the end of a kill drill). */
  process: ProcessSpec;
}

export interface RunningLink extends LinkSpec {
  name: string;
  listen: string;
  upstream: string;
}

/**
 * Everything another process needs to find and stop a running topology. The local
 * topology's nodes are RunningNodes (the default); a TopologyMap is the general form.
 */
export interface TopologyState<Node extends TopologyNode = RunningNode> {
  version: 1;
  startedAt: string;
  /** The process that started the topology (the CLI in foreground mode, or a test); 0 for none. */
  ownerPid: number;
  rootDir: string;
  keep: boolean;
  /** The bearer token of the control API and every service's internal endpoints. */
  adminToken: string;
  /** Where this state is kept; the control service and the supervisor read it. */
  stateFile: string;
  nodes: Node[];
  links: RunningLink[];
  /** The labs started with the core topology; absent when none. */
  labs?: LabName[];
}

/**
 * A topology as control reads it: the local state file, or the map the Helm chart mounts
 * at FAULTLINE_STATE_FILE in Kubernetes (nodes without processes, with pod selectors).
 */
export type TopologyMap = TopologyState<TopologyNode>;
