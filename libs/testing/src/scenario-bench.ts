import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportView, RunRequest, RunView } from '@faultline/contracts';
import type { CheckerResult } from '@faultline/history';
import type { StartOptions } from '@faultline/topology';
import { httpJson } from './http-client';
import { SupervisedTopology } from './supervised-topology';

/** Scenario runs through a control API: started, followed until done, their reports. */
export class ScenarioRuns {
  constructor(private readonly control: () => { url: string; headers: Record<string, string> }) {}

  /** `options`: the rest of the request (a lock-pause run's lock), sent as given. */
  start(
    scenario: string,
    durationSeconds: number,
    seed?: number | null,
    options: { lock?: string } = {},
  ) {
    const { url, headers } = this.control();
    return httpJson<RunView>(`${url}/runs`, {
      body: { scenario, durationSeconds, ...(seed === undefined ? {} : { seed }), ...options },
      headers,
    });
  }

  async run(
    scenario: string,
    durationSeconds: number,
    options: Pick<RunRequest, 'lock'> = {},
  ): Promise<ReportView> {
    const started = await this.start(scenario, durationSeconds, undefined, options);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return this.follow(started.body);
  }

  async follow(started: RunView): Promise<ReportView> {
    const { url, headers } = this.control();
    let run = started;
    while (run.phase !== 'done' && run.phase !== 'failed') {
      await sleep(1_000);
      run = (await httpJson<RunView>(`${url}/runs/${run.id}`, { headers })).body;
    }
    assert.equal(run.phase, 'done', JSON.stringify(run));
    return (await httpJson<ReportView>(`${url}/reports/${run.id}`, { headers })).body;
  }
}

/**
 * A topology with the given settings, supervised as `faultline up` supervises it (a node a
 * drill or a failover took down comes back), and scenario runs through its control API.
 */
export class ScenarioBench extends ScenarioRuns {
  readonly running: SupervisedTopology;

  constructor(options: StartOptions) {
    const running = new SupervisedTopology(options);
    super(() => ({
      url: running.url('control'),
      headers: { Authorization: `Bearer ${running.state.adminToken}` },
    }));
    this.running = running;
  }
}

/** A report's result of one checker; fails the test when that checker did not judge the run. */
export function checkerResult(report: ReportView, checker: string): CheckerResult {
  const found = report.results.find((r) => r.checker === checker);
  assert.ok(found, `${checker} judged the run: ${report.results.map((r) => r.checker).join(', ')}`);
  return found;
}

/** Every checker's verdict, anomalies and stats, for an assertion's message. */
export const shownResults = (report: ReportView): string =>
  JSON.stringify(
    report.results.map(({ checker, valid, anomalies, stats }) => ({
      checker,
      valid,
      anomalies,
      stats,
    })),
  );
