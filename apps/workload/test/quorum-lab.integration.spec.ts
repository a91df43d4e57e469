import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertPanelsAnswer,
  checkerResult as result,
  eventually,
  httpJson,
  ScenarioBench,
  shownResults as shown,
} from '@faultline/testing';

describe('the quorum lab: a Cassandra ring of three and the carts', { timeout: 900_000 }, () => {
  const bench = new ScenarioBench({ labs: ['quorum'] });
  const carts = () => bench.running.url('carts-a');
  const control = () => ({
    url: bench.running.url('control'),
    headers: { Authorization: `Bearer ${bench.running.state.adminToken}` },
  });

  it('carts: an unknown level is 400 naming the allowed ones; QUORUM with two members cut off is 503 unavailable with Cassandra’s counts', async () => {
    const bad = await httpJson(`${carts()}/carts/c1/items`, {
      body: { item: 'cup' },
      headers: { 'Consistency-Level': 'TWO' },
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(JSON.stringify(bad.body), /Consistency-Level must be one of ONE, QUORUM, ALL/);

    const added = await httpJson<{ timestampMicros: number; writer: string }>(
      `${carts()}/carts/c1/items`,
      { body: { item: 'cup' }, headers: { 'Consistency-Level': 'ALL' } },
    );
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.writer, 'carts-a');
    const read = await httpJson<{ items: string[] }>(`${carts()}/carts/c1`, {
      headers: { 'Consistency-Level': 'ONE' },
    });
    assert.deepEqual(read.body.items, ['cup']);

    const { url, headers } = control();
    const drills: string[] = [];
    for (const target of ['ring->cassandra-1', 'ring->cassandra-2']) {
      const drill = await httpJson<{ id: string }>(`${url}/drills`, {
        body: { kind: 'partition', target, ttlSeconds: 120 },
        headers,
      });
      assert.equal(drill.status, 201, JSON.stringify(drill.body));
      drills.push(drill.body.id);
    }
    try {
      // Until gossip convicts the cut members, a QUORUM write times out instead.
      const refused = await eventually(async () => {
        const answer = await httpJson<{ error: string; required: number; alive: number }>(
          `${carts()}/carts/c1/items`,
          { body: { item: 'jug' }, headers: { 'Consistency-Level': 'QUORUM' } },
        );
        assert.equal(answer.status, 503, JSON.stringify(answer.body));
        assert.equal(answer.body.error, 'unavailable', JSON.stringify(answer.body));
        return answer.body;
      }, 40_000);
      assert.equal(refused.required, 2);
      assert.equal(refused.alive, 1);
    } finally {
      for (const id of drills) await httpJson(`${url}/drills/${id}`, { method: 'DELETE', headers });
    }
  });

  it('quorum: QUORUM reads see every acknowledged QUORUM add under a partition (valid); ONE/ONE reads go stale (reported)', async (t) => {
    const report = await bench.run('quorum', 24);
    const staleness = result(report, 'cart-staleness');
    assert.equal(staleness.valid, true, shown(report));
    assert.ok((staleness.anomalies['stale-read'] ?? 0) > 0, `ONE/ONE went stale: ${shown(report)}`);
    assert.equal(staleness.anomalies['stale-quorum-read'], undefined, shown(report));
    t.diagnostic(
      `stale reads by W/R: ${JSON.stringify(staleness.stats.staleByPair)}, max age ${JSON.stringify(staleness.stats.staleAgeMaxSecondsByPair)}`,
    );
    assert.equal(result(report, 'cart-convergence').valid, true, shown(report));
    assert.equal(report.verdict, 'valid', shown(report));
  });

  it('ring-skew-lww: replaces of the writer whose clock is behind are lost (invalid, named); adds all survive', async (t) => {
    const report = await bench.run('ring-skew-lww', 20);
    const lww = result(report, 'cart-lww');
    assert.equal(lww.valid, false, shown(report));
    assert.ok((lww.anomalies['lost-update'] ?? 0) > 0, shown(report));
    const byWriter = lww.stats.lostUpdatesByWriter as Record<string, number>;
    t.diagnostic(`lost replaces by writer: ${JSON.stringify(byWriter)}`);
    assert.ok(
      byWriter['carts-b']! > 0,
      `carts-b (its clock behind) lost replaces: ${shown(report)}`,
    );
    assert.equal(result(report, 'cart-staleness').valid, true, shown(report));
    assert.equal(result(report, 'cart-convergence').valid, true, shown(report));
    assert.equal(report.verdict, 'invalid');
  });

  it('hinted-handoff: ONE adds during a partition reach every replica after heal; the report says how fast', async (t) => {
    const report = await bench.run('hinted-handoff', 20);
    const convergence = result(report, 'cart-convergence');
    assert.equal(convergence.valid, true, shown(report));
    assert.equal(typeof convergence.stats.convergedSecondsAfterHeal, 'number', shown(report));
    t.diagnostic(`converged ${convergence.stats.convergedSecondsAfterHeal} s after heal`);
    assert.ok(report.services.carts!.fail > 0, 'ALL reads failed while a member was cut off');
    assert.equal(report.verdict, 'valid', shown(report));
  });

  it('the Quorum dashboard: every panel query answers with a number once hints were replayed', async () => {
    const prometheus = bench.running.url('prometheus');
    await assertPanelsAnswer(prometheus, 'faultline-quorum');
    const delivered = await httpJson<{ data: { result: { value: [number, string] }[] } }>(
      `${prometheus}/api/v1/query?query=${encodeURIComponent('sum(faultline_cassandra_hints_dispatched_total{outcome="delivered"})')}`,
    );
    assert.ok(
      Number(delivered.body.data.result[0]?.value[1]) > 0,
      'the hinted-handoff run replayed hints',
    );
  });
});
