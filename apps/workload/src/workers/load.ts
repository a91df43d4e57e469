import type { HistoryRecorder } from '@faultline/history';
import { type Clients, openClients } from '../clients/clients';
import type { ServiceUrls } from '../clients/service-urls';
import { WORKBENCH_SHAPE, type Workbench } from '../setup/workbench';
import { generatorOf, PROCESSES, type ProcessSpec } from './processes';
import { PacedWorkers } from './worker';

/** How many times a client attempts an indeterminate payment or order during the load. */
const ATTEMPTS = 3;

/** One step of a process: its generator's next operation, performed by its client. */
function stepOf(process: ProcessSpec, clients: Clients, seed: number): () => Promise<unknown> {
  switch (process.client) {
    case 'payments': {
      const next = generatorOf(process, seed, WORKBENCH_SHAPE);
      return () => clients.payments.perform(process.name, next());
    }
    case 'orders': {
      const next = generatorOf(process, seed, WORKBENCH_SHAPE);
      return () => clients.orders.perform(process.name, next());
    }
    default: {
      const next = generatorOf(process, seed, WORKBENCH_SHAPE);
      const client = clients.catalog[process.client];
      return () => client.perform(process.name, next());
    }
  }
}

/**
 * A run's load: a worker per process, each taking its generator's operations at `opsPerSecond`
 * and handing them to its service's client, until stopped.
 */
export class Load {
  private readonly workers: PacedWorkers;

  constructor(
    urls: ServiceUrls,
    history: HistoryRecorder,
    workbench: Workbench,
    seed: number,
    opsPerSecond: number,
  ) {
    this.workers = new PacedWorkers(opsPerSecond);
    const { intervalMs, signal } = this.workers;
    const retry = { attempts: ATTEMPTS, delayMs: intervalMs, signal };
    const clients = openClients(urls, history, workbench, retry);
    this.workers.run(PROCESSES.map((p) => stepOf(p, clients, seed)));
  }

  /** Resolves once every worker has stopped. */
  get finished(): Promise<unknown> {
    return this.workers.finished;
  }

  /** No new operation starts; resolves once the ones under way have completed. */
  stop(): Promise<unknown> {
    return this.workers.stop();
  }
}
