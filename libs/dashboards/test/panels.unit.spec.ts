import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allPanels, loadDashboards } from '@faultline/dashboards';
import {
  alignSeries,
  type Dashboard,
  displayValue,
  drillIntervals,
  drillQuery,
  durationSeconds,
  fieldColor,
  fieldConfig,
  formatValue,
  grafanaVariables,
  interpolate,
  isKnownReducer,
  isKnownUnit,
  MIN_STEP_SECONDS,
  noDataText,
  type Panel,
  panelQueries,
  panelWindow,
  queryWindow,
  reduceValues,
  refreshMillis,
  relativeTime,
  SCRAPE_INTERVAL_SECONDS,
  seriesName,
  stateSegments,
} from '@faultline/dashboards/panels';
import { repoRoot } from '@faultline/topology';

const root = repoRoot();
const dashboards = loadDashboards(join(root, 'grafana', 'dashboards'));
const panels = dashboards.flatMap((d) => allPanels(d).map((panel) => ({ dashboard: d, panel })));
const NOW = 1_700_000_000;
const window15m = { start: NOW - 900, end: NOW, step: 5 };

describe('dashboard time', () => {
  it('reads Grafana durations and times relative to now', () => {
    assert.equal(durationSeconds('5s'), 5);
    assert.equal(durationSeconds('15m'), 900);
    assert.equal(durationSeconds('1h'), 3600);
    assert.equal(durationSeconds('500ms'), 0.5);
    assert.equal(relativeTime('now', NOW), NOW);
    assert.equal(relativeTime('now-15m', NOW), NOW - 900);
    assert.throws(() => durationSeconds('soon'), /not a duration/);
    assert.throws(() => relativeTime('2024-01-01', NOW), /not a time relative to now/);
  });

  it('reads every dashboard’s time range and refresh: the last 15 minutes, every 5 s', () => {
    for (const d of dashboards) {
      const { start, end } = queryWindow(d.time, NOW, 1);
      assert.equal(end - start, 900, d.file);
      assert.equal(refreshMillis(d.refresh), 5000, d.file);
    }
    assert.equal(refreshMillis(false), undefined);
    assert.equal(refreshMillis(''), undefined);
  });

  it('queries a panel about one sample a pixel, never finer than the minimum step, on step multiples', () => {
    const time = { from: 'now-15m', to: 'now' };
    assert.equal(panelWindow(time, NOW, 600).step, MIN_STEP_SECONDS);
    assert.equal(panelWindow(time, NOW, 90).step, 10);
    assert.equal(panelWindow(time, NOW, 0).step, 900, 'a panel not laid out yet still queries');
    const w = panelWindow({ from: 'now-1h', to: 'now' }, NOW + 3, 100);
    assert.equal(w.step, 36);
    assert.equal(w.start % 36, 0);
    assert.equal(w.end % 36, 0);
    assert.ok(w.end <= NOW + 3 && w.end > NOW + 3 - 36);
  });
});

