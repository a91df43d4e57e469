import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportView, RunView } from '@faultline/contracts';
import type { StartOptions } from '@faultline/topology';
import { httpJson } from './http-client';
import { SupervisedTopology } from './supervised-topology';

/** Scenario runs through a control API: started, followed until done, their reports. */
export class ScenarioRuns {
  constructor(private readonly control: () => { url: string; headers: Record<string, string> }) {}

  start(scenario: string, durationSeconds: number, seed?: number | null) {
    const { url, headers } = this.control();
    return httpJson<RunView>(`${url}/runs`, {
      body: { scenario, durationSeconds, ...(seed === undefined ? {} : { seed }) },
      headers,
    });
  }

  async run(scenario: string, durationSeconds: number): Promise<ReportView> {
    const started = await this.start(scenario, durationSeconds);
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
