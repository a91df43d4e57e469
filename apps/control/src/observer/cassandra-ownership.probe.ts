import { Injectable, Logger } from '@nestjs/common';
import type { TopologyMap, TopologyNode } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { DatastoreSessions } from '../topology/datastore-sessions';
import { PROBE_TIMEOUT_MS, within } from './bounded';
import { ownershipSamples, parseToken } from './cassandra-ownership';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';

/** How often a member's tokens are read again: they change only when a member joins or moves. */
export const OWNERSHIP_REFRESH_MS = 30_000;

/**
 * The share of the Cassandra ring each member owns, from the tokens each member lists in its own
 * system.local (asked through its own client, so no peer address needs mapping to a member).
 * Only the quorum lab has Cassandra nodes: without it, the probe asks nothing and opens nothing.
 */
@Injectable()
export class CassandraOwnershipProbe implements Probe {
  readonly name = 'cassandra ownership';
  private readonly failures = new ProbeFailures(
    new Logger('Observer'),
    'its ownership keeps its last known tokens',
  );
  private readonly ownership: ObservedGauge<'node'>;
  /** Each member's tokens as it last listed them. */
  private readonly tokens = new Map<string, bigint[]>();
  /** When each member was last asked for them (Date.now()). */
  private readonly askedAt = new Map<string, number>();

  constructor(
    metrics: MetricsRegistry,
    private readonly sessions: DatastoreSessions,
  ) {
    this.ownership = new ObservedGauge(metrics, {
      name: 'faultline_cassandra_ownership_ratio',
      help: `The share (0..1) of the Murmur3 token ring the Cassandra member owns as primary replica, as nodetool ring/status computes it without a keyspace: every member's tokens (its system.local) sorted on the ring, each token owning the range from the previous token (exclusive, the first wrapping around from the last) to itself. Read at most every ${OWNERSHIP_REFRESH_MS / 1_000} s (it changes only when a member joins or moves); a member that does not answer keeps its last known tokens. Absent until every member has answered once, and without the quorum lab.`,
      labelNames: ['node'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const ring = topology.nodes.filter((n) => n.kind === 'cassandra');
    const now = Date.now();
    await Promise.all(ring.filter((m) => this.due(m.name, now)).map((m) => this.readTokens(m)));
    this.ownership.replace(
      ownershipSamples(ring.map((m) => ({ member: m.name, tokens: this.tokens.get(m.name) }))),
    );
  }

  clear(): void {
    this.ownership.clear();
  }

  /** A member is asked at every poll until it first answers, then every OWNERSHIP_REFRESH_MS. */
  private due(member: string, now: number): boolean {
    // A member with tokens has been asked.
    return !this.tokens.has(member) || now - this.askedAt.get(member)! >= OWNERSHIP_REFRESH_MS;
  }

  /** Reads the member's tokens; when it does not answer, the ones known before stay. */
  private async readTokens(member: TopologyNode): Promise<void> {
    this.askedAt.set(member.name, Date.now());
    try {
      const [local] = await within(
        this.sessions.cqlQuery<{ tokens: string[] | null }>(
          member,
          'SELECT tokens FROM system.local',
        ),
        PROBE_TIMEOUT_MS,
        member.name,
      );
      if (!local) throw new Error('system.local has no row');
      this.tokens.set(member.name, (local.tokens ?? []).map(parseToken));
      this.failures.ok(member.name);
    } catch (err) {
      this.failures.failed(member.name, err);
    }
  }
}
