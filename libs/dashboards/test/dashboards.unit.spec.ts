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
import { fieldConfig, seriesName } from '@faultline/dashboards/panels';
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
  it('are the eight the product promises, each with a unique uid', () => {
    assert.deepEqual(dashboards.map((d) => d.uid).sort(), [
      'faultline-cap-overview',
      'faultline-clocks-ordering',
      'faultline-consensus',
      'faultline-drills-network',
      'faultline-quorum',
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

describe('the Quorum dashboard', () => {
  const quorum = dashboards.find((d) => d.uid === 'faultline-quorum')!;
  const targets = allPanels(quorum).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel, target, expr: target.expr ?? '' })),
  );

  it('shows every metric of the ring the catalogue lists', () => {
    const ring = [...catalogue(readme)].filter((n) => n.startsWith('faultline_cassandra_'));
    assert.ok(ring.length > 0, 'the catalogue lists no faultline_cassandra_ metric');
    const used = new Set(targets.flatMap(({ expr }) => metricNames(expr)));
    for (const name of ring) assert.ok(used.has(name), `${name} is not on the dashboard`);
  });

  it('splits each metric by what it is about, and names every such label in the legend', () => {
    const splits: Record<string, string[]> = {
      faultline_cassandra_phi: ['node', 'peer'],
      faultline_cassandra_members: ['node', 'state'],
      faultline_cassandra_hints_written_total: ['node'],
      faultline_cassandra_hints_dispatched_total: ['node'],
      faultline_cassandra_hints_in_progress: ['node'],
      faultline_cassandra_read_repairs_total: ['kind'],
      faultline_cassandra_client_request_failures_total: ['request', 'reason'],
      faultline_cassandra_ownership_ratio: ['node'],
      faultline_http_server_duration_seconds_count: ['node'],
    };
    for (const [name, labels] of Object.entries(splits)) {
      // A fallback (`or 0 * …`) may borrow another metric; the series are the first term's.
      const uses = targets.filter(({ expr }) => metricNames(expr.split(' or ')[0]!).includes(name));
      assert.ok(uses.length > 0, `no query of ${name}`);
      for (const { panel, target, expr } of uses) {
        assert.match(expr, new RegExp(`by \\(${labels.join(', ')}\\)`), `${panel.title}: ${expr}`);
        for (const label of labels)
          assert.ok(
            target.legendFormat?.includes(`{{${label}}}`),
            `${panel.title}: no {{${label}}}`,
          );
      }
    }
  });

  it('draws the convict threshold as a line of its own over the peers’ phi', () => {
    const phi = targets.filter(({ expr }) => metricNames(expr).includes('faultline_cassandra_phi'));
    assert.equal(phi.length, 1);
    const { panel } = phi[0]!;
    const threshold = panel.targets?.find((t) =>
      metricNames(t.expr ?? '').includes('faultline_cassandra_phi_convict_threshold'),
    );
    assert.ok(threshold, 'the phi panel has no convict threshold');
    const field = fieldConfig(panel, seriesName({}, threshold.legendFormat, threshold.expr!));
    assert.equal(field.color?.mode, 'fixed');
    assert.equal(field.custom?.fillOpacity, 0);
    assert.notEqual(fieldConfig(panel, 'cassandra-0 sees cassandra-1').color?.mode, 'fixed');
  });

  it('shows only the carts’ requests, and a 5xx rate of 0 rather than nothing while there are none', () => {
    const carts = targets.filter(({ expr }) =>
      metricNames(expr).includes('faultline_http_server_duration_seconds_count'),
    );
    assert.equal(carts.length, 2);
    // Every selector of the series, braces or none, picks the carts.
    for (const { expr } of carts)
      for (const [, labels] of expr.matchAll(
        /faultline_http_server_duration_seconds_count(\{[^}]*\})?/g,
      ))
        assert.match(labels ?? '', /service="carts"/, expr);
    assert.ok(carts.some(({ expr }) => /status=~"5\.\."[^]* or \(0 \* /.test(expr)));
  });
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
