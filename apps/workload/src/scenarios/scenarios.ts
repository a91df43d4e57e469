import { SCENARIO_NAMES, type ScenarioDrill, type ScenarioName } from '@faultline/contracts';
import type { CartsWorkload } from '../carts/carts-workload';
import type { LedgerWorkload } from '../ledger/ledger-load';
import { ROLE_TARGETS, type RaftWorkload } from '../raft/raft-load';

/**
 * A scripted run: its drills, which the nemesis starts a quarter into the run and heals half
 * the run later (see nemesisSchedule), so the history has a before, a during and an after.
 */
export interface Scenario {
  name: ScenarioName;
  lesson: string;
  drills: ScenarioDrill[];
  /** A quorum-lab scenario's load; absent for the core topology's (the bank, catalog and orders load). */
  carts?: CartsWorkload;
  /** A consensus-lab scenario's ledger load. */
  ledger?: LedgerWorkload;
  /** A consensus-lab scenario's register load. */
  raft?: RaftWorkload;
}

/** The ring member the quorum lab's scenarios cut off from the other two (not from the carts). */
const CUT_MEMBER: ScenarioDrill = { kind: 'partition', target: 'cassandra-2' };

/** Every scenario the contract names: the compiler refuses a name without a script. */
const SCRIPTS: Record<ScenarioName, Omit<Scenario, 'name'>> = {
  baseline: {
    lesson:
      'No drill at all: the control run every experiment needs. Every checker should say valid; ' +
      'any anomaly here comes from the system or the workload, not from a fault.',
    drills: [],
  },
  'cp-vs-ap': {
    lesson:
      'Payments (CP) refuse to commit without a synchronous standby: expect 503s (indeterminate) and no money lost. ' +
      'The catalog (AP) keeps answering from a cut-off replica: expect stale reads on catalog-a, converging after heal.',
    drills: [
      { kind: 'partition', target: 'pg-primary' },
      { kind: 'partition', target: 'redis-1->redis-primary' },
    ],
  },
  'replication-lag': {
    lesson:
      'Standbys apply late: PostgreSQL replay lag grows while byte lag stays small; catalog reads on the slowed replica go stale.',
    drills: [
      { kind: 'replication-delay', target: 'pg-1', params: { delayMs: 3_000 } },
      { kind: 'replication-delay', target: 'redis-1', params: { delayMs: 2_000 } },
    ],
  },
  'clock-skew-lww': {
    lesson:
      "catalog-a's clock runs 30 s ahead. With wall-clock last-writer-wins, catalog-b's causally later writes lose (lost updates); " +
      'with hybrid logical clocks (CATALOG_ORDERING=hlc) they win.',
    drills: [{ kind: 'clock-skew', target: 'catalog-a', params: { offsetMs: 30_000 } }],
  },
  'kill-replica': {
    lesson:
      'A Redis replica and a PostgreSQL standby die and come back: payments keep committing (ANY 1), catalog-a reads fail over to nothing ' +
      'until its replica is back and resynced.',
    drills: [
      { kind: 'kill', target: 'redis-1' },
      { kind: 'kill', target: 'pg-2' },
    ],
  },
  'pg-failover': {
    lesson:
      'The PostgreSQL primary is killed under load. After PG_FAILOVER_AFTER (3 s) control fences it and promotes the standby ' +
      'that has replayed the most WAL; payments answer 503 for a few seconds, then commit on the new primary. With synchronous ' +
      'replication (ANY 1) every acknowledged payment was on a standby before it was acknowledged: expect 0 lost. ' +
      'After heal the old primary rejoins as a standby (pg_rewind).',
    drills: [{ kind: 'kill', target: 'pg-primary' }],
  },
  'pg-failover-async': {
    lesson:
      'The same failover after commits stopped waiting for the standbys (replication-mode async) and the primary was cut off ' +
      'from them: it acknowledged payments that no standby had when it died, and the promoted standby never gets them. ' +
      'Expect the payments checker to say INVALID and name the lost payments: the price of asynchronous replication, not a bug.',
    drills: [
      { kind: 'replication-mode', target: 'pg-primary', params: { mode: 'async' } },
      // The primary cut off from its standbys (whichever node is primary): the limit of a
      // slowed link. A latency toxic under a server that dies can wedge Toxiproxy's API
      // (Shopify/toxiproxy#558), so the scenario cuts rather than slows.
      { kind: 'partition', target: 'pg-primary' },
      { kind: 'kill', target: 'pg-primary', afterSeconds: 4 },
    ],
  },
  'redis-split-brain': {
    lesson:
      'The Redis primary is cut off from its replicas and the Sentinels, not from the catalogs. It keeps acknowledging writes ' +
      'while the Sentinels promote a replica (about 4 s); when the partition heals it is demoted and those writes vanish. Expect ' +
      'the lost-writes checker to say INVALID (count and examples). Run it again on a topology started with ' +
      'REDIS_MIN_REPLICAS_TO_WRITE=1: the old primary refuses writes about 2 s after the cut, and fewer are lost (the report compares).',
    drills: [{ kind: 'partition', target: 'redis-primary' }],
  },
  'kafka-outage': {
    lesson:
      'Kafka is cut off from the orders service: orders keep being accepted (202, pending), their events wait in the outbox, ' +
      'and the sagas stall. After heal the backlog drains: every order ends confirmed or cancelled, no order is lost, ' +
      'no stock or money is taken twice or kept by a cancelled order.',
    drills: [{ kind: 'partition', target: 'kafka-0' }],
  },
  quorum: {
    lesson:
      'cassandra-2 is cut off from the other two members, not from the carts. QUORUM writes and reads (W + R = 4 > N = 3) ' +
      'go on through the two members that still form a majority, and every QUORUM read sees every acknowledged QUORUM add: ' +
      'cart-staleness says valid. The same load at ONE/ONE (W + R = 2 ≤ 3) is served by cassandra-2 too: reads there miss ' +
      'adds the others took, and adds it took are missing elsewhere. Expect stale ONE reads, reported with their count and ' +
      'max age: the documented cost. Gossip convicts the cut member about 12 s after the cut (phi_convict_threshold 5); ' +
      'until then QUORUM requests that need it time out.',
    drills: [CUT_MEMBER],
    carts: {
      groups: { quorum: 4, one: 4 },
      processes: [
        {
          name: 'quorum-writer',
          instance: 'carts-a',
          op: 'add',
          consistency: 'QUORUM',
          group: 'quorum',
        },
        {
          name: 'quorum-reader',
          instance: 'carts-b',
          op: 'read',
          consistency: 'QUORUM',
          group: 'quorum',
        },
        { name: 'one-writer', instance: 'carts-a', op: 'add', consistency: 'ONE', group: 'one' },
        { name: 'one-reader', instance: 'carts-b', op: 'read', consistency: 'ONE', group: 'one' },
      ],
      checkers: ['cart-staleness', 'cart-convergence'],
    },
  },
  'ring-skew-lww': {
    lesson:
      "carts-a's clock runs 30 s ahead, and every write carries its writer's clock (USING TIMESTAMP). Both instances " +
      "replace the same carts: Cassandra keeps the larger timestamp, so carts-b's replaces made after carts-a's lose for " +
      "30 s, acknowledged and gone; after heal, carts-a's own replaces lose to its writes from the future too. Expect " +
      'cart-lww to say INVALID and name them. The add-only carts keep every add from ' +
      'both instances (each item is a cell of its own): cart-staleness and cart-convergence say valid.',
    drills: [{ kind: 'clock-skew', target: 'carts-a', params: { offsetMs: 30_000 } }],
    carts: {
      groups: { replaced: 2, added: 2 },
      processes: [
        {
          name: 'replace-a',
          instance: 'carts-a',
          op: 'replace',
          consistency: 'QUORUM',
          group: 'replaced',
        },
        {
          name: 'replace-b',
          instance: 'carts-b',
          op: 'replace',
          consistency: 'QUORUM',
          group: 'replaced',
        },
        { name: 'add-a', instance: 'carts-a', op: 'add', consistency: 'QUORUM', group: 'added' },
        { name: 'add-b', instance: 'carts-b', op: 'add', consistency: 'QUORUM', group: 'added' },
        { name: 'reader', instance: 'carts-b', op: 'read', consistency: 'QUORUM', group: 'added' },
      ],
      checkers: ['cart-lww', 'cart-staleness', 'cart-convergence'],
    },
  },
  'hinted-handoff': {
    lesson:
      'cassandra-2 is cut off from the ring while both carts instances add at ONE: each add needs one member, and its ' +
      'coordinator keeps a hint for every replica it cannot reach (the cut member keeps hints for the other two). Reads ' +
      'at ALL fail: they time out while gossip still counts the cut member alive, then are refused (unavailable) once it ' +
      'is convicted. After heal gossip sees cassandra-2 up within about a second and the hints are replayed ' +
      '(faultline_cassandra_hints_dispatched_total, outcome delivered): cart-convergence reports how long after heal every replica held ' +
      'every acknowledged add.',
    drills: [CUT_MEMBER],
    carts: {
      groups: { hinted: 4 },
      processes: [
        { name: 'add-a', instance: 'carts-a', op: 'add', consistency: 'ONE', group: 'hinted' },
        { name: 'add-b', instance: 'carts-b', op: 'add', consistency: 'ONE', group: 'hinted' },
        { name: 'reader', instance: 'carts-a', op: 'read', consistency: 'ALL', group: 'hinted' },
      ],
      checkers: ['cart-convergence', 'cart-staleness'],
    },
  },
  'lock-pause': {
    lesson:
      'Two ledger writers append under one lock with a 2 s lease. ledger-a is frozen (SIGSTOP) just after it is granted ' +
      'the lock, for half the run; its lease ends, ledger-b takes the lock and writes; then ledger-a resumes and ' +
      'writes, still believing it holds the lock. With lock=redlock or etcd-lease its late write lands: lock-safety ' +
      'says INVALID and names it (a stale write). With lock=etcd-fenced every write carries the lock key’s revision ' +
      'and the storage refuses one lower than it has accepted: the late write is refused (409, kept as a refusal) ' +
      'and lock-safety says valid. A lease is not mutual exclusion; a fencing token checked by the storage is.',
    drills: [{ kind: 'pause', target: 'ledger-a' }],
    ledger: {
      writers: [
        // ledger-a holds the lock most of the time, so the pause finds it holding.
        { name: 'writer-a', instance: 'ledger-a', holdMs: 1_000 },
        { name: 'writer-b', instance: 'ledger-b', holdMs: 50 },
      ],
      pauseHolder: 'ledger-a',
      checkers: ['lock-safety'],
    },
  },
  'raft-partition': {
    lesson:
      'The etcd leader is cut off from the other two members (not from its clients). Raft needs a majority: the old ' +
      'leader steps down within about an election timeout (1 s) and can commit nothing, so writes through it fail ' +
      '(no leader) or time out, never succeed; the two others elect a new leader in a higher term and writes through ' +
      'them resume within a second or two. raft-majority reports the time to elect and the write gap; ' +
      'register-linearizability checks every read and write of the register (a Knossos/Porcupine-style search): valid.',
    drills: [{ kind: 'partition', target: ROLE_TARGETS.leader }],
    raft: { cut: 'leader', checkers: ['raft-majority', 'register-linearizability'] },
  },
  'raft-minority': {
    lesson:
      'A follower is cut off from the other two. The leader still has a majority (itself and the other follower): ' +
      'writes through the majority go on without a pause and no election happens; only requests through the cut ' +
      'member fail. raft-majority shows the leader kept and the write gap; register-linearizability: valid.',
    drills: [{ kind: 'partition', target: ROLE_TARGETS.follower }],
    raft: { cut: 'follower', checkers: ['raft-majority', 'register-linearizability'] },
  },
};

export const scenarioNamed = (name: ScenarioName): Scenario => ({ name, ...SCRIPTS[name] });

export const SCENARIOS: readonly Scenario[] = SCENARIO_NAMES.map(scenarioNamed);
