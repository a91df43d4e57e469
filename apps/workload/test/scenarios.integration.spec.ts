import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ReportView } from '@faultline/contracts';
import { ScenarioBench } from '@faultline/testing';

/** Each client process's invocations, in its order: what a seed decides. */
type HistoryShape = Map<string, string[]>;

/**
 * A history's invocations per client process, with what differs between runs of one seed made
 * alike: the run's label (in keys and names) and the ids the services assigned (numbered in the
 * order they first appear in the process's own sequence). A retry of an indeterminate operation
 * repeats its invocation, and how many there are depends on the services' answers, so repeats
 * count once.
 */
function historyShape(jsonl: string): HistoryShape {
  const idsByProcess = new Map<string, Map<string, string>>();
  const shape: HistoryShape = new Map();
  const ops = jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { process: string; type: string; f: string; value: unknown })
    .filter((op) => op.type === 'invoke' && op.process !== 'nemesis' && op.process !== 'final');
  for (const op of ops) {
    const ids = idsByProcess.get(op.process) ?? new Map<string, string>();
    idsByProcess.set(op.process, ids);
    const value = JSON.stringify(op.value)
      .replace(/run-[0-9a-f]{8}/g, 'RUN')
      .replace(/(?<!RUN-)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!ids.has(id)) ids.set(id, `#${ids.size}`);
        return ids.get(id)!;
      });
    const seen = shape.get(op.process) ?? [];
    const invocation = `${op.f} ${value}`;
    if (seen.at(-1) !== invocation) seen.push(invocation);
    shape.set(op.process, seen);
  }
  return shape;
}

const result = (report: ReportView, checker: string) =>
  report.results.find((r) => r.checker === checker)!;

/** Acknowledged catalog writes the split brain lost, per run (the two topologies compared). */
const splitBrainLost: number[] = [];

