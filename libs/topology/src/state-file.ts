import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TopologyState } from './model';

/** The default place `faultline up` records a running topology; FAULTLINE_STATE_DIR moves it. */
export const defaultStateFile = (): string =>
  join(
    process.env.FAULTLINE_STATE_DIR ??
      join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'faultline'),
    'state.json',
  );

export function readState(file: string): TopologyState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as TopologyState;
}

/** Written atomically, so a reader never sees half a file. */
export function writeState(file: string, state: TopologyState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}
