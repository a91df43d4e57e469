import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDashboards, metricNames, queries } from '@faultline/dashboards';
import { eventually, httpJson } from '@faultline/testing';
import { repoRoot, startTopology, stopTopology, type TopologyState } from '@faultline/topology';

interface PromAnswer<T> {
  status: string;
  data: T;
  error?: string;
}

describe('dashboards against the live topology', { timeout: 600_000 }, () => {
  let topology: TopologyState;
  // The labs' dashboards' series exist only with their labs, which this topology leaves off.
  const dashboards = loadDashboards(join(repoRoot(), 'grafana', 'dashboards')).filter(
    (d) => !['faultline-quorum', 'faultline-consensus'].includes(d.uid),
  );
  const prometheus = () => topology.nodes.find((n) => n.name === 'prometheus')!.url!;
  const query = (expr: string) =>
    httpJson<PromAnswer<{ result: { value: [number, string] }[] }>>(
      `${prometheus()}/api/v1/query?query=${encodeURIComponent(expr)}`,
    );

  /** Every panel query answers with at least one number (a NaN draws nothing, like no series). */
  async function everyPanelAnswers(): Promise<void> {
    for (const dashboard of dashboards) {
      // Annotations only have series while a drill is active; panels must always show something.
      for (const { where, expr } of queries(dashboard).filter(
        (q) => !q.where.endsWith('annotation'),
      )) {
        await eventually(async () => {
          const answer = await query(expr);
          assert.equal(answer.body.status, 'success', `${where}: ${answer.body.error}`);
          assert.ok(
            answer.body.data.result.some((s) => Number.isFinite(Number(s.value[1]))),
            `${where}: no number for ${expr}: ${JSON.stringify(answer.body.data.result)}`,
          );
        }, 20_000);
      }
    }
  }

  before(async () => {
    // The playground's background load, a little busier.
    topology = await startTopology({ workloadRate: 3 });
    await new Promise((r) => setTimeout(r, 15_000));
  });

  after(async () => {
    if (topology) await stopTopology(topology);
  });

  describe('in quiet time, before any drill', () => {
    it('every panel query answers with a number', everyPanelAnswers);
  });

  describe('after a short partition drill', () => {
    before(async () => {
      const control = topology.nodes.find((n) => n.name === 'control')!.url!;
      const drill = await httpJson(`${control}/drills`, {
        body: { kind: 'partition', target: 'pg-primary', ttlSeconds: 8 },
        headers: { Authorization: `Bearer ${topology.adminToken}` },
      });
      assert.equal(drill.status, 201, JSON.stringify(drill.body));
      await new Promise((r) => setTimeout(r, 12_000));
    });

    it('every panel query answers with a number', everyPanelAnswers);

    it('every metric the dashboards and rules use is exported by some node', async () => {
      const names = (
        await httpJson<PromAnswer<string[]>>(`${prometheus()}/api/v1/label/__name__/values`)
      ).body.data;
      const used = new Set(
        dashboards.flatMap((d) => queries(d).flatMap((q) => metricNames(q.expr))),
      );
      for (const name of used)
        assert.ok(names.includes(name), `${name} is not exported by any node`);
    });
  });
});
