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

/** Node name -> its role now, for the nodes a failover has moved (the roles file). */
export type Roles = Record<string, 'primary' | 'replica'>;

/**
 * Where control keeps the datastores' roles once a failover has moved them: beside the
 * state file locally. In Kubernetes the map is a read-only ConfigMap, so control is given a
 * writable place (FAULTLINE_ROLES_FILE).
 */
export const rolesFileOf = (stateFile: string): string => join(dirname(stateFile), 'roles.json');

export function readRoles(file: string): Roles {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Roles) : {};
}

export function writeRoles(file: string, roles: Roles): void {
  writeFileAtomically(file, `${JSON.stringify(roles, null, 2)}\n`);
}

/**
 * The topology recorded in `file`, each node in its role now (the roles file over the role
 * it started in). The local topology's state file has RunningNodes (the default); control
 * reads it as a TopologyMap, which a Kubernetes topology map also is.
 */
export function readState<Node extends TopologyNode = RunningNode>(
  file: string,
  rolesFile = rolesFileOf(file),
): TopologyState<Node> | undefined {
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as TopologyState<Node>;
  const roles = readRoles(rolesFile);
  for (const node of state.nodes) node.role = roles[node.name] ?? node.role;
  return state;
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

/** Removes the state file and the holds and roles beside it. */
export function removeState(file: string): void {
  rmSync(file, { force: true });
  rmSync(holdsFile(file), { force: true });
  rmSync(rolesFileOf(file), { force: true });
}
