import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDashboards, queries } from '@faultline/dashboards';
import { repoRoot } from '@faultline/topology';
import { EVAL_TIME, QUIET_PLAYGROUND, STEP } from './quiet-playground';

const dashboards = loadDashboards(join(repoRoot(), 'grafana', 'dashboards'));
const all = dashboards.flatMap(queries);
const panelQueries = all.filter((q) => !q.where.endsWith('annotation'));

const work = mkdtempSync(join(tmpdir(), 'faultline-panel-queries-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs promtool on a file it reads as YAML (JSON is YAML), in a scratch directory. */
function promtool(command: string[], file: string, content: unknown) {
  writeFileSync(join(work, file), JSON.stringify(content, null, 2));
  const run = spawnSync('promtool', [...command, file], { cwd: work, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** 1 when `expr` answers with at least one number (NaN draws nothing, like no series), else 0. */
const answersANumber = (expr: string) =>
  `(count((${expr}) == (${expr})) > bool 0) or on() vector(0)`;

describe('dashboard queries', () => {
  it('are valid PromQL (promtool check rules, one recording rule per query)', () => {
    const rules = all.map((q, i) => ({ record: `dashboard_query_${i}`, expr: q.expr }));
    const check = promtool(['check', 'rules'], 'queries.rules.json', {
      groups: [{ name: 'dashboard-queries', rules }],
    });
    assert.ok(check.ok, check.output);
    assert.match(check.output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it('answer with a number in a quiet playground: no drill yet, no 5xx, no stale read, no failover', () => {
    const test = promtool(['test', 'rules'], 'quiet.test.json', {
      rule_files: [],
      evaluation_interval: STEP,
      tests: [
        {
          interval: STEP,
          input_series: QUIET_PLAYGROUND,
          promql_expr_test: panelQueries.map((q) => ({
            expr: answersANumber(q.expr),
            eval_time: EVAL_TIME,
            exp_samples: [{ labels: '{}', value: 1 }],
          })),
        },
      ],
    });
    const silent = panelQueries
      .filter((q) => test.output.includes(JSON.stringify(answersANumber(q.expr))))
      .map((q) => `${q.where}: ${q.expr}`);
    assert.deepEqual(silent, [], test.output);
    assert.ok(test.ok, test.output);
  });
});
