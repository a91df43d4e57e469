import type { Op } from './history';

/** A checker's judgement: true, false, or 'unknown' when the history cannot tell. */
export type Validity = true | false | 'unknown';

/** A JSON value a checker reports as a statistic. */
export type StatValue =
  number | string | boolean | null | StatValue[] | { [key: string]: StatValue };

/** What a checker returns. */
export interface CheckerResult {
  checker: string;
  valid: Validity;
  /** How many of each anomaly the history shows (only kinds that occurred). */
  anomalies: Record<string, number>;
  stats: Record<string, StatValue>;
  /**
   * Up to 5 offending operations, whole (the invoke + completion pairs involved): those that make
   * the history invalid first, then the others, each in history order.
   */
  examples: Op[][];
  /** The anomaly each example shows, parallel to `examples`. */
  exampleAnomalies: string[];
}

/** The overall judgement of several checkers. */
export type Verdict = 'valid' | 'invalid' | 'unknown';

/** 'invalid' if any checker says false, else 'unknown' if any says unknown, else 'valid'. */
export function verdict(results: readonly CheckerResult[]): Verdict {
  if (results.some((r) => r.valid === false)) return 'invalid';
  if (results.some((r) => r.valid === 'unknown')) return 'unknown';
  return 'valid';
}

/** How many examples a result keeps. */
export const MAX_EXAMPLES = 5;

/** Collects a checker's anomalies (of the kinds `A` it knows) and their examples. */
export class Findings<A extends string = string> {
  private readonly counts: Record<string, number> = {};
  private readonly found: { anomaly: string; ops: Op[]; invalidating: boolean }[] = [];
  private readonly kept = { invalidating: 0, reported: 0 };

  /** `invalidating`: whether this anomaly makes the history invalid (examples come first). */
  add(anomaly: A, ops: readonly (Op | undefined)[], invalidating = true): void {
    this.counts[anomaly] = (this.counts[anomaly] ?? 0) + 1;
    const kind = invalidating ? 'invalidating' : 'reported';
    if (this.kept[kind] < MAX_EXAMPLES) {
      this.kept[kind]++;
      const whole = ops.filter((op): op is Op => op !== undefined);
      this.found.push({ anomaly, ops: whole, invalidating });
    }
  }

  count(anomaly: A): number {
    return this.counts[anomaly] ?? 0;
  }

  /** Whether an invalidating anomaly was found. */
  get invalidating(): boolean {
    return this.kept.invalidating > 0;
  }

  result(checker: string, valid: Validity, stats: Record<string, StatValue>): CheckerResult {
    const ordered = [
      ...this.found.filter((x) => x.invalidating),
      ...this.found.filter((x) => !x.invalidating),
    ].slice(0, MAX_EXAMPLES);
    return {
      checker,
      valid,
      anomalies: { ...this.counts },
      stats,
      examples: ordered.map((x) => x.ops),
      exampleAnomalies: ordered.map((x) => x.anomaly),
    };
  }
}
