import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunningNode, TopologyNode, TopologyState } from './model';

/** The default place `faultline up` records a running topology; FAULTLINE_STATE_DIR moves it. */
export const defaultStateFile = (): string =>
  join(
    process.env.FAULTLINE_STATE_DIR ??
      join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'faultline'),
    'state.json',
  );

/**
 * The topology recorded in `file`. The local topology's state file has RunningNodes (the
 * default); control reads it as a TopologyMap, which a Kubernetes topology map also is.
 */
export function readState<Node extends TopologyNode = RunningNode>(
  file: string,
): TopologyState<Node> | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as TopologyState<Node>;
}

/** Written through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomically(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export function writeState(file: string, state: TopologyState): void {
  writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Nodes a `kill` drill holds down, kept beside the state file: the supervisor leaves
 * them dead until the control service removes the hold at heal.
 */
export const holdsFile = (stateFile: string): string => join(dirname(stateFile), 'holds.json');

/** Removes the state file and the holds beside it. */
export function removeState(file: string): void {
  rmSync(file, { force: true });
  rmSync(holdsFile(file), { force: true });
}
