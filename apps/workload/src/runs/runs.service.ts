import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { LockMode, ScenarioName } from '@faultline/contracts';
import { WorkloadEnvironment } from '../config/workload-environment';
import { randomSeed } from '../generator/random';
import { scenarioNamed } from '../scenarios/scenarios';
import { ScenarioRun } from './scenario-run';

/** Scenario runs of this workload process: one at a time, since their drills would collide. */
@Injectable()
export class RunsService {
  private readonly runs = new Map<string, ScenarioRun>();

  constructor(private readonly env: WorkloadEnvironment) {}

  /**
   * Starts a run of a scenario the request DTO has validated, with its seed or one picked at
   * random; 409 when it needs a lab the topology does not run, or while another is running.
   */
  start(
    name: ScenarioName,
    durationSeconds: number,
    seed = randomSeed(),
    lock?: LockMode,
  ): ScenarioRun {
    const scenario = scenarioNamed(name);
    if (lock !== undefined && !scenario.ledger) {
      throw new BadRequestException(
        `lock applies to the consensus lab's lock-pause, not to ${name}`,
      );
    }
    const lab = scenario.carts
      ? 'quorum'
      : scenario.ledger || scenario.raft
        ? 'consensus'
        : undefined;
    const labRuns = {
      quorum: this.env.CARTS_A_URL && this.env.CARTS_B_URL,
      consensus: this.env.LEDGER_A_URL && this.env.LEDGER_B_URL && this.env.ETCD_MEMBERS,
    };
    if (lab && !labRuns[lab]) {
      throw new ConflictException(
        `scenario ${name} needs the ${lab} lab, which this topology does not run: start it with \`faultline up --lab ${lab}\``,
      );
    }
    const running = [...this.runs.values()].find((r) => !['done', 'failed'].includes(r.phase));
    if (running) {
      throw new ConflictException(
        `run ${running.id} (${running.scenario.name}) is still in progress`,
      );
    }
    const run = new ScenarioRun(scenario, durationSeconds, seed, this.env, lock);
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
