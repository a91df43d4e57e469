import { pgApplicationName } from '@faultline/topology';
import type { Sample } from './samples';

/**
 * One row of REPLICATION_SQL on the primary: its current WAL position, and one standby of
 * pg_stat_replication (all standby columns null in the single row of a primary without any).
 */
export interface ReplicationRow {
  current_lsn: string;
  application_name: string | null;
  state: string | null;
  sync_state: string | null;
  /** pg_current_wal_lsn() − replay_lsn; null while the standby has replayed nothing yet. */
  lag_bytes: number | null;
  /** write_lag, flush_lag, replay_lag in seconds; null when caught up (nothing pending). */
  write_lag: number | null;
  flush_lag: number | null;
  replay_lag: number | null;
}

export const REPLICATION_SQL = `SELECT pg_current_wal_lsn()::text AS current_lsn,
  r.application_name, r.state, r.sync_state,
  pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::float8 AS lag_bytes,
  EXTRACT(EPOCH FROM r.write_lag)::float8 AS write_lag,
  EXTRACT(EPOCH FROM r.flush_lag)::float8 AS flush_lag,
  EXTRACT(EPOCH FROM r.replay_lag)::float8 AS replay_lag
FROM (SELECT 1) AS one LEFT JOIN pg_stat_replication AS r ON true`;

/**
 * On a standby: seconds since the primary committed the last transaction replayed here, and
 * how far it has replayed.
 */
export const STANDBY_SQL = `SELECT
  EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 AS delay_seconds,
  pg_last_wal_replay_lsn()::text AS replay_lsn`;

export interface StandbyRow {
  delay_seconds: number | null;
  replay_lsn: string | null;
}

/** A WAL position ('16/B374D848') as a byte offset. */
export function parseLsn(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** A standby node of the topology and its own STANDBY_SQL row, undefined when it did not answer. */
export interface StandbyView {
  name: string;
  row: StandbyRow | undefined;
}

export const STAGES = ['write', 'flush', 'replay'] as const;

export interface PgReplicationSamples {
  lagBytes: Sample<'replica'>[];
  lagSeconds: Sample<'replica' | 'stage'>[];
  syncStandbys: number;
}

/**
 * The primary's view of its standbys. A row whose application_name is no standby of the
 * topology (pg_basebackup cloning, say) counts only towards the synchronous standbys; with two
 * rows for one standby (a reconnect), the streaming one wins.
 *
 * A standby that answers but is not in pg_stat_replication (its link is cut and the primary's
 * wal_sender_timeout has dropped it) still gets lag in bytes, from its own replay position:
 * pg_current_wal_lsn() on the primary − pg_last_wal_replay_lsn() on the standby. It has no
 * per-stage lag then (the primary has no timings for it). A standby that does not answer
 * (killed) and is not connected has no series.
 */
export function pgReplicationSamples(
  rows: readonly ReplicationRow[],
  standbys: readonly StandbyView[],
): PgReplicationSamples {
  const byApplication = new Map(standbys.map((s) => [pgApplicationName(s.name), s.name]));
  const chosen = new Map<string, ReplicationRow>();
  for (const row of rows) {
    const replica = row.application_name && byApplication.get(row.application_name);
    if (!replica) continue;
    const previous = chosen.get(replica);
    if (!previous || (previous.state !== 'streaming' && row.state === 'streaming')) {
      chosen.set(replica, row);
    }
  }
  const lagBytes: Sample<'replica'>[] = [];
  const lagSeconds: Sample<'replica' | 'stage'>[] = [];
  const currentLsn = rows[0]?.current_lsn;
  for (const { name: replica, row: standby } of standbys) {
    const row = chosen.get(replica);
    if (row) {
      if (row.lag_bytes !== null) lagBytes.push({ labels: { replica }, value: row.lag_bytes });
      for (const stage of STAGES) {
        lagSeconds.push({ labels: { replica, stage }, value: row[`${stage}_lag`] ?? 0 });
      }
    } else if (currentLsn && standby?.replay_lsn) {
      const behind = parseLsn(currentLsn) - parseLsn(standby.replay_lsn);
      // The two readings are moments apart; a standby is never ahead of its primary.
      lagBytes.push({ labels: { replica }, value: Number(behind > 0n ? behind : 0n) });
    }
  }
  const syncStandbys = rows.filter(
    (r) => r.sync_state === 'sync' || r.sync_state === 'quorum',
  ).length;
  return { lagBytes, lagSeconds, syncStandbys };
}

/** A standby's replay delay, absent when it has replayed no transaction yet (null). */
export function replayDelaySample(
  replica: string,
  row: StandbyRow | undefined,
): Sample<'replica'>[] {
  const delay = row?.delay_seconds;
  return delay === null || delay === undefined ? [] : [{ labels: { replica }, value: delay }];
}
