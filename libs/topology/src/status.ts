import {
  cassandraHealthy,
  httpOk,
  kafkaHealthy,
  postgresHealthy,
  redisHealthy,
  sentinelHealthy,
} from './health';
import {
  ENDPOINTS,
  type EndpointSpec,
  type NodeKind,
  type NodeRole,
  resolveNode,
  SENTINEL_MASTER_NAME,
  type TopologyMap,
  type TopologyNode,
} from './model';
import { isAlive } from './processes';
import { type Toxic, ToxiproxyClient } from './toxiproxy-client';

/** The `faultline status --json` contract: later issues add fields, never rename. */
export interface NodeStatus {
  name: string;
  kind: NodeKind;
  role: NodeRole;
  host: string;
  port: number;
  /** The local process; absent for a node of a Kubernetes topology map (it has pods). */
  pid?: number;
  healthy: boolean;
  url?: string;
}

export interface LinkStatus {
  name: string;
  client: string;
  server: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

/** A read-write endpoint and the node it leads to now (none while no node is primary). */
export interface EndpointStatus extends EndpointSpec {
  node?: string;
}

export interface TopologyStatus {
  nodes: NodeStatus[];
  endpoints: EndpointStatus[];
  links: LinkStatus[];
}

/** Where each read-write endpoint leads in this topology now. */
export const endpointStatus = (state: TopologyMap): EndpointStatus[] =>
  ENDPOINTS.map((e) => {
    const node = resolveNode(state.nodes, e.name)?.name;
    return { ...e, ...(node ? { node } : {}) };
  });

async function probe(node: TopologyNode): Promise<boolean> {
  const role = node.role === 'primary' ? 'primary' : 'replica';
  switch (node.kind) {
    case 'postgres':
      return postgresHealthy(node, role);
    case 'redis':
      return redisHealthy(node, role);
    case 'sentinel':
      return sentinelHealthy(node, SENTINEL_MASTER_NAME);
    case 'kafka':
      return kafkaHealthy(node);
    case 'cassandra':
      return cassandraHealthy(node);
    case 'relay':
      return httpOk(`${node.url}/health`);
    case 'etcd':
      // Healthy: this member knows a leader and can reach a majority.
      return httpOk(`${node.url}/health`);
    case 'toxiproxy':
      return httpOk(`${node.url}/version`);
    case 'prometheus':
      return httpOk(`${node.url}/-/ready`);
    case 'zipkin':
      return httpOk(`${node.url}/health`);
    case 'app':
      return httpOk(`${node.url}/ready`);
  }
}

export async function nodeHealthy(node: TopologyNode): Promise<boolean> {
  // A dead local process answers nothing, whatever holds its port now; a node without a
  // pid (a Kubernetes pod) is judged by its probe alone.
  if (node.pid !== undefined && !isAlive(node.pid)) return false;
  return probe(node).catch(() => false);
}

/** Probes every node and reads each link's state from Toxiproxy. */
export async function topologyStatus(state: TopologyMap): Promise<TopologyStatus> {
  const nodes = await Promise.all(
    state.nodes.map(async (node) => ({
      name: node.name,
      kind: node.kind,
      role: node.role,
      host: node.host,
      port: node.port,
      ...(node.pid !== undefined ? { pid: node.pid } : {}),
      healthy: await nodeHealthy(node),
      ...(node.url ? { url: node.url } : {}),
    })),
  );
  const toxiproxy = state.nodes.find((n) => n.kind === 'toxiproxy');
  const proxies = toxiproxy?.url
    ? await new ToxiproxyClient(toxiproxy.url).proxies().catch(() => [])
    : [];
  const links = state.links.map((link) => {
    const proxy = proxies.find((p) => p.name === link.name);
    return {
      name: link.name,
      client: link.client,
      server: link.server,
      listen: link.listen,
      // Toxiproxy's own: an endpoint link's upstream moves with a failover.
      upstream: proxy?.upstream ?? link.upstream,
      // A link whose proxy cannot be read is reported down: nothing passes through it.
      enabled: proxy?.enabled ?? false,
      toxics: proxy?.toxics ?? [],
    };
  });
  return { nodes, endpoints: endpointStatus(state), links };
}
