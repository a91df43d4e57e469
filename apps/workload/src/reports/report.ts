import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '@faultline/contracts';
import type { Op } from '@faultline/history';
import { SERVICE_OF_FUNCTION } from '../clients/operation';
import { FINAL_PROCESS } from '../final/final-reads';

/** Every report in `dir`, newest first. */
export function readReports(dir: string): Report[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Report)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

const formatSettings = (settings: Report['settings'] | undefined): string =>
  Object.entries(settings ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join(' ') || 'settings not recorded';

/** Each checker's anomalies in this run and the previous one of the scenario, side by side. */
function comparison(report: Report): string[] {
  const previous = report.previous;
  if (!previous) return [];
  const rows = report.results.flatMap((r) => {
    const kinds = new Set([
      ...Object.keys(r.anomalies),
      ...Object.keys(previous.anomalies[r.checker] ?? {}),
    ]);
    return [...kinds].map(
      (kind) =>
        `| ${r.checker} | ${kind} | ${previous.anomalies[r.checker]?.[kind] ?? 0} | ${r.anomalies[kind] ?? 0} |`,
    );
  });
  return [
    '## Compared with the previous run',
    '',
    `Previous: run ${previous.id} (${previous.startedAt}), ${previous.verdict}, ${formatSettings(previous.settings)}. ` +
      `This run: ${formatSettings(report.settings)}.`,
    '',
    '| checker | anomaly | previous run | this run |',
    '|---------|---------|--------------|----------|',
    ...(rows.length ? rows : ['| - | none in either run | 0 | 0 |']),
    '',
  ];
}

function outcomes(history: readonly Op[]): Report['services'] {
  const services: Report['services'] = {};
  for (const op of history) {
    const service = SERVICE_OF_FUNCTION[op.f];
    if (!service || op.type === 'invoke' || op.process === FINAL_PROCESS) continue;
    const s = (services[service] ??= { ok: 0, fail: 0, info: 0, availability: 0 });
    s[op.type] += 1;
  }
  for (const s of Object.values(services)) {
    const total = s.ok + s.fail + s.info;
    s.availability = total === 0 ? 0 : Math.round((s.ok / total) * 1000) / 1000;
  }
  return services;
}

const VERDICT_LINE: Record<string, string> = {
  bank: 'the bank total is conserved and no balance went negative',
  payments: 'every acknowledged payment exists once; indeterminate ones resolved',
  staleness: 'reads are as fresh as the catalog promises',
  'lost-updates': 'no causally later write lost to an earlier one',
  'lost-writes': 'every acknowledged catalog write is kept (none vanishes with a demoted primary)',
  saga: 'every accepted order ends confirmed or cancelled; stock and money moved for the confirmed ones only, each charged once',
  'cart-staleness':
    'a read sees every add acknowledged before it when W + R > N (ONE/ONE may miss some: reported, the cost of W + R ≤ N)',
  'cart-convergence':
    'after heal every replica holds every acknowledged add (hints and repair), within the limit',
  'cart-lww':
    'a replace acknowledged later is not lost to an earlier one (last-write-wins by timestamp)',
  'lock-safety':
    'mutual exclusion: no entry lands after one written under a later grant of the lock (a stale holder’s write); refused writes are reported',
  'raft-majority':
    'no write through a member cut off from the majority is acknowledged; the time to elect a new leader and the write gap are reported',
  'register-linearizability':
    'every register read and write fits one order consistent with real time (Wing & Gong / Lowe search, as Knossos and Porcupine)',
};

/** The run's seed, and the command that replays its operations and drill schedule. */
const replay = ({ seed, scenario, settings }: Report): string[] =>
  seed === undefined
    ? []
    : [
        `Seed ${seed}: replay this run with \`faultline scenario run ${scenario} --seed ${seed}${
          settings.LOCK === undefined ? '' : ` --lock ${settings.LOCK}`
        }\`.`,
        '',
      ];

/** The distinct trace ids of an example's ops, in order, as a line; none when it has none. */
function traces(example: readonly Op[]): string[] {
  const ids = [...new Set(example.flatMap((op) => (op.trace === undefined ? [] : [op.trace])))];
  return ids.length ? [`Traces: ${ids.map((id) => `\`${id}\``).join(', ')}`, ''] : [];
}

/** The report as a lesson: what each service's clients saw, the verdicts, one example per anomaly. */
export function renderMarkdown(report: Report): string {
  const lines = [
    `# ${report.scenario}: ${report.verdict.toUpperCase()}`,
    '',
    report.lesson,
    '',
    `Run ${report.id}, ${report.startedAt} – ${report.endedAt} (${report.durationSeconds} s), ${formatSettings(report.settings)}. Drills: ${report.drills
      .map((d) => `${d.kind} ${d.target}${d.params ? ` ${JSON.stringify(d.params)}` : ''}`)
      .join('; ')}.`,
    '',
    ...replay(report),
    '## What the clients saw',
    '',
    '| service | ok | fail | indeterminate | availability |',
    '|---------|----|------|---------------|--------------|',
    ...Object.entries(report.services).map(
      ([name, s]) =>
        `| ${name} | ${s.ok} | ${s.fail} | ${s.info} | ${(s.availability * 100).toFixed(1)} % |`,
    ),
    '',
    '## Verdicts',
    '',
  ];
  for (const result of report.results) {
    const valid = result.valid === true ? 'valid' : result.valid === false ? 'INVALID' : 'unknown';
    lines.push(
      `### ${result.checker}: ${valid}`,
      '',
      `Promise: ${VERDICT_LINE[result.checker] ?? result.checker}.`,
      '',
    );
    const anomalies = Object.entries(result.anomalies);
    lines.push(
      anomalies.length
        ? `Anomalies: ${anomalies.map(([a, n]) => `${a} × ${n}`).join(', ')}.`
        : 'No anomalies.',
      '',
    );
    lines.push(`Stats: \`${JSON.stringify(result.stats)}\``, '');
    const example = result.examples?.[0];
    if (example)
      lines.push(
        'Example:',
        '',
        '```json',
        ...example.map((op) => JSON.stringify(op)),
        '```',
        '',
        ...traces(example),
      );
  }
  lines.push(...comparison(report));
  return `${lines.join('\n')}\n`;
}

export function writeReport(
  dir: string,
  run: Omit<Report, 'services' | 'historyFile' | 'previous'> & { history: readonly Op[] },
): Report {
  mkdirSync(dir, { recursive: true });
  const { history, ...rest } = run;
  const before = readReports(dir).find((r) => r.scenario === run.scenario && r.id !== run.id);
  const report: Report = {
    ...rest,
    services: outcomes(history),
    historyFile: join(dir, `${run.id}.history.jsonl`),
    ...(before
      ? {
          previous: {
            id: before.id,
            startedAt: before.startedAt,
            verdict: before.verdict,
            settings: before.settings,
            anomalies: Object.fromEntries(before.results.map((r) => [r.checker, r.anomalies])),
          },
        }
      : {}),
  };
  writeFileSync(join(dir, `${run.id}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `${run.id}.md`), renderMarkdown(report));
  return report;
}
