import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allPanels, type Dashboard } from './panels/model';

export { allPanels, type Dashboard, type Panel } from './panels/model';

/** A dashboard file: its name and its text. */
export interface DashboardText {
  file: string;
  json: string;
}

/** The dashboard files of a directory (grafana/dashboards), by name. */
export function dashboardTexts(dir: string): DashboardText[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: readFileSync(join(dir, file), 'utf8') }));
}

/** Every dashboard in grafana/dashboards, parsed (a file that is not JSON throws, naming it). */
export function loadDashboards(dir: string): Dashboard[] {
  return dashboardTexts(dir).map(({ file, json }) => {
    try {
      return { ...(JSON.parse(json) as Omit<Dashboard, 'file'>), file };
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
  });
}

/** Every PromQL expression of a dashboard: its panels' targets and its annotations. */
export function queries(dashboard: Dashboard): { where: string; expr: string }[] {
  const fromPanels = allPanels(dashboard).flatMap((p) =>
    (p.targets ?? [])
      .filter((t) => t.expr)
      .map((t) => ({ where: `${dashboard.file}: ${p.title}`, expr: t.expr! })),
  );
  const fromAnnotations = (dashboard.annotations?.list ?? [])
    .filter((a) => a.expr)
    .map((a) => ({ where: `${dashboard.file}: annotation`, expr: a.expr! }));
  return [...fromPanels, ...fromAnnotations];
}

/** Every datasource uid a dashboard refers to. */
export function datasourceUids(dashboard: Dashboard): string[] {
  const uids = allPanels(dashboard).flatMap((p) => [
    p.datasource?.uid,
    ...(p.targets ?? []).map((t) => t.datasource?.uid),
  ]);
  const annotations = (dashboard.annotations?.list ?? []).map((a) => a.datasource?.uid);
  return [
    ...new Set(
      [...uids, ...annotations].filter(
        (u): u is string => typeof u === 'string' && !u.startsWith('-- '),
      ),
    ),
  ];
}

const METRIC = /\b((?:faultline|toxiproxy)_[a-z0-9_]+)\b/g;

/** The project's metric names a PromQL expression (or rule) uses, as written. */
export function metricNames(expr: string): string[] {
  return [...new Set([...expr.matchAll(METRIC)].map((m) => m[1]!))];
}

/** A histogram's series name without its _bucket/_count/_sum suffix: how the catalogue names it. */
export const catalogueName = (name: string): string => name.replace(/_(bucket|count|sum)$/, '');

/** The metric names the README's catalogue lists (table rows starting with a faultline_ name). */
export function catalogue(readme: string): Set<string> {
  return new Set([...readme.matchAll(/^\| `(faultline_[a-z0-9_]+)`/gm)].map((m) => m[1]!));
}
