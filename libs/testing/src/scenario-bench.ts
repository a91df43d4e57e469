import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportView, RunView } from '@faultline/contracts';
import type { StartOptions } from '@faultline/topology';
import { httpJson } from './http-client';
import { SupervisedTopology } from './supervised-topology';

/**
 * A topology with the given settings, supervised as `faultline up` supervises it (a node a
 * drill or a failover took down comes back), and scenario runs through its control API.
 */
export class ScenarioBench {
  readonly running: SupervisedTopology;

  constructor(options: StartOptions) {
    this.running = new SupervisedTopology(options);
  }

  private get control() {
    return {
      url: this.running.url('control'),
      headers: { Authorization: `Bearer ${this.running.state.adminToken}` },
    };
  }

  start(scenario: string, durationSeconds: number, seed?: number | null) {
    const { url, headers } = this.control;
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
    const { url, headers } = this.control;
    let run = started;
    while (run.phase !== 'done' && run.phase !== 'failed') {
      await sleep(1_000);
      run = (await httpJson<RunView>(`${url}/runs/${run.id}`, { headers })).body;
    }
    assert.equal(run.phase, 'done', JSON.stringify(run));
    return (await httpJson<ReportView>(`${url}/reports/${run.id}`, { headers })).body;
  }
}
