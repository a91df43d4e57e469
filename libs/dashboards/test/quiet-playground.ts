/**
 * A quiet playground as Prometheus holds it, for `promtool test rules`: ten minutes of the
 * background workload, with the quorum lab up (`faultline up --lab quorum`) and no scenario run,
 * and nothing else. Every service answers 2xx, every series a service or a ring member registers
 * at start (zero-initialised counters, probes) is there, and nothing has happened: no drill
 * since control started (so faultline_drill_active and faultline_drills_total have no series at
 * all), no 5xx, no stale read, no failover, no compensation, no hint, no read repair.
 */
import { CARTS_NODES, CONSENSUS_MEMBERS, RING_MEMBERS } from '@faultline/topology';

/** One series of a promtool test: its selector and its values in promtool's notation. */
export interface InputSeries {
  series: string;
  values: string;
}

/** The fixture's scrape step and its number of steps after the first: ten minutes. */
export const STEP = '15s';
const STEPS = 40;
export const EVAL_TIME = '10m';

type Labels = Record<string, string>;

const selector = (name: string, labels: Labels): string =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

/** A counter growing by `perStep` each step (0: registered, never incremented). */
const counter = (name: string, labels: Labels, perStep: number): InputSeries => ({
  series: selector(name, labels),
  values: `0+${perStep}x${STEPS}`,
});

/** A gauge that stays at `value`. */
const gauge = (name: string, labels: Labels, value: number): InputSeries => ({
  series: selector(name, labels),
  values: `${value}x${STEPS}`,
});

/** A histogram observing `perStep` values a step, all within its first bucket. */
const histogram = (name: string, labels: Labels, perStep: number): InputSeries[] => [
  ...['0.1', '+Inf'].map((le) => counter(`${name}_bucket`, { ...labels, le }, perStep)),
  counter(`${name}_count`, labels, perStep),
  counter(`${name}_sum`, labels, perStep * 0.05),
];

const each = <T>(values: readonly T[], series: (value: T) => InputSeries | InputSeries[]) =>
  values.flatMap(series);

