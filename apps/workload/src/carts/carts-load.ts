import type { HistoryRecorder } from '@faultline/history';
import { CartsClient, type CartsInstance } from '../clients/carts-client';
import type { WorkloadEnvironment } from '../config/workload-environment';
import { Random } from '../generator/random';
import { PacedWorkers } from '../workers/worker';
import { cartsOf, type CartsProcess, type CartsWorkload } from './carts-workload';

/** A client per carts instance, all recording into one history. */
export function cartsClients(
  env: Pick<WorkloadEnvironment, 'CARTS_A_URL' | 'CARTS_B_URL'>,
  history: HistoryRecorder,
): Record<CartsInstance, CartsClient> {
  return {
    'carts-a': new CartsClient(history, 'carts-a', env.CARTS_A_URL!),
    'carts-b': new CartsClient(history, 'carts-b', env.CARTS_B_URL!),
  };
}

/** Every cart of a run, by group. */
export const runCarts = (runTag: string, workload: CartsWorkload): Map<string, string[]> =>
  new Map(Object.entries(workload.groups).map(([group, n]) => [group, cartsOf(runTag, group, n)]));

/**
 * One step of a process: a cart of its group chosen by its own seeded stream, and for a write
 * a value no other write of the run has (`<process>-<n>`), so a read tells which write it saw.
 */
function stepOf(
  process: CartsProcess,
  client: CartsClient,
  carts: readonly string[],
  seed: number,
): () => Promise<unknown> {
  const random = new Random(seed, process.name);
  let written = 0;
  return () => {
    const cart = carts[random.int(0, carts.length - 1)]!;
    const value = `${process.name}-${++written}`;
    switch (process.op) {
      case 'add':
        return client.add(process.name, cart, value, process.consistency);
      case 'replace':
        return client.replace(process.name, cart, [value], process.consistency);
      case 'read':
        return client.read(process.name, cart, process.consistency);
    }
  };
}

/** A carts scenario's load: a worker per process at `opsPerSecond`, until stopped. */
export const cartsLoad = (
  clients: Record<CartsInstance, CartsClient>,
  workload: CartsWorkload,
  carts: ReadonlyMap<string, string[]>,
  seed: number,
  opsPerSecond: number,
): PacedWorkers =>
  new PacedWorkers(opsPerSecond).run(
    workload.processes.map((p) => stepOf(p, clients[p.instance], carts.get(p.group)!, seed)),
  );
