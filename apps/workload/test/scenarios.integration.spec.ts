import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { httpJson } from '@faultline/testing';
import {
  type CatalogOrdering,
  readState,
  startTopology,
  stopTopology,
  type TopologyState,
  TopologySupervisor,
} from '@faultline/topology';

interface CheckerResult {
  checker: string;
  valid: boolean | 'unknown';
  anomalies: Record<string, number>;
  stats: Record<string, unknown>;
}

interface Report {
  id: string;
  verdict: string;
  results: CheckerResult[];
  services: Record<string, { ok: number; info: number }>;
  markdown: string;
}

/**
 * A topology with the given settings, supervised as `faultline up` supervises it (a node a
 * drill or a failover took down comes back), and scenario runs through its control API.
 */
class ScenarioBench {
  topology!: TopologyState;
  private supervisor?: TopologySupervisor;

  constructor(ordering: CatalogOrdering, redisMinReplicasToWrite = 0) {
    before(async () => {
      this.topology = await startTopology({ catalogOrdering: ordering, redisMinReplicasToWrite });
      this.supervisor = new TopologySupervisor(this.topology.stateFile).start();
    });
    after(async () => {
      this.supervisor?.stop();
      if (this.topology) await stopTopology(readState(this.topology.stateFile) ?? this.topology);
    });
  }

  async run(scenario: string, durationSeconds: number): Promise<Report> {
    const control = this.topology.nodes.find((n) => n.name === 'control')!.url!;
    const headers = { Authorization: `Bearer ${this.topology.adminToken}` };
    const started = await httpJson<{ id: string; phase: string }>(`${control}/runs`, {
      body: { scenario, durationSeconds },
      headers,
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    let run = started.body;
    while (run.phase !== 'done' && run.phase !== 'failed') {
      await sleep(1_000);
      run = (
        await httpJson<typeof run & { error?: string }>(`${control}/runs/${run.id}`, { headers })
      ).body;
    }
    assert.equal(run.phase, 'done', JSON.stringify(run));
    return (await httpJson<Report>(`${control}/reports/${run.id}`, { headers })).body;
  }
}

const result = (report: Report, checker: string) =>
  report.results.find((r) => r.checker === checker)!;

/** Acknowledged catalog writes the split brain lost, per run (the two topologies compared). */
const splitBrainLost: number[] = [];

describe('scenarios under wall-clock ordering', { timeout: 900_000 }, () => {
  const bench = new ScenarioBench('wall');

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
    assert.match(report.markdown, /^# cp-vs-ap: VALID/);
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
    assert.match(report.markdown, /^# kafka-outage: VALID/);
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
    assert.match(report.markdown, /^# pg-failover-async: INVALID/);
    assert.match(report.markdown, /lost-payment × \d+/);
  });

  it('redis-split-brain: the old primary acknowledges writes that vanish when it rejoins', async () => {
    const report = await bench.run('redis-split-brain', 20);
    const lost = result(report, 'lost-writes');
    assert.equal(lost.valid, false, JSON.stringify(lost));
    assert.ok(lost.anomalies['lost-write']! > 0);
    splitBrainLost.push(lost.anomalies['lost-write']!);
    // Run twice: the report compares the two side by side.
    const again = await bench.run('redis-split-brain', 20);
    assert.match(again.markdown, /## Compared with the previous run/);
    assert.match(again.markdown, /\| lost-writes \| lost-write \| \d+ \| \d+ \|/);
  });
});

describe(
  'scenarios under hybrid logical clock ordering, REDIS_MIN_REPLICAS_TO_WRITE=1',
  { timeout: 600_000 },
  () => {
    const bench = new ScenarioBench('hlc', 1);

    it('clock-skew-lww: the HLC keeps causally later writes winning', async () => {
      const report = await bench.run('clock-skew-lww', 12);
      const lost = result(report, 'lost-updates');
      assert.equal(lost.valid, true, JSON.stringify(lost));
      assert.equal(lost.anomalies['lost-update'] ?? 0, 0);
    });

    it('redis-split-brain: a primary that needs a replica to write refuses sooner, and loses fewer writes', async () => {
      const report = await bench.run('redis-split-brain', 20);
      const lost = result(report, 'lost-writes');
      assert.match(report.markdown, /REDIS_MIN_REPLICAS_TO_WRITE=1/);
      assert.ok(splitBrainLost.length > 0, 'the run without the setting came first');
      assert.ok(
        (lost.anomalies['lost-write'] ?? 0) < splitBrainLost[0]!,
        `${lost.anomalies['lost-write'] ?? 0} lost with min-replicas-to-write 1, ${splitBrainLost[0]} without`,
      );
    });
  },
);
