import { httpOk, kafkaHealthy, postgresHealthy, redisHealthy, sentinelHealthy } from './health';
import {
  type NodeKind,
  type NodeRole,
  type RunningNode,
  SENTINEL_MASTER_NAME,
  type TopologyState,
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
  pid: number;
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

export interface TopologyStatus {
  nodes: NodeStatus[];
  links: LinkStatus[];
}

async function probe(node: RunningNode): Promise<boolean> {
  const role = node.role === 'primary' ? 'primary' : 'replica';
  switch (node.kind) {
    case 'postgres':
      return postgresHealthy(node.port, role);
    case 'redis':
      return redisHealthy(node.port, role);
    case 'sentinel':
      return sentinelHealthy(node.port, SENTINEL_MASTER_NAME);
    case 'kafka':
      return kafkaHealthy(node.port);
    case 'toxiproxy':
      return httpOk(`${node.url}/version`);
    case 'prometheus':
      return httpOk(`${node.url}/-/ready`);
    case 'app':
      return httpOk(`${node.url}/ready`);
  }
}

export async function nodeHealthy(node: RunningNode): Promise<boolean> {
  if (!isAlive(node.pid)) return false;
  return probe(node).catch(() => false);
}

/** Probes every node and reads each link's state from Toxiproxy. */
export async function topologyStatus(state: TopologyState): Promise<TopologyStatus> {
  const nodes = await Promise.all(
    state.nodes.map(async (node) => ({
      name: node.name,
      kind: node.kind,
      role: node.role,
      host: node.host,
      port: node.port,
      pid: node.pid,
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
      upstream: link.upstream,
      // A link whose proxy cannot be read is reported down: nothing passes through it.
      enabled: proxy?.enabled ?? false,
      toxics: proxy?.toxics ?? [],
    };
  });
  return { nodes, links };
}
