/**
 * Holding dashboard files to what a real Grafana loads, without one: their JSON type-checked
 * against Grafana's published types (grafana-json.ts), and the grid rules those types cannot say.
 * Test-time only (it runs the TypeScript compiler), so the package index does not export it.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '@faultline/topology';
import { allPanels, type Dashboard, type DashboardText, type Panel } from './dashboards';

const dashboardFileTypes = (): string =>
  join(repoRoot(), 'libs', 'dashboards', 'src', 'grafana-json.ts');

/** The lines put before a file's JSON in the checked source (its line n is the source's n + 2). */
const PRELUDE = ["import type { DashboardFile } from './grafana-json';", 'export default ('];

/**
 * Type-checks each file's JSON as a `DashboardFile` literal (`satisfies`, so a misspelt or unknown
 * field fails as well as a wrong type), and returns each file's errors as `line: message`.
 */
export function grafanaTypeErrors(files: DashboardText[]): Map<string, string[]> {
  const types = dashboardFileTypes();
  const checked = files.map((f, i) => ({
    file: f.file,
    path: join(dirname(types), `grafana-check-${i}.ts`),
    text: [...PRELUDE, f.json, ') satisfies DashboardFile;', ''].join('\n'),
  }));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: [],
  };
  // The checked sources exist only in memory, beside grafana-json.ts for their import.
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  const inMemory = (name: string) => checked.find((c) => c.path === name)?.text;
  host.fileExists = (name) => inMemory(name) !== undefined || fileExists(name);
  host.readFile = (name) => inMemory(name) ?? readFile(name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = inMemory(name);
    return text === undefined
      ? getSourceFile(name, version, ...rest)
      : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram(
    checked.map((c) => c.path),
    options,
    host,
  );

  // Types that do not compile (a module the SDK no longer has) would check nothing: refuse.
  const typesSource = program.getSourceFile(types);
  if (!typesSource) throw new Error(`${types} is not in the program`);
  const broken = ts.getPreEmitDiagnostics(program, typesSource);
  if (broken.length > 0)
    throw new Error(`${types} does not compile:\n${broken.map((d) => withLine(d)).join('\n')}`);

  return new Map(
    checked.map(({ file, path }) => [
      file,
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(path))
        .map((d) => withLine(d, PRELUDE.length)),
    ]),
  );
}

/** A diagnostic's message after its line (less the `skipped` lines put before a file's JSON). */
function withLine(diagnostic: ts.Diagnostic, skipped = 0): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${line + 1 - skipped}: ${message}`;
}

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

/**
 * What the types cannot say but Grafana relies on: each panel on the 24-column grid and
 * overlapping none (Grafana would move it), unique panel ids and query refIds, and each query
 * on its panel's datasource (a panel that is not "Mixed" runs all its queries on its own).
 */
export function gridErrors(dashboard: Dashboard): string[] {
  const panels = allPanels(dashboard);
  const name = (panel: Panel) => `panel "${panel.title}"`;
  const errors = duplicates(panels.map((p) => p.id)).map((id) => `panel id ${id} is used twice`);

  const placed = panels.filter((p) => p.gridPos);
  for (const [i, panel] of placed.entries()) {
    const { x, y, w, h } = panel.gridPos!;
    if (![x, y, w, h].every(Number.isInteger) || x < 0 || y < 0 || w < 1 || h < 1)
      errors.push(`${name(panel)}: gridPos ${JSON.stringify(panel.gridPos)} is not on the grid`);
    else if (x + w > GRID_COLUMNS)
      errors.push(`${name(panel)}: ends at column ${x + w}, past the grid's ${GRID_COLUMNS}`);
    for (const other of placed.slice(i + 1)) {
      const o = other.gridPos!;
      if (x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h)
        errors.push(`${name(panel)} overlaps ${name(other)}`);
    }
  }

  for (const panel of panels) {
    const targets = panel.targets ?? [];
    for (const refId of duplicates(targets.map((t) => t.refId)))
      errors.push(`${name(panel)}: refId ${refId} is used twice`);
    for (const target of targets.filter((t) => t.datasource?.uid !== panel.datasource?.uid))
      errors.push(
        `${name(panel)}: query ${target.refId} is on datasource ${target.datasource?.uid}, the panel on ${panel.datasource?.uid}`,
      );
  }
  return errors;
}

const duplicates = <T>(values: T[]): T[] => [
  ...new Set(values.filter((v, i) => values.indexOf(v) !== i)),
];