export const QUIET_PLAYGROUND: InputSeries[] = [
  // The services: 2xx only.
  ...each(['payments', 'catalog', 'orders'], (service) =>
    histogram(
      'faultline_http_server_duration_seconds',
      { service, method: 'POST', route: '/x', status: '200' },
      5,
    ),
  ),
  ...each(['ok', 'timeout', 'rejected', 'error'], (outcome) =>
    counter('faultline_payments_commits_total', { outcome }, outcome === 'ok' ? 2 : 0),
  ),
  ...histogram('faultline_payments_commit_duration_seconds', { outcome: 'ok' }, 2),
  counter('faultline_catalog_reads_total', { consistency: 'eventual', served_by: 'redis-1' }, 3),
  ...each(['ok', 'lww_rejected', 'error'], (outcome) =>
    counter('faultline_catalog_writes_total', { outcome }, outcome === 'ok' ? 1 : 0),
  ),
  ...each(['pending', 'stock_reserved', 'charged', 'confirmed', 'cancelled'], (state) =>
    counter('faultline_orders_total', { state }, state === 'cancelled' ? 0 : 1),
  ),
  gauge('faultline_outbox_backlog', {}, 0),
  gauge('faultline_kafka_consumer_lag', { group: 'saga', topic: 'orders', partition: '0' }, 0),
  ...each(['reserve', 'charge', 'confirm'], (step) =>
    histogram('faultline_saga_step_duration_seconds', { step }, 1),
  ),
  ...each(['catalog-a', 'catalog-b'], (node) => [
    gauge('faultline_clock_offset_seconds', { node }, 0),
    gauge('faultline_clock_skew_seconds', { node }, 0.002),
  ]),

  // The workload: its live verdicts, no stale read yet (the histogram has no labels: all 0).
  counter('faultline_workload_ops_total', { service: 'payments', f: 'transfer', type: 'ok' }, 2),
  ...each(['lost-updates', 'stale-reads', 'saga'], (checker) =>
    gauge('faultline_checker_valid', { checker }, checker === 'saga' ? -1 : 1),
  ),
  ...histogram('faultline_catalog_read_staleness_seconds', {}, 0),

  // Control's probes: replication healthy, every link up, no failover since it started.
  ...each(['pg-1', 'pg-2'], (replica) => [
    gauge('faultline_pg_replication_lag_bytes', { replica }, 0),
    gauge('faultline_pg_replication_lag_seconds', { replica, stage: 'replay' }, 0),
    gauge('faultline_pg_replay_delay_seconds', { replica }, 0.4),
  ]),
  gauge('faultline_pg_sync_standbys', {}, 2),
  ...each(['redis-1', 'redis-2'], (replica) => [
    gauge('faultline_redis_replica_lag_bytes', { replica }, 0),
    gauge('faultline_redis_master_link_up', { replica }, 1),
  ]),
  ...each(['pg-0', 'pg-1'], (member) =>
    gauge(
      'faultline_datastore_role',
      { member, store: 'postgres', role: member === 'pg-0' ? 'primary' : 'replica' },
      1,
    ),
  ),
  ...each(['pg-1', 'redis-1'], (link) => [
    gauge('faultline_link_up', { link }, 1),
    gauge('faultline_link_latency_ms', { link }, 0),
    counter('toxiproxy_proxy_sent_bytes_total', { proxy: link, direction: 'upstream' }, 900),
    counter('toxiproxy_proxy_received_bytes_total', { proxy: link, direction: 'upstream' }, 700),
  ]),
  ...each(['postgres', 'redis'], (store) => [
    counter('faultline_failovers_total', { store, trigger: 'switchover' }, 0),
    counter('faultline_failover_unavailable_seconds_sum', { store }, 0),
    counter('faultline_failover_unavailable_seconds_count', { store }, 0),
  ]),

  // The quorum lab's ring: each member sees the other two up, has hinted, repaired and refused
  // nothing, and has no hint dispatch series at all (a member exports them once it replays one).
  ...each(RING_MEMBERS, (node) => [
    ...each(
      RING_MEMBERS.filter((peer) => peer !== node),
      (peer) => gauge('faultline_cassandra_phi', { node, peer }, 0.4),
    ),
    gauge('faultline_cassandra_phi_convict_threshold', { node }, 5),
    gauge('faultline_cassandra_members', { node, state: 'up' }, RING_MEMBERS.length),
    gauge('faultline_cassandra_members', { node, state: 'down' }, 0),
    counter('faultline_cassandra_hints_written_total', { node }, 0),
    gauge('faultline_cassandra_hints_in_progress', { node }, 0),
    ...each(['attempted', 'blocking', 'background'], (kind) =>
      counter('faultline_cassandra_read_repairs_total', { node, kind }, 0),
    ),
    ...each(['read', 'write'], (request) =>
      each(['unavailable', 'timeout'], (reason) =>
        counter('faultline_cassandra_client_request_failures_total', { node, request, reason }, 0),
      ),
    ),
    gauge('faultline_cassandra_ownership_ratio', { node }, 0.3333),
  ]),
  // The consensus lab's members: etcd-0 leads in term 2, every member healthy and up to date,
  // nothing proposed or failed since start.
  ...each(CONSENSUS_MEMBERS, (node) => [
    gauge('faultline_etcd_is_leader', { node }, node === 'etcd-0' ? 1 : 0),
    gauge('faultline_etcd_leader', { node, leader: 'etcd-0' }, 1),
    gauge('faultline_etcd_raft_term', { node }, 2),
    gauge('faultline_etcd_raft_index', { node }, 17),
    gauge('faultline_etcd_raft_applied_index', { node }, 17),
    gauge('faultline_etcd_member_healthy', { node }, 1),
    counter('etcd_server_leader_changes_seen_total', { node }, 1),
    gauge('etcd_server_proposals_committed_total', { node }, 17),
    counter('etcd_server_proposals_failed_total', { node }, 0),
    gauge('etcd_server_proposals_pending', { node }, 0),
  ]),
  // The carts instances, which no scenario drives yet, answer Prometheus's scrapes.
  ...each(CARTS_NODES, (node) =>
    histogram(
      'faultline_http_server_duration_seconds',
      { service: 'carts', node, method: 'GET', route: '/metrics', status: '200' },
      15,
    ),
  ),
];
