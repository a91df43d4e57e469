import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion } from './operation';

/** How a client retries an indeterminate idempotent request (same key, a new invoke). */
export interface RetryPolicy {
  attempts: number;
  delayMs: number;
  /** No retry starts once this is aborted (the workers were stopped). */
  signal?: AbortSignal;
}

/**
 * Attempts until an outcome is known (ok or fail) or the attempts run out: an `info` may or may
 * not have happened, and the key makes another attempt safe. Answers the last completion.
 */
export async function untilDeterminate(
  policy: RetryPolicy,
  attempt: () => Promise<Completion>,
): Promise<Completion> {
  let completion = await attempt();
  for (let n = 1; n < policy.attempts && completion.seen.type === 'info'; n++) {
    await sleep(policy.delayMs);
    if (policy.signal?.aborted) break;
    completion = await attempt();
  }
  return completion;
}
