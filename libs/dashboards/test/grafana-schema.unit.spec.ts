import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dashboardTexts } from '@faultline/dashboards';
import { repoRoot } from '@faultline/topology';
import { grafanaTypeErrors, gridErrors } from '../src/grafana-schema';

const files = dashboardTexts(join(repoRoot(), 'grafana', 'dashboards'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fixture reaches into raw JSON
type RawDashboard = any;

/** A fixture: a real dashboard (services.json), parsed afresh, then broken by `mutate`. */
function broken(mutate: (dashboard: RawDashboard) => void): RawDashboard {
  const dashboard = JSON.parse(files.find((f) => f.file === 'services.json')!.json);
  mutate(dashboard);
  return dashboard;
}

describe('dashboards against Grafana’s published types', () => {
  it('type-check as Grafana dashboard files (@grafana/grafana-foundation-sdk)', () => {
    assert.deepEqual(
      Object.fromEntries(grafanaTypeErrors(files)),
      Object.fromEntries(files.map((f) => [f.file, []])),
    );
  });

  it('sit on Grafana’s grid: no overlap, unique ids and refIds, queries on the panel’s datasource', () => {
    for (const { file, json } of files)
      assert.deepEqual(gridErrors({ ...JSON.parse(json), file }), [], file);
  });

  describe('a broken dashboard fails', () => {
    // panels[1] of services.json is a Prometheus time series ("Request rate per service").
    const typeCases: [string, (d: RawDashboard) => void, RegExp][] = [
      ['a panel without gridPos', (d) => delete d.panels[1].gridPos, /'gridPos' is missing/],
      [
        'a gridPos width as a string',
        (d) => (d.panels[1].gridPos.w = '12'),
        /Type 'string' is not assignable to type 'number'/,
      ],
      [
        'a panel without a type',
        (d) => delete d.panels[1].type,
        /'type' is missing|does not exist in type/,
      ],
      ['a panel plugin Grafana no longer has', (d) => (d.panels[1].type = 'graph'), /"graph"/],
      [
        'a legend display mode Grafana does not have',
        (d) => (d.panels[1].options.legend.displayMode = 'grid'),
        /Type '"grid"' is not assignable/,
      ],
      [
        'a misspelt field',
        (d) => (d.panels[1].fieldConfig.defaults.unti = 'reqps'),
        /'"unti"' does not exist/,
      ],
      [
        'a query without its PromQL',
        (d) => delete d.panels[1].targets[0].expr,
        /'expr' is missing/,
      ],
      ['a query without a refId', (d) => delete d.panels[1].targets[0].refId, /'refId' is missing/],
      [
        'a datasource given by name, not as a reference',
        (d) => (d.panels[1].datasource = 'prometheus'),
        /Type 'string' has no properties in common with type '{ type\?: string/,
      ],
      ['no schemaVersion', (d) => delete d.schemaVersion, /'schemaVersion' is missing/],
      [
        'a value mapping of a type Grafana does not have',
        (d) => (d.panels[1].fieldConfig.defaults.mappings = [{ type: 'values', options: {} }]),
        /"values"/,
      ],
    ];
    const errors = grafanaTypeErrors(
      typeCases.map(([name, mutate]) => ({
        file: name,
        json: JSON.stringify(broken(mutate), null, 2),
      })),
    );
    for (const [name, , expected] of typeCases)
      it(`by type: ${name}`, () => {
        const found = errors.get(name)!;
        assert.ok(found.length > 0, 'no error');
        assert.match(found.join('\n'), expected);
      });

    const gridCases: [string, (d: RawDashboard) => void, RegExp][] = [
      [
        'two panels on one spot',
        (d) => (d.panels[2].gridPos = { ...d.panels[1].gridPos, x: 6 }),
        /panel "Request rate per service" overlaps panel "5xx error rate per service"/,
      ],
      ['a panel past column 24', (d) => (d.panels[2].gridPos.w = 13), /ends at column 25/],
      [
        'a panel id used twice',
        (d) => (d.panels[2].id = d.panels[1].id),
        /panel id 2 is used twice/,
      ],
      [
        'a refId used twice in a panel',
        (d) => (d.panels[3].targets[1].refId = 'A'),
        /refId A is used twice/,
      ],
      [
        'a query on another datasource than its panel',
        (d) => (d.panels[1].targets[0].datasource = { type: 'tempo', uid: 'tempo' }),
        /query A is on datasource tempo, the panel on prometheus/,
      ],
    ];
    for (const [name, mutate, expected] of gridCases)
      it(`by the grid: ${name}`, () => {
        assert.match(gridErrors({ ...broken(mutate), file: name }).join('\n'), expected);
      });
  });
});
