import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import type { CheckerResult } from '../src/checker-result';
import type { Op } from '../src/history';

/**
 * fast-check's parameters for the checkers' properties: enough runs to reach every branch of the
 * generators, few enough that the whole unit suite stays quick. fast-check prints the seed and
 * the shrunk counterexample of a failure, so a failing run can be replayed.
 */
export const RUNS: fc.Parameters<unknown> = { numRuns: 150 };

/** The checker found nothing and says valid. */
export function assertValid(result: CheckerResult): void {
  assert.deepEqual(result.anomalies, {}, JSON.stringify(result.examples));
  assert.equal(result.valid, true, JSON.stringify(result.stats));
}

/**
 * The checker found exactly `expected` (anomaly → count) and nothing else, names the first of
 * them in its examples, and says `valid` (false unless the anomalies are only reported).
 */
export function assertFlagged(
  result: CheckerResult,
  expected: Record<string, number>,
  valid: CheckerResult['valid'] = false,
): void {
  assert.deepEqual(result.anomalies, expected);
  assert.equal(result.valid, valid);
  for (const anomaly of Object.keys(expected)) assert.ok(result.exampleAnomalies.includes(anomaly));
}

/**
 * A generated run and 1–`max` distinct targets in it to inject an anomaly into (one each); runs
 * with nothing to target are left out.
 */
export function withTargets<R, T>(
  runs: fc.Arbitrary<R>,
  targetsOf: (run: R) => T[],
  max = 3,
): fc.Arbitrary<{ run: R; targets: T[] }> {
  return runs
    .filter((run) => targetsOf(run).length > 0)
    .chain((run) =>
      fc
        .shuffledSubarray(targetsOf(run), {
          minLength: 1,
          maxLength: Math.min(max, targetsOf(run).length),
        })
        .map((targets) => ({ run, targets })),
    );
}

/** How to inject one kind of anomaly into a valid run. */
export interface Injection<R> {
  /** What is injected, as the test names it: 'acknowledged payments missing at the end'. */
  what: string;
  /** What in a run can be made anomalous (keys, order ids, skus, …). */
  targets: (run: R) => string[];
  /** The run's history with each of the targets made anomalous, once. */
  inject: (run: R, targets: string[]) => Op[];
}

/**
 * Registers a checker's properties both ways: it says valid for every valid run (`valid` names
 * them), and for each anomaly it knows, k of them injected into a valid run are flagged as
 * exactly k.
 */
export function proveBothWays<R>(
  check: (history: Op[]) => CheckerResult,
  runs: fc.Arbitrary<R>,
  valid: { what: string; history: (run: R) => Op[] },
  injections: Record<string, Injection<R>>,
): void {
  it(`property: ${valid.what} are valid`, () => {
    fc.assert(
      fc.property(runs, (run) => assertValid(check(valid.history(run)))),
      RUNS,
    );
  });
  for (const [anomaly, { what, targets: targetsOf, inject }] of Object.entries(injections)) {
    it(`property: k ${what} are k ${anomaly}`, () => {
      fc.assert(
        fc.property(withTargets(runs, targetsOf), ({ run, targets }) => {
          assertFlagged(check(inject(run, targets)), { [anomaly]: targets.length });
        }),
        RUNS,
      );
    });
  }
}

/** The history with `op`'s value replaced: a completion that saw something else. */
export function withValue(history: readonly Op[], op: Op, value: unknown): Op[] {
  return history.map((o) => (o.index === op.index ? { ...o, value } : o));
}
