import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  linkAddress,
  parseRedisInfo,
  type NodeAccess,
  replicaofCommand,
  resolveNode,
  SENTINEL_MASTER_NAME,
  SENTINELS,
  type TopologyMap,
  type TopologyNode,
} from '@faultline/topology';
import { ControlEnvironment } from '../config/control-environment';
import { FaultBackend } from '../drills/fault-backend';
import { RepeatingTask } from '../scheduling/repeating-task';
import { DatastoreSessions } from '../topology/datastore-sessions';
import { RoleChanges } from '../topology/role-changes';
import { TopologySource } from '../topology/topology-source';
import { FailoverMetrics } from './failover-metrics';
import { type FailoverOutcome, FailoverRefused } from './switchovers';

const ENDPOINT = 'redis-primary';
const FOLLOW_INTERVAL_MS = 500;
/** How long a switchover waits for the Sentinels' choice to be carried out. */
const SWITCHOVER_WAIT_MS = 20_000;

interface Instance {
  ip: string;
  port: number;
  flags: string[];
}

/** What one Sentinel believes: the master, its replicas, and how current that belief is. */
interface SentinelView {
  master: Instance & { configEpoch: number; lastOkPingMs: number };
  replicas: Instance[];
}

/** A Sentinel's `SENTINEL MASTER`/`REPLICAS` entry: a flat list of field, value pairs. */
function fields(entry: unknown): Record<string, string> {
  const list = entry as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

const instance = (f: Record<string, string>): Instance => ({
  ip: f.ip ?? '',
  port: Number(f.port),
  flags: (f.flags ?? '').split(','),
});

async function viewOf(sentinel: TopologyNode, access: NodeAccess): Promise<SentinelView> {
  const master = fields(
    await access.redisCommand(sentinel, 'SENTINEL', 'MASTER', SENTINEL_MASTER_NAME),
  );
  const replicas = (await access.redisCommand(
    sentinel,
    'SENTINEL',
    'REPLICAS',
    SENTINEL_MASTER_NAME,
  )) as unknown[];
  return {
    master: {
      ...instance(master),
      configEpoch: Number(master['config-epoch'] ?? 0),
      lastOkPingMs: Number(master['last-ok-ping-reply'] ?? 0),
    },
    replicas: replicas.map((r) => instance(fields(r))),
  };
}

/**
 * Redis failover as Sentinel decides it and control carries it out. The Sentinels (quorum 2
 * of 3) watch the nodes, agree that the primary is down and elect a leader, which picks a
 * replica; but the nodes refuse Sentinel's REPLICAOF (it would point replicas past their
 * links), so control promotes the replica the leader picked, through the REPLICAOF only it
 * can name, moves the `redis-primary` endpoint to it (the catalog and orders follow through
 * their links), and keeps every other node a replica through its own link, a returning old
 * primary included once the Sentinels reach it again (its writes since the split are lost:
 * that is AP's price).
 */
@Injectable()
export class RedisFailover implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RedisFailover');
  private readonly follower = new RepeatingTask(
    () =>
      this.follow().catch((err: Error) =>
        this.logger.warn(`following the Sentinels: ${err.message}`),
      ),
    FOLLOW_INTERVAL_MS,
  );
  private following = false;
  private switchoverAsked = false;
  private readonly replicaof: string;

  constructor(
    private readonly topology: TopologySource,
    private readonly roles: RoleChanges,
    private readonly backend: FaultBackend,
    private readonly metrics: FailoverMetrics,
    private readonly sessions: DatastoreSessions,
    env: ControlEnvironment,
  ) {
    this.replicaof = replicaofCommand(env.FAULTLINE_ADMIN_TOKEN);
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  onApplicationShutdown(): void {
    this.follower.stop();
  }

  /** Carries out the Sentinels' choice of primary, then keeps every node in its role. */
  async follow(): Promise<void> {
    if (this.following) return;
    this.following = true;
    try {
      const topology = this.topology.current();
      const sentinels = topology.nodes.filter((n) => n.kind === 'sentinel');
      const views = (
        await Promise.all(sentinels.map((s) => viewOf(s, this.sessions).catch(() => undefined)))
      ).filter((v): v is SentinelView => v !== undefined);
      if (views.length === 0) return;
      const chosen = this.choice(topology, views);
      const current = resolveNode(topology.nodes, ENDPOINT);
      if (chosen && chosen.name !== current?.name) await this.promote(chosen, views);
      await this.keepRoles(views);
    } finally {
      this.following = false;
    }
  }

  /** The node at an address a Sentinel reports: the Sentinels' link to it, or the node's own. */
  private nodeAt(topology: TopologyMap, { ip, port }: Instance): TopologyNode | undefined {
    const link = topology.links.find((l) => {
      const address = linkAddress(l);
      return l.client === SENTINELS && address.host === ip && address.port === port;
    });
    return topology.nodes.find(
      (n) => n.kind === 'redis' && (n.name === link?.server || (n.host === ip && n.port === port)),
    );
  }

  /**
   * The primary the Sentinels want: the replica a failover's leader has picked (only a leader
   * elected by a majority gets that far), else the master of the newest configuration.
   */
  private choice(topology: TopologyMap, views: SentinelView[]): TopologyNode | undefined {
    for (const view of views) {
      const promoted = view.replicas.find((r) => r.flags.includes('promoted'));
      if (promoted) return this.nodeAt(topology, promoted);
    }
    const newest = views.reduce((a, b) => (b.master.configEpoch > a.master.configEpoch ? b : a));
    return this.nodeAt(topology, newest.master);
  }

  private async promote(node: TopologyNode, views: SentinelView[]): Promise<void> {
    const trigger = this.switchoverAsked ? 'switchover' : 'sentinel';
    await this.sessions.redisCommand(node, this.replicaof, 'NO', 'ONE');
    const { former } = await this.roles.promote('redis', node.name);
    await this.backend.moveEndpoint(ENDPOINT);
    // The old primary's last good answer to the Sentinels: when the store lost it.
    const silentMs = Math.max(...views.map((v) => v.master.lastOkPingMs));
    this.metrics.completed('redis', trigger, silentMs);
    this.switchoverAsked = false;
    this.logger.log(
      `failover (${trigger}): ${node.name} promoted as the Sentinels chose${former ? `, ${former} is a replica now` : ''}`,
    );
  }

  /**
   * Each node as the roles say, through its link: a replica that is not (a restarted node, a
   * returning old primary) is re-pointed once the Sentinels can reach it again, as Sentinel
   * itself would convert it; a primary that came back as a replica is promoted again.
   */
  private async keepRoles(views: SentinelView[]): Promise<void> {
    const topology = this.topology.current();
    for (const node of topology.nodes.filter((n) => n.kind === 'redis')) {
      const info = await this.sessions
        .redisCommand(node, 'INFO', 'replication')
        .then((text) => parseRedisInfo(String(text)))
        .catch(() => undefined);
      if (!info) continue;
      if (node.role === 'primary') {
        if (info.role !== 'master')
          await this.sessions.redisCommand(node, this.replicaof, 'NO', 'ONE');
        continue;
      }
      const link = topology.links.find((l) => l.client === node.name && l.server === ENDPOINT);
      if (!link) continue;
      const { host, port } = linkAddress(link);
      const onLink =
        info.role === 'slave' && info.master_host === host && Number(info.master_port) === port;
      if (onLink || !this.reachedBySentinels(topology, node, views)) continue;
      await this.sessions.redisCommand(node, this.replicaof, host, String(port));
      this.logger.log(`${node.name} re-pointed to ${ENDPOINT} through its link`);
    }
  }

  /** Whether the Sentinels see the node up: none of them flags it down. */
  private reachedBySentinels(
    topology: TopologyMap,
    node: TopologyNode,
    views: SentinelView[],
  ): boolean {
    const entries = views.flatMap((v) => [v.master, ...v.replicas]);
    return !entries.some(
      (e) =>
        this.nodeAt(topology, e)?.name === node.name &&
        (e.flags.includes('s_down') || e.flags.includes('disconnected')),
    );
  }

  /** A forced Sentinel failover (`SENTINEL FAILOVER`), carried out as any other. */
  async switchover(): Promise<FailoverOutcome> {
    const topology = this.topology.current();
    const former = resolveNode(topology.nodes, ENDPOINT)?.name;
    const sentinels = topology.nodes.filter((n) => n.kind === 'sentinel');
    let answer: Error | undefined;
    for (const sentinel of sentinels) {
      try {
        await this.sessions.redisCommand(sentinel, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME);
        answer = undefined;
        break;
      } catch (err) {
        answer = err as Error;
        // NOGOODSLAVE, INPROG: the Sentinels' answer, the same from each of them.
        if (/NOGOODSLAVE|INPROG/.test(answer.message)) break;
      }
    }
    if (answer) throw new FailoverRefused(`the Sentinels refused a failover: ${answer.message}`);
    this.switchoverAsked = true;
    const deadline = performance.now() + SWITCHOVER_WAIT_MS;
    while (performance.now() < deadline) {
      const now = resolveNode(this.topology.current().nodes, ENDPOINT)?.name;
      if (now && now !== former) {
        return former
          ? { from: former, to: now, summary: `${now} promoted; ${former} is a replica now` }
          : { to: now, summary: `${now} promoted` };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `the Sentinels accepted a failover, but none was carried out within ${SWITCHOVER_WAIT_MS / 1000} s`,
    );
  }
}