describe('panel queries', () => {
  it('replace Grafana’s variables: $__interval by the step, $__rate_interval by Grafana’s rule', () => {
    const vars = grafanaVariables(window15m);
    assert.equal(
      interpolate(
        'rate(x[$__rate_interval]) / $__interval_ms + y[${__interval}] @ $__range_s',
        vars,
      ),
      'rate(x[6s]) / 5000 + y[5s] @ 900',
    );
    assert.equal(grafanaVariables({ start: 0, end: 60, step: 1 }).__rate_interval, '4s');
    assert.equal(interpolate('up{job="$job"}', vars), 'up{job="$job"}', 'unknown: left as written');
  });

  it('build $__rate_interval from the scrape interval Grafana’s datasource is provisioned with', () => {
    const provisioning = readFileSync(
      join(root, 'grafana', 'provisioning', 'datasources', 'faultline.yaml'),
      'utf8',
    );
    const timeInterval = /^\s+timeInterval: (\S+)$/m.exec(provisioning)?.[1];
    assert.ok(timeInterval, 'the Prometheus datasource names its scrape interval');
    assert.equal(durationSeconds(timeInterval), SCRAPE_INTERVAL_SECONDS);
  });

  it('of every panel of the eight dashboards leave no variable unreplaced', () => {
    let count = 0;
    for (const { dashboard, panel } of panels) {
      for (const q of panelQueries(panel, window15m)) {
        assert.doesNotMatch(q.expr, /\$/, `${dashboard.file}: ${panel.title}: ${q.expr}`);
        count++;
      }
    }
    assert.ok(count > 30, `only ${count} queries`);
    for (const d of dashboards) assert.doesNotMatch(drillQuery(d, NOW)!.expr, /\$/, d.file);
  });

  it('are range queries unless a target asks for an instant one (the bar gauge does)', () => {
    const panel: Panel = {
      type: 'bargauge',
      targets: [
        { refId: 'A', expr: 'a', instant: true, range: false },
        { expr: 'b', legendFormat: '{{x}}' },
        { refId: 'C' },
      ],
    };
    assert.deepEqual(panelQueries(panel, window15m), [
      { refId: 'A', expr: 'a', legendFormat: undefined, instant: true },
      { refId: 'B', expr: 'b', legendFormat: '{{x}}', instant: false },
    ]);
    const bargauges = panels.filter((p) => p.panel.type === 'bargauge');
    assert.ok(bargauges.length > 0);
    for (const { panel } of bargauges) assert.ok(panelQueries(panel, window15m)[0]!.instant);
  });
});

describe('series names', () => {
  it('fill the legendFormat from the labels; a missing label gives nothing', () => {
    assert.equal(
      seriesName({ kind: 'partition', target: 'pg-0' }, '{{kind}} {{target}}', 'q'),
      'partition pg-0',
    );
    assert.equal(seriesName({ kind: 'no drills' }, '{{kind}} {{target}}', 'q'), 'no drills');
    assert.equal(seriesName({ service: 'bank' }, '{{ service }} p99', 'q'), 'bank p99');
    assert.equal(seriesName({}, 'HTTP p99', 'q'), 'HTTP p99');
  });

  it('without a legendFormat are the series’ name and labels, or the query when it has neither', () => {
    const labels = { __name__: 'up', job: 'pg', node: 'pg-0' };
    assert.equal(seriesName(labels, undefined, 'q'), 'up{job="pg", node="pg-0"}');
    assert.equal(seriesName({ job: 'pg' }, '__auto', 'q'), '{job="pg"}');
    assert.equal(seriesName({}, undefined, 'sum(up)'), 'sum(up)');
  });
});

