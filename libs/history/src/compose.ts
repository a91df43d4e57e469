import { type CheckerResult, Findings, type StatValue, type Validity } from './checker-result';

/** What a named check reports besides its anomalies, which it adds to the checker's findings. */
export interface CheckReport {
  /** 'unknown' when the history does not let the check judge; absent when it judged. */
  valid?: 'unknown';
  stats?: Record<string, StatValue>;
}

/** A named check: judges one property of a checker's reading `M` of a history. */
export type Check<M, A extends string = string> = (model: M, findings: Findings<A>) => CheckReport;

/** Counts by name (by node, by process, …): the one kind of statistic two checks may share. */
export type Tally = Record<string, number>;

export function increment(tally: Tally, name: string): void {
  tally[name] = (tally[name] ?? 0) + 1;
}

/**
 * Composes named checks into one checker, as Jepsen's `checker/compose` does: runs every check
 * over the same reading of the history, in order, and merges what they report into one
 * CheckerResult. Anomalies and examples add up in check order; validity merges as Jepsen's does
 * (false if a check found an invalidating anomaly, else 'unknown' if a check could not judge,
 * else true); statistics sit side by side, and one that several checks report (a count, or a
 * tally) adds up.
 */
export function compose<M, A extends string>(
  checker: string,
  checks: Readonly<Record<string, Check<M, A>>>,
): (model: M) => CheckerResult {
  return (model) => {
    const findings = new Findings<A>();
    const stats: Record<string, StatValue> = {};
    let undecided = false;
    for (const [name, check] of Object.entries(checks)) {
      const report = check(model, findings);
      if (report.valid === 'unknown') undecided = true;
      for (const [key, value] of Object.entries(report.stats ?? {})) {
        stats[key] = Object.hasOwn(stats, key) ? addUp(stats[key]!, value, name, key) : value;
      }
    }
    const valid: Validity = findings.invalidating ? false : undecided ? 'unknown' : true;
    return findings.result(checker, valid, stats);
  };
}

function addUp(a: StatValue, b: StatValue, check: string, key: string): StatValue {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (isTally(a) && isTally(b)) {
    const sum: Tally = { ...a };
    for (const [name, n] of Object.entries(b)) sum[name] = (sum[name] ?? 0) + n;
    return sum;
  }
  throw new Error(`check ${check} reports stat ${key} again, and it is not a count to add up`);
}

function isTally(value: StatValue): value is Tally {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((n) => typeof n === 'number')
  );
}