describe('scenarios under wall-clock ordering', { timeout: 900_000 }, () => {
  const bench = new ScenarioBench({ catalogOrdering: 'wall' });

  it('baseline: with no drill every checker says valid; a second run meanwhile is 409, a bad one 400', async () => {
    const started = await bench.start('baseline', 10);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const second = await bench.start('cp-vs-ap', 10);
    assert.equal(second.status, 409, JSON.stringify(second.body));
    assert.match(JSON.stringify(second.body), /still in progress/);
    const lab = await bench.start('quorum', 10);
    assert.equal(lab.status, 409, JSON.stringify(lab.body));
    assert.match(JSON.stringify(lab.body), /needs the quorum lab.*faultline up --lab quorum/);
    const consensus = await bench.start('lock-pause', 10, undefined, { lock: 'etcd-fenced' });
    assert.equal(consensus.status, 409, JSON.stringify(consensus.body));
    assert.match(
      JSON.stringify(consensus.body),
      /needs the consensus lab.*faultline up --lab consensus/,
    );
    for (const [scenario, duration, seed, message] of [
      ['toString', 10, undefined, /scenario must be one of: baseline, cp-vs-ap/],
      ['baseline', 7, undefined, /durationSeconds must be an integer from 8 to 3600/],
      ['baseline', 10, null, /seed must be an integer from 0 to 4294967295/],
    ] as const) {
      const bad = await bench.start(scenario, duration, seed);
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(JSON.stringify(bad.body), message);
    }
    for (const [scenario, lock, message] of [
      ['lock-pause', 'zookeeper', /lock must be one of: redlock, etcd-lease, etcd-fenced/],
      ['baseline', 'redlock', /lock applies to the consensus lab's lock-pause, not to baseline/],
    ] as const) {
      const bad = await bench.start(scenario, 10, undefined, { lock });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(JSON.stringify(bad.body), message);
    }
    const report = await bench.follow(started.body);
    assert.deepEqual(report.drills, []);
    for (const r of report.results) assert.notEqual(r.valid, false, JSON.stringify(r));
    assert.ok(report.services.payments!.ok > 0 && report.services.catalog!.ok > 0);
  });

  it('the same --seed replays the same operations per process; another seed does not', async () => {
    const shapes = [];
    for (const seed of [42, 42, 43]) {
      const started = await bench.start('baseline', 8, seed);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.seed, seed);
      const report = await bench.follow(started.body);
      assert.equal(report.seed, seed);
      assert.match(report.markdown ?? '', new RegExp(`--seed ${seed}`));
      shapes.push(historyShape(readFileSync(report.historyFile, 'utf8')));
    }
    const [first, again, other] = shapes as [HistoryShape, HistoryShape, HistoryShape];
    assert.ok(first.size >= 10, `only ${first.size} processes`);
    let compared = 0;
    for (const [process, ops] of first) {
      const replay = again.get(process) ?? [];
      const common = Math.min(ops.length, replay.length);
      // A reader's repeated reads of all balances are alike, and count once.
      assert.ok(common >= 1, `${process}: ${ops.length} and ${replay.length} operations`);
      assert.deepEqual(replay.slice(0, common), ops.slice(0, common), process);
      compared += common;
    }
    console.log(`# ${compared} operations replayed identically`);
    assert.ok(compared >= 100, `only ${compared} operations compared`);
    const differs = [...first].some(([process, ops]) => {
      const o = other.get(process) ?? [];
      const common = Math.min(ops.length, o.length);
      return JSON.stringify(o.slice(0, common)) !== JSON.stringify(ops.slice(0, common));
    });
    assert.ok(differs, 'seed 43 generated what seed 42 did');
  });

  it('cp-vs-ap: CP held (no acknowledged payment lost) while AP served stale reads', async () => {
    const report = await bench.run('cp-vs-ap', 20);
    assert.equal(result(report, 'bank').valid, true, JSON.stringify(result(report, 'bank')));
    const payments = result(report, 'payments');
    assert.equal(payments.valid, true, JSON.stringify(payments));
    assert.equal(payments.anomalies['lost-payment'] ?? 0, 0);
    assert.ok(report.services.payments!.info > 0, 'the partition made some payments indeterminate');
    const staleness = result(report, 'staleness');
    assert.equal(staleness.valid, true, JSON.stringify(staleness));
    assert.ok((staleness.stats['stale-by-node'] as Record<string, number>)['redis-1']! > 0);
    assert.match(report.markdown ?? '', /^# cp-vs-ap: VALID/);
  });

  it('kafka-outage: orders are accepted through the outage, and none is lost or doubled', async () => {
    const report = await bench.run('kafka-outage', 20);
    const saga = result(report, 'saga');
    assert.equal(saga.valid, true, JSON.stringify(saga));
    assert.deepEqual(saga.anomalies, {});
    assert.ok((saga.stats['orders-accepted'] as number) > 0, JSON.stringify(saga.stats));
    assert.ok((saga.stats.confirmed as number) > 0, JSON.stringify(saga.stats));
    assert.ok(report.services.orders!.ok > 0, 'orders were accepted');
    for (const checker of ['bank', 'payments', 'staleness', 'lost-updates'])
      assert.equal(result(report, checker).valid, true, JSON.stringify(result(report, checker)));
    assert.match(report.markdown ?? '', /^# kafka-outage: VALID/);
  });

  it('clock-skew-lww: a clock 30 s ahead makes causally later writes lose', async () => {
    const report = await bench.run('clock-skew-lww', 12);
    const lost = result(report, 'lost-updates');
    assert.equal(lost.valid, false, JSON.stringify(lost));
    assert.ok(lost.anomalies['lost-update']! > 0);
    assert.equal(report.verdict, 'invalid');
  });

  it('pg-failover: the primary dies under load, a standby takes over, and no acknowledged payment is lost', async () => {
    const report = await bench.run('pg-failover', 20);
    for (const checker of ['bank', 'payments']) {
      assert.equal(result(report, checker).valid, true, JSON.stringify(result(report, checker)));
    }
    assert.equal(result(report, 'payments').anomalies['lost-payment'] ?? 0, 0);
    assert.ok(report.services.payments!.ok > 0);
  });

  it('pg-failover-async: acknowledged payments no standby had are lost, and the checker names them', async () => {
    const report = await bench.run('pg-failover-async', 24);
    const payments = result(report, 'payments');
    assert.equal(payments.valid, false, JSON.stringify(payments));
    assert.ok(payments.anomalies['lost-payment']! > 0, JSON.stringify(payments.anomalies));
    assert.match(report.markdown ?? '', /^# pg-failover-async: INVALID/);
    assert.match(report.markdown ?? '', /lost-payment × \d+/);
  });

  it('redis-split-brain: the old primary acknowledges writes that vanish when it rejoins', async () => {
    const report = await bench.run('redis-split-brain', 20);
    const lost = result(report, 'lost-writes');
    assert.equal(lost.valid, false, JSON.stringify(lost));
    assert.ok(lost.anomalies['lost-write']! > 0);
    splitBrainLost.push(lost.anomalies['lost-write']!);
    // Run twice: the report compares the two side by side.
    const again = await bench.run('redis-split-brain', 20);
    assert.match(again.markdown ?? '', /## Compared with the previous run/);
    assert.match(again.markdown ?? '', /\| lost-writes \| lost-write \| \d+ \| \d+ \|/);
  });
});

describe(
  'scenarios under hybrid logical clock ordering, REDIS_MIN_REPLICAS_TO_WRITE=1',
  { timeout: 600_000 },
  () => {
    const bench = new ScenarioBench({ catalogOrdering: 'hlc', redisMinReplicasToWrite: 1 });

    it('clock-skew-lww: the HLC keeps causally later writes winning', async () => {
      const report = await bench.run('clock-skew-lww', 12);
      const lost = result(report, 'lost-updates');
      assert.equal(lost.valid, true, JSON.stringify(lost));
      assert.equal(lost.anomalies['lost-update'] ?? 0, 0);
    });

    it('redis-split-brain: a primary that needs a replica to write refuses sooner, and loses fewer writes', async () => {
      const report = await bench.run('redis-split-brain', 20);
      const lost = result(report, 'lost-writes');
      assert.match(report.markdown ?? '', /REDIS_MIN_REPLICAS_TO_WRITE=1/);
      assert.ok(splitBrainLost.length > 0, 'the run without the setting came first');
      assert.ok(
        (lost.anomalies['lost-write'] ?? 0) < splitBrainLost[0]!,
        `${lost.anomalies['lost-write'] ?? 0} lost with min-replicas-to-write 1, ${splitBrainLost[0]} without`,
      );
    });
  },
);
