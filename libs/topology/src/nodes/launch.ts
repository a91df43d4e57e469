import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { type ProcessSpec, type RunAs, spawnServer, tailOf } from '../processes';
import type { Toolchain } from '../toolchain';
import { waitUntil } from '../wait';

/** What a node's launcher needs from the topology being started. */
export interface LaunchContext {
  rootDir: string;
  toolchain: Toolchain;
  /** The topology's admin token (Redis's REPLICAOF is renamed after it). */
  adminToken: string;
  /** REDIS_MIN_REPLICAS_TO_WRITE: 0 (Redis's default) or the replicas a write needs. */
  redisMinReplicasToWrite: number;
  /** Set when running as root: PostgreSQL refuses to run as root. */
  postgresUser?: RunAs;
  portOf(nodeName: string): number;
  /** The Toxiproxy listen port of link `client->server`. */
  linkPort(client: string, server: string): number;
  /** Called with each pid as soon as it exists, so a failed start can still stop it. */
  onSpawn(pid: number): void;
}

export const nodeDir = (ctx: LaunchContext, name: string): string => {
  const dir = join(ctx.rootDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

export interface LaunchPlan {
  process: Omit<ProcessSpec, 'logFile' | 'cwd'>;
  healthy: () => Promise<boolean>;
  timeoutMs?: number;
  url?: string;
  extraPorts?: Record<string, number>;
}

/** Spawns a node's server and waits until its health probe passes. */
export async function launch(
  ctx: LaunchContext,
  spec: NodeSpec,
  plan: LaunchPlan,
): Promise<RunningNode> {
  const dataDir = nodeDir(ctx, spec.name);
  const logFile = join(ctx.rootDir, `${spec.name}.log`);
  const processSpec: ProcessSpec = { ...plan.process, cwd: dataDir, logFile };
  const proc = spawnServer(processSpec);
  ctx.onSpawn(proc.pid);
  try {
    await waitUntil(spec.name, plan.healthy, plan.timeoutMs ?? 30_000, proc.exited);
  } catch (err) {
    const tail = tailOf(logFile);
    throw new Error(
      `${(err as Error).message}${tail ? `\n  last lines of ${logFile}:\n${tail}` : ''}`,
    );
  }
  return {
    ...spec,
    host: HOST,
    port: ctx.portOf(spec.name),
    pid: proc.pid,
    ...(plan.extraPorts ? { extraPorts: plan.extraPorts } : {}),
    ...(plan.url ? { url: plan.url } : {}),
    dataDir,
    logFile,
    process: processSpec,
  };
}
