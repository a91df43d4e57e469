import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlClient } from '../control-client';

interface RunView {
  id: string;
  scenario: string;
  phase: string;
  ops: number;
  error?: string;
  verdict?: 'valid' | 'invalid' | 'unknown';
}

/** A report: its Markdown for people, or the whole JSON with --json. */
async function printReport(control: ControlClient, id: string, json: boolean): Promise<void> {
  const report = await control.request<{ markdown?: string }>('GET', `/reports/${id}`);
  console.log(
    json ? JSON.stringify(report, null, 2) : (report.markdown ?? JSON.stringify(report, null, 2)),
  );
}

/** Exit codes as Maelstrom's: 0 every checker valid, 1 any invalid (or the run failed), 2 unknown. */
const EXIT_CODE = { valid: 0, invalid: 1, unknown: 2 } as const;

/**
 * `faultline scenario run <name>`: starts the run through control, shows its progress,
 * then prints the report (Markdown, or JSON with --json).
 */
export async function scenarioRunCommand(
  control: ControlClient,
  scenario: string,
  durationSeconds: number | undefined,
  json: boolean,
): Promise<number> {
  let run = await control.request<RunView>('POST', '/runs', {
    scenario,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  });
  if (!json) console.log(`run ${run.id}: ${scenario}`);
  let phase = '';
  while (run.phase !== 'done' && run.phase !== 'failed') {
    if (!json && run.phase !== phase)
      console.log(`  … ${run.phase} (${run.ops} operations so far)`);
    phase = run.phase;
    await sleep(2_000);
    run = await control.request<RunView>('GET', `/runs/${run.id}`);
  }
  if (run.phase === 'failed') {
    console.error(`faultline: run ${run.id} failed: ${run.error}`);
    return 1;
  }
  await printReport(control, run.id, json);
  return EXIT_CODE[run.verdict ?? 'unknown'];
}

/** `faultline report [id]`: a scenario report, the newest by default. */
export async function reportCommand(
  control: ControlClient,
  id: string | undefined,
  json: boolean,
): Promise<number> {
  let reportId = id;
  if (reportId === undefined) {
    const reports = await control.request<{ id: string }[]>('GET', '/reports');
    if (reports.length === 0) {
      console.log('no reports yet: run one with `faultline scenario run cp-vs-ap`');
      return 0;
    }
    reportId = reports[0]!.id;
  }
  await printReport(control, reportId, json);
  return 0;
}
