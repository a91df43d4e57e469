import { Injectable, Logger } from '@nestjs/common';
import type { TopologyNode, TopologyMap } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { DatastoreSessions } from '../topology/datastore-sessions';
import { PROBE_TIMEOUT_MS, within } from './bounded';
import { ObservedGauge } from './observed-gauge';
import {
  pgReplicationSamples,
  replayDelaySample,
  REPLICATION_SQL,
  type ReplicationRow,
  STANDBY_SQL,
  type StandbyRow,
} from './postgres-replication';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';

/**
 * PostgreSQL replication: the primary's pg_stat_replication (lag in bytes and per stage, the
 * synchronous standbys) and each standby's own replay delay.
 */
@Injectable()
export class PostgresReplicationProbe implements Probe {
  readonly name = 'postgres replication';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly lagBytes: ObservedGauge<'replica'>;
  private readonly lagSeconds: ObservedGauge<'replica' | 'stage'>;
  private readonly syncStandbys: ObservedGauge<never>;
  private readonly replayDelay: ObservedGauge<'replica'>;

  constructor(
    metrics: MetricsRegistry,
    private readonly sessions: DatastoreSessions,
  ) {
    this.lagBytes = new ObservedGauge(metrics, {
      name: 'faultline_pg_replication_lag_bytes',
      help: "Bytes of WAL the standby has not replayed yet: the primary's pg_current_wal_lsn() minus the standby's replay_lsn in pg_stat_replication, or, once the primary has dropped a cut-off standby that still answers, minus that standby's own pg_last_wal_replay_lsn(). Absent while the primary does not answer, and for a standby that is neither connected nor answering (killed).",
      labelNames: ['replica'],
    });
    this.lagSeconds = new ObservedGauge(metrics, {
      name: 'faultline_pg_replication_lag_seconds',
      help: "The primary's pg_stat_replication write_lag, flush_lag and replay_lag (stage = write, flush, replay): how long recent WAL took to be written, flushed and applied on the standby; 0 when it is caught up (NULL). The primary computes them from the standby's replies, so a cut-off standby keeps its last values until the primary drops it (wal_sender_timeout): watch faultline_pg_replication_lag_bytes for that. Absent while the primary does not answer or the standby is not connected to it.",
      labelNames: ['replica', 'stage'],
    });
    this.syncStandbys = new ObservedGauge(metrics, {
      name: 'faultline_pg_sync_standbys',
      help: 'Standbys the primary counts as synchronous (pg_stat_replication sync_state sync or quorum). With ANY 1 and remote_apply, commits block at 0. Absent while the primary does not answer.',
      labelNames: [],
    });
    this.replayDelay = new ObservedGauge(metrics, {
      name: 'faultline_pg_replay_delay_seconds',
      help: "On the standby, now() minus pg_last_xact_replay_timestamp(): the age of the last transaction it replayed, by the primary's commit time. Distorted on purpose: it mixes two hosts' clocks (clock skew shifts it) and it keeps growing while the primary is idle even when the standby is fully caught up; use faultline_pg_replication_lag_* for real lag. Absent before the first replayed transaction and while the standby does not answer.",
      labelNames: ['replica'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const postgres = topology.nodes.filter((n) => n.kind === 'postgres');
    const primary = postgres.find((n) => n.role === 'primary');
    const replicas = postgres.filter((n) => n.role === 'replica');
    const [rows, standbys] = await Promise.all([
      primary ? this.query<ReplicationRow>(primary, REPLICATION_SQL) : undefined,
      Promise.all(
        replicas.map(async (replica) => ({
          name: replica.name,
          row: (await this.query<StandbyRow>(replica, STANDBY_SQL))?.[0],
        })),
      ),
    ]);
    if (rows) {
      const samples = pgReplicationSamples(rows, standbys);
      this.lagBytes.replace(samples.lagBytes);
      this.lagSeconds.replace(samples.lagSeconds);
      this.syncStandbys.replace([{ labels: {}, value: samples.syncStandbys }]);
    } else {
      this.lagBytes.clear();
      this.lagSeconds.clear();
      this.syncStandbys.clear();
    }
    this.replayDelay.replace(standbys.flatMap((s) => replayDelaySample(s.name, s.row)));
  }

  clear(): void {
    for (const gauge of [this.lagBytes, this.lagSeconds, this.syncStandbys, this.replayDelay]) {
      gauge.clear();
    }
  }

  /** The rows, or undefined when the node does not answer in time. */
  private async query<T>(node: TopologyNode, sql: string): Promise<T[] | undefined> {
    try {
      const rows = await within(this.sessions.pgQuery<T>(node, sql), PROBE_TIMEOUT_MS, node.name);
      this.failures.ok(node.name);
      return rows;
    } catch (err) {
      this.failures.failed(node.name, err);
      return undefined;
    }
  }
}
