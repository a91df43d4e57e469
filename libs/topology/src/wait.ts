import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` every `intervalMs` until it returns true. Fails early when `abort` resolves
 * first (the server process died), so a broken start reports its cause, not a timeout.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  abort?: Promise<string>,
  intervalMs = 200,
): Promise<void> {
  let aborted: string | undefined;
  void abort?.then((reason) => (aborted = reason));
  const deadline = performance.now() + timeoutMs;
  let lastError = '';
  while (performance.now() < deadline) {
    if (aborted !== undefined) throw new Error(`${what}: ${aborted}`);
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not ready after ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ''}`,
  );
}
