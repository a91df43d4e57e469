import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlApiClient } from '@faultline/contracts';
import { type HistoryRecorder, OPERATIONS } from '@faultline/history';
import { operate, succeeded } from '../clients/operation';
import type { NemesisSchedule, NemesisStep, ScheduledDrill } from './schedule';

const PROCESS = 'nemesis';

/**
 * Jepsen's nemesis: starts and heals drills through the control API, recording each as a
 * `nemesis` operation, at the times its schedule says.
 */
export class Nemesis {
  /** The drills started and not yet healed. */
  private active: string[] = [];

  constructor(
    private readonly control: ControlApiClient,
    private readonly history: HistoryRecorder,
  ) {}

  /**
   * Performs every step at its time (from now), then waits for the schedule's end; `onStep` hears
   * of each step done. A drill control refuses fails the run: the scenario would not be what it says.
   */
  async perform(
    schedule: NemesisSchedule,
    onStep: (step: NemesisStep) => void,
    /**
     * Awaited before each drill, with the drill: answers the drill to start. A drill that must
     * catch the system in a given state waits for it; one aimed at a role (the Raft leader) is
     * aimed at the node that holds it now.
     */
    beforeDrill: (drill: ScheduledDrill) => Promise<ScheduledDrill> = async (drill) => drill,
  ): Promise<void> {
    const start = Date.now();
    const until = (seconds: number) => sleep(Math.max(0, start + seconds * 1000 - Date.now()));
    for (const step of schedule.steps) {
      await until(step.atSeconds);
      if (step.f === OPERATIONS.drill) {
        await this.drill(await beforeDrill(step.drill), schedule.drillTtlSeconds);
      }
      if (step.f === OPERATIONS.heal) await this.heal();
      onStep(step);
    }
    await until(schedule.endSeconds);
  }

  private async drill(drill: ScheduledDrill, ttlSeconds: number): Promise<void> {
    const { seen } = await operate(this.history, PROCESS, OPERATIONS.drill, drill, async () => {
      try {
        const { id } = await this.control.startDrill({ ...drill, ttlSeconds });
        this.active.push(id);
        return succeeded({ id });
      } catch (err) {
        return { seen: { type: 'fail', error: (err as Error).message } };
      }
    });
    if (seen.type !== 'ok')
      throw new Error(`the scenario's drill ${drill.kind} ${drill.target} failed: ${seen.error}`);
  }

  /** Heals every drill it started (an error leaves the heal indeterminate). */
  private async heal(): Promise<void> {
    await operate(this.history, PROCESS, OPERATIONS.heal, {}, async () => {
      for (const id of this.active) await this.control.heal(id);
      this.active = [];
      return succeeded({});
    });
  }
}
