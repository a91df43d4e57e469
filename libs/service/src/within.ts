/**
 * Settles like `promise`, or rejects with a `Failure` ("<what>: no answer within <ms> ms") once
 * `ms` have passed. The work itself is not cancelled; the caller just stops waiting for it.
 */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  Failure: new (message: string) => Error = Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
