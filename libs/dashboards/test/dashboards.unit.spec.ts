import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  allPanels,
  catalogue,
  catalogueName,
  datasourceUids,
  loadDashboards,
  metricNames,
  queries,
} from '@faultline/dashboards';
import { repoRoot, rulesDir } from '@faultline/topology';

const root = repoRoot();
const dashboards = loadDashboards(join(root, 'grafana', 'dashboards'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const rules = readFileSync(join(rulesDir(), 'faultline.rules.yml'), 'utf8');

/** The datasource uids the provisioning defines. */
const provisionedUids = [
  ...readFileSync(
    join(root, 'grafana', 'provisioning', 'datasources', 'faultline.yaml'),
    'utf8',
  ).matchAll(/^\s+uid: (\S+)$/gm),
].map((m) => m[1]);

describe('Grafana dashboards', () => {
  it('are the six the product promises, each with a unique uid', () => {
    assert.deepEqual(dashboards.map((d) => d.uid).sort(), [
      'faultline-cap-overview',
      'faultline-clocks-ordering',
      'faultline-drills-network',
      'faultline-replication',
      'faultline-saga-kafka',
      'faultline-services',
    ]);
  });

  for (const dashboard of dashboards) {
    describe(dashboard.file, () => {
      it('gives every panel a title and a description, and starts with a text panel', () => {
        const panels = allPanels(dashboard);
        assert.ok(panels.length > 1);
        assert.equal(panels[0]!.type, 'text', 'the first panel says what to look at');
        for (const panel of panels) {
          assert.ok(panel.title?.trim(), `panel ${panel.id} has no title`);
          assert.ok(panel.description?.trim(), `panel "${panel.title}" has no description`);
        }
      });

      it('says on every stat panel what no data means (noValue), not an empty frame', () => {
        for (const panel of allPanels(dashboard).filter((p) => p.type === 'stat'))
          assert.ok(panel.fieldConfig?.defaults?.noValue, `panel "${panel.title}" has no noValue`);
      });

      it('uses only the datasources the provisioning defines', () => {
        for (const uid of datasourceUids(dashboard))
          assert.ok(provisionedUids.includes(uid), `unknown datasource uid ${uid}`);
      });

      it('shows drills as annotations', () => {
        assert.ok(
          (dashboard.annotations?.list ?? []).some((a) =>
            a.expr?.includes('faultline_drill_active'),
          ),
        );
      });

      it('uses only metrics from the README catalogue (or Toxiproxy’s own)', () => {
        const known = catalogue(readme);
        for (const { where, expr } of queries(dashboard)) {
          for (const name of metricNames(expr)) {
            if (name.startsWith('toxiproxy_proxy_')) continue;
            assert.ok(
              known.has(catalogueName(name)),
              `${where}: ${name} is not in the README's metric catalogue`,
            );
          }
        }
      });
    });
  }
});

describe('Prometheus alerting rules', () => {
  it('pass promtool check and their unit tests, which test every alert', () => {
    const alerts = [
      ...readFileSync(join(rulesDir(), 'faultline.rules.yml'), 'utf8').matchAll(/- alert: (\w+)/g),
    ].map((m) => m[1]!);
    assert.match(
      execFileSync('promtool', ['check', 'rules', 'faultline.rules.yml'], {
        cwd: rulesDir(),
        encoding: 'utf8',
      }),
      new RegExp(`SUCCESS: ${alerts.length} rules found`),
    );
    const tests = readFileSync(join(rulesDir(), 'faultline.rules.test.yml'), 'utf8');
    for (const alert of alerts) assert.match(tests, new RegExp(`alertname: ${alert}\\b`), alert);
    assert.match(
      execFileSync('promtool', ['test', 'rules', 'faultline.rules.test.yml'], {
        cwd: rulesDir(),
        encoding: 'utf8',
      }),
      /SUCCESS/,
    );
  });

  it('use only metrics from the README catalogue', () => {
    const known = catalogue(readme);
    for (const name of metricNames(rules))
      assert.ok(known.has(catalogueName(name)), `${name} is not in the catalogue`);
  });
});
