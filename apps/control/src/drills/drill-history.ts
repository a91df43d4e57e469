import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '@faultline/topology';
import type { Drill } from '@faultline/contracts';

/** How many ended drills are kept (and listed by GET /drills). */
export const ENDED_DRILLS_KEPT = 100;

/** Drill history, kept as JSON in the topology's state directory so it outlives control. */
export class DrillHistory {
  private readonly file: string;

  constructor(stateFile: string) {
    this.file = join(dirname(stateFile), 'drills.json');
  }

  load(): Drill[] {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Drill[]) : [];
  }

  /** Keeps every active drill and the newest ended ones. */
  save(drills: Drill[]): Drill[] {
    const active = drills.filter((d) => d.state === 'active');
    const ended = drills
      .filter((d) => d.state !== 'active')
      .sort((a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? ''))
      .slice(0, ENDED_DRILLS_KEPT);
    const kept = [...active, ...ended];
    writeFileAtomically(this.file, `${JSON.stringify(kept, null, 2)}\n`);
    return kept;
  }
}
