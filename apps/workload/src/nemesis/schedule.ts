import { OPERATIONS } from '@faultline/history';
import type { ScenarioDrill } from '@faultline/contracts';

/** A drill as the nemesis asks control for it and records it (`afterSeconds` became `atSeconds`). */
export type ScheduledDrill = Omit<ScenarioDrill, 'afterSeconds'>;

/** One thing the nemesis does, `atSeconds` after the workers started. */
export type NemesisStep =
  | { atSeconds: number; f: typeof OPERATIONS.drill; drill: ScheduledDrill }
  | { atSeconds: number; f: typeof OPERATIONS.heal };

/** A run's nemesis timeline: its steps in order, when the workers stop, and the drills' TTL. */
export interface NemesisSchedule {
  steps: NemesisStep[];
  endSeconds: number;
  /** Long enough for the whole run: the heal step ends the drills, the TTL only a lost run's. */
  drillTtlSeconds: number;
}

/** Past the run, how long a drill would outlive a run that never healed it. */
const TTL_MARGIN_SECONDS = 60;

/**
 * The timeline a scenario's drills make for a run of `durationSeconds`: the first drill a quarter
 * in, each next one its `afterSeconds` after the one before, the heal half the duration after the
 * last drill, and the end a quarter after the heal. So the history has a before, a during and an
 * after; a scenario with no drills still heals (nothing) at three quarters.
 */
export function nemesisSchedule(
  drills: readonly ScenarioDrill[],
  durationSeconds: number,
): NemesisSchedule {
  let at = durationSeconds / 4;
  const steps: NemesisStep[] = drills.map(({ afterSeconds = 0, ...drill }) => {
    at += afterSeconds;
    return { atSeconds: at, f: OPERATIONS.drill, drill };
  });
  const healAt = at + durationSeconds / 2;
  steps.push({ atSeconds: healAt, f: OPERATIONS.heal });
  return {
    steps,
    endSeconds: healAt + durationSeconds / 4,
    drillTtlSeconds: Math.ceil(durationSeconds) + TTL_MARGIN_SECONDS,
  };
}
