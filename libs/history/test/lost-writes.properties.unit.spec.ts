import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkLostWrites } from '../src/checkers/lost-writes';
import type { Op } from '../src/history';
import { OPERATIONS } from '../src/operations';
import { type HistoryBuilder, history } from './builder';
import { assertFlagged, assertValid, RUNS, withTargets } from './properties';

const SKUS = ['sku-1', 'sku-2'];
const WRITERS = ['catalog-a', 'catalog-b'];

interface Step {
  sku: string;
  writer: string;
  outcome: 'ok' | 'fail' | 'info-applied' | 'info-lost';
}

/** An acknowledged write and the version the primary gave it. */
interface Acknowledged {
  sku: string;
  version: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  sku: fc.constantFrom(...SKUS),
  writer: fc.constantFrom(...WRITERS),
  outcome: fc.constantFrom(
    'ok' as const,
    'fail' as const,
    'info-applied' as const,
    'info-lost' as const,
  ),
});

/** A run: each write with the version the primary gave it if acknowledged, and where it ended. */
interface Run {
  writes: (Step & { version?: number })[];
  acknowledged: Acknowledged[];
  primary: Record<string, number>;
}

/** The versions a single primary gives: every write that happened takes the next one. */
function resolve(steps: Step[]): Run {
  const primary: Record<string, number> = Object.fromEntries(SKUS.map((s) => [s, 0]));
  const writes = steps.map((s): Run['writes'][number] => {
    if (s.outcome === 'ok' || s.outcome === 'info-applied') primary[s.sku]!++;
    return s.outcome === 'ok' ? { ...s, version: primary[s.sku]! } : s;
  });
  const acknowledged = writes.flatMap(({ sku, version }) =>
    version === undefined ? [] : [{ sku, version }],
  );
  return { writes, acknowledged, primary };
}

/**
 * The run's history: its writes, then `more`, then the final reads: the primary's (strong) at
 * `finalOf(sku)`, its version by default, and a replica's that may lag (not judged).
 */
function record(
  run: Run,
  finalOf = (sku: string) => run.primary[sku]!,
  more?: (h: HistoryBuilder) => void,
): Op[] {
  const h = history();
  run.writes.forEach(({ sku, writer, outcome, version }, i) => {
    const process = `${writer}-writer`;
    if (version !== undefined) h.write(process, sku, version, i, writer);
    else {
      const type = outcome === 'fail' ? 'fail' : 'info';
      h.call(process, OPERATIONS.write, { sku, name: `n${i}` }, type, null, { node: writer });
    }
  });
  more?.(h);
  for (const sku of SKUS) {
    h.finalRead(sku, finalOf(sku), 'redis-0', 'strong').finalRead(sku, 0, 'redis-1');
  }
  return h.ops();
}

const runs = fc.array(step, { maxLength: 30, size: 'medium' }).map(resolve);

describe('lost-writes checker, proven both ways', () => {
  it('property: a single primary that keeps every acknowledged write is valid', () => {
    fc.assert(
      fc.property(runs, (run) => assertValid(checkLostWrites(record(run)))),
      RUNS,
    );
  });

  it('property: a primary that went back below d acknowledged writes of a sku lost those d', () => {
    const written = (run: Run) => SKUS.filter((sku) => run.acknowledged.some((w) => w.sku === sku));
    const depths = fc.array(fc.nat(), { minLength: SKUS.length, maxLength: SKUS.length });
    fc.assert(
      fc.property(withTargets(runs, written), depths, ({ run, targets }, seeds) => {
        let lost = 0;
        const finals = new Map<string, number>();
        targets.forEach((sku, i) => {
          const versions = run.acknowledged
            .filter((w) => w.sku === sku)
            .map((w) => w.version)
            .reverse();
          const depth = 1 + (seeds[i]! % versions.length);
          finals.set(sku, versions[depth - 1]! - 1);
          lost += depth;
        });
        const ops = record(run, (sku) => finals.get(sku) ?? run.primary[sku]!);
        assertFlagged(checkLostWrites(ops), { 'lost-write': lost });
      }),
      RUNS,
    );
  });

  it('property: k acknowledged versions a second primary gave again are k lost-writes', () => {
    fc.assert(
      fc.property(
        withTargets(runs, (run) => run.acknowledged),
        ({ run, targets }) => {
          // A promoted replica that never got these writes acknowledges new ones at their versions.
          const splitBrain = (h: HistoryBuilder) =>
            targets.forEach(({ sku, version }, i) =>
              h.write(`promoted-writer-${i}`, sku, version, 1_000 + i, 'catalog-b'),
            );
          const result = checkLostWrites(record(run, undefined, splitBrain));
          assertFlagged(result, { 'lost-write': targets.length });
        },
      ),
      RUNS,
    );
  });
});
