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
