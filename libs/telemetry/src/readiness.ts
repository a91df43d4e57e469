/**
 * One dependency a service needs before it can serve, e.g. its database. `check` resolves when
 * the dependency answers and throws (with a message saying why) when it does not. /ready gives
 * every check READINESS_TIMEOUT_MS and then aborts `signal` and counts the check as failed.
 */
export interface ReadinessCheck {
  /** Names the check in /ready's answer, e.g. `postgres`. */
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

/** How long /ready waits for each check (they run concurrently), so it never hangs. */
export const READINESS_TIMEOUT_MS = 2_000;

/** The instantiated readiness checks of a service. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