describe('units', () => {
  const cases: [number, string | undefined, number | undefined, string][] = [
    [3, undefined, undefined, '3'],
    [0.123456, 'none', undefined, '0.123'],
    [1, 'none', 0, '1'],
    [1500, 'short', undefined, '1.5 k'],
    [42, 'short', undefined, '42'],
    [0.256, 'percentunit', undefined, '25.6%'],
    [0, 'percentunit', undefined, '0%'],
    [0.25, 's', undefined, '250 ms'],
    [0.0004, 's', undefined, '400 µs'],
    [12.5, 's', undefined, '12.5 s'],
    [90, 's', undefined, '1.5 min'],
    [7200, 's', undefined, '2 hour'],
    [0, 's', undefined, '0 s'],
    [250, 'ms', undefined, '250 ms'],
    [1500, 'ms', 1, '1.5 s'],
    [0, 'ms', undefined, '0 ms'],
    [512, 'bytes', undefined, '512 B'],
    [1536, 'bytes', undefined, '1.5 KiB'],
    [3 * 1024 ** 3, 'bytes', undefined, '3 GiB'],
    [2500, 'Bps', undefined, '2.5 kB/s'],
    [12, 'ops', undefined, '12 ops/s'],
    [1_250_000, 'ops', undefined, '1.25 Mops/s'],
    [0.5, 'reqps', undefined, '0.5 req/s'],
    [4200, 'reqps', 1, '4.2 kreq/s'],
    [-1500, 'bytes', undefined, '-1.46 KiB'],
  ];
  for (const [value, unit, decimals, text] of cases) {
    it(`formats ${value} ${unit ?? '(no unit)'}${decimals === undefined ? '' : ` with ${decimals} decimals`} as ${text}`, () =>
      assert.equal(formatValue(value, unit, decimals), text));
  }

  it('know every unit the dashboards use, and refuse one they do not know', () => {
    const used = new Set(panels.map(({ panel }) => panel.fieldConfig?.defaults?.unit));
    for (const unit of used) {
      assert.ok(isKnownUnit(unit), `unit ${unit} is not supported`);
      assert.match(formatValue(1.5, unit), /^\d/);
    }
    assert.ok(used.has('Bps') && used.has('percentunit'), 'the dashboards were read');
    assert.equal(isKnownUnit('furlongs'), false);
    assert.throws(() => formatValue(1, 'furlongs'), /unit "furlongs" is not supported/);
  });
});

describe('values on display', () => {
  const verdict = panels.find((p) => p.panel.title === 'Live checker verdicts')!.panel;
  const verdictField = fieldConfig(verdict, 'bank');

  it('map a checker’s verdict to its text and color', () => {
    assert.deepEqual(displayValue(verdictField, 1, 0), { text: 'valid', color: '#73BF69' });
    assert.deepEqual(displayValue(verdictField, 0, 0), { text: 'INVALID', color: '#F2495C' });
    assert.deepEqual(displayValue(verdictField, -1, 0), { text: 'unknown', color: 'grey' });
  });

  it('color an unmapped value by the threshold it reaches, in its unit', () => {
    const failover = panels.find((p) => p.panel.title?.startsWith('Seconds without'))!.panel;
    const field = fieldConfig(failover, 'pg');
    assert.deepEqual(displayValue(field, 2, 0), { text: '2 s', color: '#73BF69' });
    assert.deepEqual(displayValue(field, 6, 0), { text: '6 s', color: '#FF9830' });
    assert.deepEqual(displayValue(field, 12.5, 0), { text: '12.5 s', color: '#F2495C' });
  });

  it('map by range, with either end open', () => {
    const field = {
      mappings: [
        { type: 'range' as const, options: { from: 10, to: null, result: { text: 'high' } } },
        { type: 'range' as const, options: { to: 0, result: { text: 'none', color: 'blue' } } },
      ],
    };
    assert.equal(displayValue(field, 11, 0).text, 'high');
    assert.deepEqual(displayValue(field, -3, 0), { text: 'none', color: '#5794F2' });
    assert.equal(displayValue(field, 5, 0).text, '5');
  });

  it('give series palette colors in turn, and a byName override its fixed color', () => {
    const commits = panels.find((p) => p.panel.title === 'Payments commits by outcome')!.panel;
    assert.equal(fieldColor(fieldConfig(commits, 'ok'), 0, 3), '#73BF69');
    assert.equal(fieldColor(fieldConfig(commits, 'timeout'), 0, 0), '#F2495C');
    const other = fieldConfig(commits, 'error');
    assert.equal(other.unit, 'ops');
    assert.notEqual(fieldColor(other, 0, 0), fieldColor(other, 0, 1));
    const custom = fieldConfig(
      {
        type: 'timeseries',
        fieldConfig: {
          defaults: { custom: { lineWidth: 1 } },
          overrides: [
            {
              matcher: { id: 'byName', options: 'a' },
              properties: [{ id: 'custom.lineWidth', value: 3 }],
            },
          ],
        },
      },
      'a',
    );
    assert.deepEqual(custom.custom, { lineWidth: 3 });
  });

  it('say what no data means: the panel’s noValue, else 0 or "no events"', () => {
    assert.equal(noDataText(verdict), 'no verdict yet');
    assert.equal(noDataText({ type: 'stat' }), '0');
    assert.equal(noDataText({ type: 'bargauge' }), '0');
    assert.equal(noDataText({ type: 'timeseries' }), 'no events');
    assert.equal(noDataText({ type: 'state-timeline' }), 'no events');
  });

  it('reduce a series the way every stat and bar gauge of the dashboards asks', () => {
    assert.equal(reduceValues([1, 2, null]), 2);
    assert.equal(reduceValues([1, 2, null], ['last']), null);
    assert.equal(reduceValues([3, null, 1], ['max']), 3);
    assert.equal(reduceValues([null, null]), null);
    assert.throws(() => reduceValues([1], ['median']), /reducer "median"/);
    for (const { panel } of panels)
      for (const calc of panel.options?.reduceOptions?.calcs ?? [])
        assert.ok(isKnownReducer(calc), `${panel.title}: ${calc}`);
  });
});

