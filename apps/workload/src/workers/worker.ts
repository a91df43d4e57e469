import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Paces one process: takes its next operation and has it performed (`step`), then sleeps what is
 * left of the interval, until `stop` is aborted. One operation at a time, as a Jepsen process.
 */
export async function runWorker(
  step: () => Promise<unknown>,
  intervalMs: number,
  stop: AbortSignal,
): Promise<void> {
  while (!stop.aborted) {
    const started = Date.now();
    await step();
    await sleep(Math.max(0, intervalMs - (Date.now() - started)));
  }
}

/**
 * A load's workers: one per step, each paced at `opsPerSecond`, until stopped. Its signal and
 * interval are there before the steps, for clients that retry at the same pace.
 */
export class PacedWorkers {
  readonly intervalMs: number;
  private readonly stopping = new AbortController();
  readonly signal = this.stopping.signal;
  /** Resolves once every worker has stopped. */
  finished: Promise<unknown> = Promise.resolve();

  constructor(opsPerSecond: number) {
    this.intervalMs = Math.round(1000 / opsPerSecond);
  }

  run(steps: readonly (() => Promise<unknown>)[]): this {
    this.finished = Promise.all(steps.map((step) => runWorker(step, this.intervalMs, this.signal)));
    return this;
  }

  /** No new operation starts; resolves once the ones under way have completed. */
  stop(): Promise<unknown> {
    this.stopping.abort();
    return this.finished;
  }
}
