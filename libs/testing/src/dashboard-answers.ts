import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDashboards, queries } from '@faultline/dashboards';
import { repoRoot } from '@faultline/topology';
import { eventually } from './eventually';
import { httpJson } from './http-client';

/**
 * Asks a live Prometheus every panel query of the dashboard `uid` (grafana/dashboards), and
 * fails unless each answers with a number within `withinMs`.
 */
export async function assertPanelsAnswer(
  prometheus: string,
  uid: string,
  withinMs = 20_000,
): Promise<void> {
  const [dashboard] = loadDashboards(join(repoRoot(), 'grafana', 'dashboards')).filter(
    (d) => d.uid === uid,
  );
  assert.ok(dashboard, `grafana/dashboards has the dashboard ${uid}`);
  for (const { where, expr } of queries(dashboard).filter((q) => !q.where.endsWith('annotation'))) {
    await eventually(async () => {
      const answer = await httpJson<{ data: { result: { value: [number, string] }[] } }>(
        `${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      assert.ok(
        answer.body.data.result.some((s) => Number.isFinite(Number(s.value[1]))),
        `${where}: no number for ${expr}`,
      );
    }, withinMs);
  }
}
