import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  linkAddress,
  pgApplicationName,
  keepReplicationSlot,
  pgQuery,
  postgresRole,
  resolveNode,
  type TopologyNode,
} from '@faultline/topology';
import { ControlEnvironment } from '../config/control-environment';
import { FaultBackend } from '../drills/fault-backend';
import { RepeatingTask } from '../scheduling/repeating-task';
import { RoleChanges } from '../topology/role-changes';
import { TopologySource } from '../topology/topology-source';
import { FailoverMetrics, type FailoverTrigger } from './failover-metrics';
import { type FailoverOutcome, FailoverRefused } from './switchovers';

const ENDPOINT = 'pg-primary';
/** The operator's own link to the primary: it judges the primary as a client would see it. */
const PROBE_LINK = `control->${ENDPOINT}`;
const WATCH_INTERVAL_MS = 500;
/** After an automatic failover failed, the next try waits this long. */
const RETRY_AFTER_MS = 5_000;

interface Candidate {
  node: TopologyNode;
  /**
   * Bytes of WAL the standby has (received, or replayed when it received nothing since it
   * started); absent when the node did not answer as a standby. Promotion replays all it has.
   */
  replayed?: bigint;
  problem?: string;
}

/** A standby's WAL position, asked directly (not through a link: the operator's own view). */
async function candidate(node: TopologyNode): Promise<Candidate> {
  try {
    const [row] = await pgQuery<{ recovering: boolean; replayed: string | null }>(
      node,
      `SELECT pg_is_in_recovery() AS recovering,
              pg_wal_lsn_diff(GREATEST(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::text
                AS replayed`,
    );
    if (!row?.recovering) return { node, problem: 'not a standby' };
    if (row.replayed === null) return { node, problem: 'has no WAL' };
    return { node, replayed: BigInt(row.replayed.split('.')[0]!) };
  } catch (err) {
    return { node, problem: `does not answer (${(err as Error).message})` };
  }
}

/**
 * The PostgreSQL operator's failover, as CloudNativePG's: when the primary has not answered
 * through `control->pg-primary` for PG_FAILOVER_AFTER seconds, or on the `failover pg` drill,
 * it fences the old primary first (killed and held down, so it can never take a write again
 * as primary), promotes the standby that has the most WAL (with synchronous commit it holds
 * every acknowledged transaction, and the other standbys can follow it), moves the `pg-primary` endpoint to it, and lets
 * the old primary come back: it rejoins as a standby (pg_rewind, or a fresh clone).
 *
 * It fails over only from a primary it has seen alive since the last promotion: an operator
 * cut off from every primary would otherwise promote one after another.
 */
