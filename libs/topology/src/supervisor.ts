import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpOk } from './health';
import { linkUpstream, type RunningNode, type TopologyState } from './model';
import { rejoinAsStandby } from './nodes/postgres';
import { isAlive, spawnServer } from './processes';
import { holdsFile, readState, writeFileAtomically, writeState } from './state-file';
import { ToxiproxyClient } from './toxiproxy-client';

/** Node name -> the id of the `kill` drill holding it down. */
export type Holds = Record<string, string>;

export function readHolds(stateFile: string): Holds {
  const file = holdsFile(stateFile);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Holds) : {};
}

export function writeHolds(stateFile: string, holds: Holds): void {
  writeFileAtomically(holdsFile(stateFile), `${JSON.stringify(holds, null, 2)}\n`);
}

/**
 * Starts a node again as it was started (same ports, data and environment), in its role now:
 * a PostgreSQL node a failover demoted rejoins as a standby first. A restarted Toxiproxy has
 * forgotten its proxies, so the links are created again, endpoint links to the primary now.
 */
export async function restartNode(
  state: TopologyState,
  node: RunningNode,
): Promise<{ node: RunningNode; rejoined?: 'rewound' | 'cloned' }> {
  const rejoined =
    node.kind === 'postgres' && node.role === 'replica'
      ? await rejoinAsStandby(node, state.links)
      : undefined;
  const { pid } = spawnServer(node.process);
  const restarted = { ...node, pid };
  if (node.kind === 'toxiproxy' && node.url) {
    for (let i = 0; i < 50 && !(await httpOk(`${node.url}/version`).catch(() => false)); i++)
      await sleep(100);
    const toxiproxy = new ToxiproxyClient(node.url);
    for (const link of state.links) {
      await toxiproxy.createProxy({
        name: link.name,
        listen: link.listen,
        // With no primary now, where it last led: control moves it once one is promoted.
        upstream: linkUpstream(state.nodes, link) ?? link.upstream,
        enabled: true,
      });
    }
  }
  return { node: restarted, ...(rejoined ? { rejoined } : {}) };
}

export type SupervisorEvent =
  | { node: string; restarted: true; pid: number; rejoined?: 'rewound' | 'cloned' }
  | { node: string; error: string };

/** A node that keeps dying is restarted at most this often. */
const RESTART_BACKOFF_MS = 3_000;

/**
 * Restarts any node that died outside a `kill` drill, as Kubernetes restarts a pod,
 * and records its new pid in the state file. Runs in the process that owns the
 * topology (`faultline up`, or a test).
 */
export class TopologySupervisor {
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readonly lastRestart = new Map<string, number>();

  constructor(
    private readonly stateFile: string,
    private readonly onEvent: (event: SupervisorEvent) => void = () => undefined,
    private readonly intervalMs = 1_000,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const state = readState(this.stateFile);
      if (!state) return;
      let changed = false;
      for (const [i, node] of state.nodes.entries()) {
        if (isAlive(node.pid) || !this.timer) continue;
        // Holds are read after the death is seen: a kill drill writes its hold before it
        // kills, so a node killed by a drill is always seen held.
        if (readHolds(this.stateFile)[node.name]) continue;
        if (Date.now() - (this.lastRestart.get(node.name) ?? 0) < RESTART_BACKOFF_MS) continue;
        this.lastRestart.set(node.name, Date.now());
        try {
          const { node: restarted, rejoined } = await restartNode(state, node);
          state.nodes[i] = restarted;
          changed = true;
          this.onEvent({
            node: node.name,
            restarted: true,
            pid: restarted.pid,
            ...(rejoined ? { rejoined } : {}),
          });
        } catch (err) {
          this.onEvent({ node: node.name, error: (err as Error).message });
        }
      }
      // Re-read before writing: only pids change here, and only for restarted nodes.
      if (changed) {
        const latest = readState(this.stateFile);
        if (latest) {
          writeState(this.stateFile, {
            ...latest,
            nodes: latest.nodes.map(
              (n) => state.nodes.find((m) => m.name === n.name && m.pid !== n.pid) ?? n,
            ),
          });
        }
      }
    } finally {
      this.ticking = false;
    }
  }
}
