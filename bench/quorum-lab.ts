/**
 * The quorum lab's numbers (issue 19): how long `up --lab quorum` takes until the ring serves
 * QUORUM through the carts (goal: 90 s), what each member takes to start, and what the lab
 * costs the machine idle (CPU and RSS of its members and carts instances).
 * Usage: npm run bench:quorum  -> a table, and bench/results/quorum-lab-<time>.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABS, type ProgressEvent } from '@faultline/topology';
import { measureFootprint } from './footprint';
import { startBenchTopology, stopBenchTopology } from './topologies';

const IDLE_SECONDS = 30;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function quorumRoundTrip(carts: string): Promise<void> {
  const headers = { 'content-type': 'application/json', 'Consistency-Level': 'QUORUM' };
  const write = await fetch(`${carts}/carts/bench/items`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ item: 'cup' }),
  });
  const read = await fetch(`${carts}/carts/bench`, { headers });
  const items = ((await read.json()) as { items?: string[] }).items ?? [];
  if (!write.ok || !items.includes('cup'))
    throw new Error(`QUORUM through the carts failed: ${write.status}, read ${read.status}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const healthyAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  const onProgress = (event: ProgressEvent) => {
    const now = performance.now() - started;
    if (event.phase === 'starting') startedAt.set(event.node, now);
    if (event.phase === 'healthy') healthyAt.set(event.node, now);
  };
  const topology = await startBenchTopology({ labs: ['quorum'], onProgress });
  try {
    const upMs = performance.now() - started;
    const carts = topology.nodes.find((n) => n.name === 'carts-a')!.url!;
    await quorumRoundTrip(carts);
    const servingMs = Math.max(healthyAt.get('carts-a')!, healthyAt.get('carts-b')!);
    const labNodes = LABS.quorum.nodes.map((n) => n.name);
    const roots = new Map(
      topology.nodes.filter((n) => labNodes.includes(n.name)).map((n) => [n.pid, n.name]),
    );
    const idle = await measureFootprint(roots, IDLE_SECONDS);
    const result = {
      at: new Date().toISOString(),
      ringServingQuorumSeconds: seconds(servingMs),
      wholeTopologyUpSeconds: seconds(upMs),
      memberStartSeconds: Object.fromEntries(
        labNodes.map((n) => [n, seconds(healthyAt.get(n)! - startedAt.get(n)!)]),
      ),
      idle: {
        seconds: Math.round(idle.seconds),
        cores: Math.round(idle.cores * 1000) / 1000,
        rssMiB: Math.round(idle.rssMiB),
        byNode: Object.fromEntries(
          Object.entries(idle.byRoot).map(([n, f]) => [
            n,
            { cores: Math.round(f.cores * 1000) / 1000, rssMiB: Math.round(f.rssMiB) },
          ]),
        ),
      },
    };
    console.log(
      `ring serving QUORUM through the carts: ${result.ringServingQuorumSeconds} s after start (goal ≤ 90 s)`,
    );
    console.log(
      `whole topology up (core + lab, control and workload last): ${result.wholeTopologyUpSeconds} s`,
    );
    console.log('start of each lab node (s):', JSON.stringify(result.memberStartSeconds));
    console.log(
      `lab idle over ${result.idle.seconds} s: ${result.idle.cores} cores, ${result.idle.rssMiB} MiB RSS`,
      JSON.stringify(result.idle.byNode),
    );
    const dir = join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `quorum-lab-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);
  } finally {
    await stopBenchTopology(topology);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
