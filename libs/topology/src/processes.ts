import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A user other than root to run servers that refuse root (PostgreSQL). */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Give the server only `env`, not this process's environment as well. */
  replaceEnv?: boolean;
  runAs?: RunAs;
}

export interface SpawnedProcess {
  pid: number;
  /** Resolves with a description of how the process ended, while this process still owns it. */
  exited: Promise<string>;
}

/**
 * Starts a server in its own process group with output appended to its log file.
 * Detached and unreferenced so `faultline up --detach` can exit and leave it running.
 */
export function spawnServer(spec: ProcessSpec): SpawnedProcess {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.replaceEnv ? spec.env : { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
      uid: spec.runAs?.uid,
      gid: spec.runAs?.gid,
    });
    const exited = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(`failed to start: ${err.message}`));
      child.once('exit', (code, signal) =>
        resolve(signal ? `killed by ${signal}` : `exited with code ${code}`),
      );
    });
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`could not start ${spec.command}`);
    }
    return { pid: child.pid, exited };
  } finally {
    closeSync(log);
  }
}

/**
 * The fields of /proc/<pid>/stat after the command name, which may itself contain spaces or
 * parentheses (Linux): [0] is the state, [1] the parent's pid, [2] the process group, [11] and
 * [12] user and system CPU in clock ticks, [21] the resident pages. Undefined once it has gone.
 */
export function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** State and process group of a live process. */
function procStat(pid: number): { state: string; pgid: number } | undefined {
  const fields = procStatFields(pid);
  return fields && { state: fields[0]!, pgid: Number(fields[2]) };
}

/** True while the process exists and is not a zombie (PID 1 in a container may never reap it). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** True while any live (non-zombie) process is left in the process group. */
function groupAlive(pgid: number): boolean {
  return readdirSync('/proc').some((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) return false;
    const stat = procStat(pid);
    return stat !== undefined && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X';
  });
}

/**
 * Sends `sig` to the process group a server leads (its children too) and to the server itself;
 * false when neither exists (the server is gone).
 */
export function signalServer(pid: number, sig: NodeJS.Signals): boolean {
  let delivered = false;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
      delivered = true;
    } catch {
      // No group of its own, or gone.
    }
  }
  return delivered;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

/**
 * Asks a server to stop with its graceful signal, waits for it and every process
 * of its group (PostgreSQL backends, forked savers) to end, and kills the group
 * outright when the grace period runs out.
 */
export async function terminate(
  pid: number,
  graceful: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (isAlive(pid)) {
    try {
      process.kill(pid, graceful);
    } catch {
      // Gone since.
    }
    // A paused node (a pause drill's SIGSTOP) handles the signal only once it runs again.
    signalServer(pid, 'SIGCONT');
    await waitFor(() => !isAlive(pid), graceMs);
  }
  if (await waitFor(() => !groupAlive(pid), isAlive(pid) ? 0 : 2_000)) return;
  signalServer(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid) && !groupAlive(pid), 5_000);
}

export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
