import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { WorkloadEnvironment } from '../config/workload-environment';
import { SCENARIOS, scenarioNamed } from '../scenarios/scenarios';
import { ScenarioRun } from './scenario-run';

export const MIN_DURATION_SECONDS = 8;
export const MAX_DURATION_SECONDS = 3_600;

/** Scenario runs of this workload process: one at a time, since their drills would collide. */
@Injectable()
export class RunsService {
  private readonly runs = new Map<string, ScenarioRun>();

  constructor(private readonly env: WorkloadEnvironment) {}

  start(name: unknown, durationSeconds: unknown = 60): ScenarioRun {
    const scenario = typeof name === 'string' ? scenarioNamed(name) : undefined;
    if (!scenario) {
      throw new BadRequestException(
        `scenario must be one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      );
    }
    if (
      typeof durationSeconds !== 'number' ||
      !Number.isInteger(durationSeconds) ||
      durationSeconds < MIN_DURATION_SECONDS ||
      durationSeconds > MAX_DURATION_SECONDS
    ) {
      throw new BadRequestException(
        `durationSeconds must be an integer from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`,
      );
    }
    const running = [...this.runs.values()].find((r) => !['done', 'failed'].includes(r.phase));
    if (running) {
      throw new BadRequestException(
        `run ${running.id} (${running.scenario.name}) is still in progress`,
      );
    }
    const run = new ScenarioRun(scenario, durationSeconds, this.env);
    this.runs.set(run.id, run);
    void run.execute();
    return run;
  }

  get(id: string): ScenarioRun {
    const run = this.runs.get(id);
    if (!run) throw new NotFoundException(`run ${id} does not exist`);
    return run;
  }
}
