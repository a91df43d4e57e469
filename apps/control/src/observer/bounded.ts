/** How long any single probe (one query, one HTTP request) may take before it counts as failed. */
export const PROBE_TIMEOUT_MS = 800;

/**
 * Settles like `promise`, or rejects once `ms` have passed. The work itself is not cancelled
 * (the topology's pgQuery/redisCommand end their own connections within ~2 s), but the poll
 * no longer waits for it.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