describe('series on a time axis', () => {
  it('align on the window’s steps, null where a sample is missing or not a number', () => {
    const data = alignSeries(
      [
        {
          metric: { a: '1' },
          values: [
            [100, '1'],
            [110, '2.5'],
            [115, 'NaN'],
          ],
        },
        {
          metric: { a: '2' },
          values: [
            [105, '+Inf'],
            [110, '-3'],
            [200, '9'],
          ],
        },
      ],
      { start: 100, end: 115, step: 5 },
    );
    assert.deepEqual(data, [
      [100, 105, 110, 115],
      [1, null, 2.5, null],
      [null, null, -3, null],
    ]);
  });

  it('become states: equal neighbours merge, each holding a step, a null leaves a gap', () => {
    const times = [0, 5, 10, 15, 20, 25];
    assert.deepEqual(stateSegments(times, [1, 1, 0, null, 0, 0], 5), [
      { from: 0, to: 10, value: 1 },
      { from: 10, to: 15, value: 0 },
      { from: 20, to: 30, value: 0 },
    ]);
    assert.deepEqual(stateSegments(times, [null, null, null, null, null, null], 5), []);
  });
});

describe('drills', () => {
  const dashboard = dashboards.find((d) => d.uid === 'faultline-cap-overview')!;

  it('are queried from each dashboard’s "Drills" annotation, over its time range by its step', () => {
    for (const d of dashboards) {
      const query = drillQuery(d, NOW)!;
      assert.equal(query.expr, 'faultline_drill_active == 1', d.file);
      assert.equal(query.window.step, 5);
      assert.equal(query.window.end - query.window.start, 900);
    }
    const without: Dashboard = { ...dashboard, annotations: { list: [] } };
    assert.equal(drillQuery(without, NOW), undefined);
  });

  it('become intervals: active samples a step apart join, a longer gap starts another', () => {
    const { annotation } = drillQuery(dashboard, NOW)!;
    const intervals = drillIntervals(
      [
        {
          metric: { __name__: 'faultline_drill_active', kind: 'partition', target: 'pg-primary' },
          values: [
            [100, '1'],
            [105, '1'],
            [110, '1'],
            [130, '1'],
            [135, '1'],
          ],
        },
        {
          metric: { kind: 'latency', target: 'redis-1' },
          values: [
            [90, '1'],
            [95, '0'],
            [100, 'NaN'],
          ],
        },
      ],
      annotation,
      5,
    );
    assert.deepEqual(intervals, [
      { from: 90, to: 90, title: 'latency redis-1', text: 'drill active' },
      { from: 100, to: 110, title: 'partition pg-primary', text: 'drill active' },
      { from: 130, to: 135, title: 'partition pg-primary', text: 'drill active' },
    ]);
    assert.deepEqual(drillIntervals([], annotation, 5), []);
  });
});
