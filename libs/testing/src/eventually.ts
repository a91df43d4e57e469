import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries an assertion until it passes or the time is up; then rethrows its last failure. Time
 * is monotonic: this machine's wall clock has been seen to step forward under a test.
 */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(200);
    }
  }
}

/** Settles with the promise's outcome, or `'pending'` if it has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>(
    (resolve) => (timer = setTimeout(() => resolve('pending'), ms)),
  );
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}