@Injectable()
export class PostgresFailover implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PostgresFailover');
  private readonly watcher = new RepeatingTask(() => this.watch(), WATCH_INTERVAL_MS);
  private running = false;
  private lastSeen = Date.now();
  private seenSincePromotion = true;
  private count = 0;
  private retryAt = 0;
  private slotsPending = false;

  constructor(
    private readonly topology: TopologySource,
    private readonly roles: RoleChanges,
    private readonly backend: FaultBackend,
    private readonly metrics: FailoverMetrics,
    private readonly env: ControlEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.PG_FAILOVER_AFTER > 0) this.watcher.start();
  }

  onApplicationShutdown(): void {
    this.watcher.stop();
  }

  /** One look at the primary through the operator's link; a failover once it is overdue. */
  async watch(): Promise<void> {
    if (this.running) return;
    const link = this.topology.current().links.find((l) => l.name === PROBE_LINK);
    if (!link) return;
    // A connection of its own each time (not a DatastoreSessions one): a kept connection
    // through the link would go on answering for the node the endpoint led to before it moved.
    const primaryAnswers = () =>
      postgresRole(linkAddress(link))
        .then((role) => role === 'primary')
        .catch(() => false);
    if (await primaryAnswers()) {
      this.lastSeen = Date.now();
      this.seenSincePromotion = true;
      const primary = resolveNode(this.topology.current().nodes, ENDPOINT);
      if (this.slotsPending && primary) await this.keepSlots(primary).catch(() => undefined);
      return;
    }
    const silentMs = Date.now() - this.lastSeen;
    if (!this.seenSincePromotion || silentMs < this.env.PG_FAILOVER_AFTER * 1000) return;
    if (Date.now() < this.retryAt) return;
    // The endpoint may lead to the wrong node (a failover cut short before it moved it).
    await this.backend.moveEndpoint(ENDPOINT).catch(() => undefined);
    if (await primaryAnswers()) return;
    const primary = resolveNode(this.topology.current().nodes, ENDPOINT)?.name ?? 'none';
    this.logger.warn(
      `${ENDPOINT} (${primary}) has not answered through ${PROBE_LINK} for ${(silentMs / 1000).toFixed(1)} s: failing over`,
    );
    await this.failover('automatic').catch((err: Error) => {
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      this.logger.error(
        `automatic failover failed (next try in ${RETRY_AFTER_MS / 1000} s): ${err.message}`,
      );
    });
  }

  /** Promotes the best standby; refused (409) while another runs or when none is healthy. */
  async failover(trigger: FailoverTrigger): Promise<FailoverOutcome> {
    if (this.running) throw new FailoverRefused('a failover of pg is already running');
    this.running = true;
    try {
      return await this.promoteBestStandby(trigger);
    } finally {
      this.running = false;
    }
  }

  private async standbys(former: string | undefined): Promise<Candidate[]> {
    const nodes = this.topology
      .current()
      .nodes.filter((n) => n.kind === 'postgres' && n.name !== former);
    return Promise.all(nodes.map(candidate));
  }

  private async promoteBestStandby(trigger: FailoverTrigger): Promise<FailoverOutcome> {
    const began = Date.now();
    const unavailableSince = trigger === 'automatic' ? this.lastSeen : began;
    const former = resolveNode(this.topology.current().nodes, ENDPOINT)?.name;
    const refuse = (candidates: Candidate[]) =>
      new FailoverRefused(
        `no healthy standby to promote: ${candidates.map((c) => `${c.node.name} ${c.problem}`).join('; ')}`,
      );
    const before = await this.standbys(former);
    if (!before.some((c) => c.replayed !== undefined)) throw refuse(before);

    // Fence first: the old primary must never take another write once a standby is promoted.
    const fence = `failover-${++this.count}`;
    const heldBy = former ? await this.backend.holdOf(former) : undefined;
    if (former && !heldBy) await this.backend.killNode(former, fence);
    try {
      // Fenced, the old primary sends nothing more: the positions are final now.
      const ranked = (await this.standbys(former))
        .filter((c) => c.replayed !== undefined)
        .sort((a, b) => (a.replayed! < b.replayed! ? 1 : a.replayed! > b.replayed! ? -1 : 0));
      const chosen = ranked[0];
      if (!chosen) throw refuse(await this.standbys(former));
      await pgQuery(chosen.node, 'SELECT pg_promote(true, 30)');
      // Recorded at once: from here on, whatever fails, the roles name the one writable primary.
      await this.roles.promote('postgres', chosen.node.name);
      await this.moveEndpoint();
      // The other standby streams through a slot; without it, watch() creates it later.
      this.slotsPending = true;
      await this.keepSlots(chosen.node).catch((err: Error) =>
        this.logger.warn(`replication slots on ${chosen.node.name}: ${err.message}`),
      );
      this.metrics.completed('postgres', trigger, Date.now() - unavailableSince);
      this.lastSeen = Date.now();
      this.seenSincePromotion = false;
      this.logger.log(
        `failover (${trigger}): ${chosen.node.name} promoted at ${chosen.replayed} bytes of WAL${former ? `, ${former} fenced` : ''} in ${Date.now() - began} ms`,
      );
      const to = chosen.node.name;
      return former
        ? { from: former, to, summary: `${to} promoted; ${former} fenced, rejoins as a standby` }
        : { to, summary: `${to} promoted` };
    } finally {
      // The fenced node comes back, in its role now: a standby of the new primary.
      if (former && !heldBy && (await this.backend.holdOf(former)) === fence) {
        await this.backend.reviveNode(former);
      }
    }
  }

  /** Moves the endpoint, trying again a few times: nothing else can reach the new primary. */
  private async moveEndpoint(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.backend.moveEndpoint(ENDPOINT);
      } catch (err) {
        if (attempt === 3) throw err;
        this.logger.warn(`moving ${ENDPOINT} (try ${attempt}): ${(err as Error).message}`);
      }
    }
  }

  /** The new primary keeps WAL for every other node from now on (slots are not replicated). */
  private async keepSlots(primary: TopologyNode): Promise<void> {
    const others = this.topology
      .current()
      .nodes.filter((n) => n.kind === 'postgres' && n.name !== primary.name);
    for (const node of others) await keepReplicationSlot(primary, node.name);
    // Its own slot, from when it was a standby's, would hold WAL for no one.
    const own = pgApplicationName(primary.name);
    await pgQuery(
      primary,
      `SELECT pg_drop_replication_slot('${own}') FROM pg_replication_slots WHERE slot_name = '${own}'`,
    );
    this.slotsPending = false;
  }
}
