import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckerResult, Op, Verdict } from '@faultline/history';
import { SERVICE_OF_FUNCTION } from '../clients/operation';
import type { ScenarioDrill } from '../scenarios/scenarios';

/** What each service's clients saw: completions by type, and the share answered ok. */
export interface ServiceOutcomes {
  ok: number;
  fail: number;
  info: number;
  availability: number;
}

export interface Report {
  id: string;
  scenario: string;
  lesson: string;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  drills: ScenarioDrill[];
  verdict: Verdict;
  results: CheckerResult[];
  services: Record<'payments' | 'catalog' | 'orders', ServiceOutcomes>;
  historyFile: string;
}

function outcomes(history: readonly Op[]): Report['services'] {
  const services = {
    payments: { ok: 0, fail: 0, info: 0, availability: 0 },
    catalog: { ok: 0, fail: 0, info: 0, availability: 0 },
    orders: { ok: 0, fail: 0, info: 0, availability: 0 },
  };
  for (const op of history) {
    const service = SERVICE_OF_FUNCTION[op.f];
    if (!service || op.type === 'invoke' || op.process === 'final') continue;
    services[service][op.type] += 1;
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
  saga: 'every accepted order ends confirmed or cancelled; stock and money moved for the confirmed ones only, each charged once',
};

/** The report as a lesson: what each service's clients saw, the verdicts, one example per anomaly. */
export function renderMarkdown(report: Report): string {
  const lines = [
    `# ${report.scenario}: ${report.verdict.toUpperCase()}`,
    '',
    report.lesson,
    '',
    `Run ${report.id}, ${report.startedAt} – ${report.endedAt} (${report.durationSeconds} s). Drills: ${report.drills
      .map((d) => `${d.kind} ${d.target}${d.params ? ` ${JSON.stringify(d.params)}` : ''}`)
      .join('; ')}.`,
    '',
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
      lines.push('Example:', '', '```json', ...example.map((op) => JSON.stringify(op)), '```', '');
  }
  return `${lines.join('\n')}\n`;
}

export function writeReport(
  dir: string,
  run: Omit<Report, 'services' | 'historyFile'> & { history: readonly Op[] },
): Report {
  mkdirSync(dir, { recursive: true });
  const { history, ...rest } = run;
  const report: Report = {
    ...rest,
    services: outcomes(history),
    historyFile: join(dir, `${run.id}.history.jsonl`),
  };
  writeFileSync(join(dir, `${run.id}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `${run.id}.md`), renderMarkdown(report));
  return report;
}
