import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkStaleness } from '../src/checkers/staleness';
import type { Op } from '../src/history';
import { OPERATIONS } from '../src/operations';
import { type HistoryBuilder, history } from './builder';
import { assertFlagged, assertValid, RUNS, withTargets } from './properties';

const SKUS = ['sku-1', 'sku-2'];
const WRITERS = ['writer-a', 'writer-b'];
const READERS = ['reader-1', 'reader-2', 'reader-3'];
const NODES = ['redis-primary', 'redis-1', 'redis-2'];
/** The checker's default convergence limit, in seconds. */
const LIMIT = 10;

type Step =
  | { write: string; writer: string; outcome: 'ok' | 'fail' | 'info-applied' | 'info-lost' }
  | { read: string; reader: string; strong: boolean; lag: number }
  | { nemesis: 'partition' | 'heal' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    write: fc.constantFrom(...SKUS),
    writer: fc.constantFrom(...WRITERS),
    outcome: fc.constantFrom('ok' as const, 'fail' as const, 'info-applied' as const),
  }),
  fc.record({
    write: fc.constantFrom(...SKUS),
    writer: fc.constantFrom(...WRITERS),
    outcome: fc.constant('info-lost' as const),
  }),
  fc.record({
    read: fc.constantFrom(...SKUS),
    reader: fc.constantFrom(...READERS),
    strong: fc.boolean(),
    lag: fc.nat({ max: 3 }),
  }),
  fc.record({ nemesis: fc.constantFrom('partition' as const, 'heal' as const) }),
);

/** Where the catalog stands: per sku the primary's version and the newest acknowledged one. */
interface State {
  primary: Record<string, number>;
  acked: Record<string, number>;
  /** The next free second. */
  clock: number;
}

/** Changes a run before its final reads; `finalVersion` may hold a node back. */
interface Injection {
  before?: (h: HistoryBuilder, state: State) => void;
  finalVersion?: (sku: string, node: string, primary: number) => number;
}

/**
 * A catalog whose replicas lag but never serve a version older than one acknowledged before the
 * read, nor older than what the same reader saw before; strong reads see the primary; the final
 * reads find every node at the primary's version. One step a second.
 */
function play(steps: Step[], injection: Injection = {}): { ops: Op[]; state: State } {
  const h = history();
  const state: State = {
    primary: Object.fromEntries(SKUS.map((s) => [s, 0])),
    acked: Object.fromEntries(SKUS.map((s) => [s, 0])),
    clock: steps.length,
  };
  const lastRead = new Map<string, number>();
  steps.forEach((s, i) => {
    h.at(i);
    if ('nemesis' in s) {
      if (s.nemesis === 'heal') h.heal();
      else h.drill('partition', 'redis-1');
    } else if ('write' in s) {
      if (s.outcome === 'ok' || s.outcome === 'info-applied') state.primary[s.write]!++;
      const version = state.primary[s.write]!;
      if (s.outcome === 'ok') {
        state.acked[s.write] = version;
        h.write(s.writer, s.write, version, 1_000 * i);
      } else {
        const type = s.outcome === 'fail' ? 'fail' : 'info';
        h.call(s.writer, OPERATIONS.write, { sku: s.write, name: `n${i}` }, type, null);
      }
    } else {
      const key = `${s.reader}/${s.read}`;
      const primary = state.primary[s.read]!;
      const floor = Math.max(state.acked[s.read]!, lastRead.get(key) ?? 0);
      const version = s.strong ? primary : Math.max(floor, primary - s.lag);
      lastRead.set(key, version);
      const node = s.strong ? 'redis-primary' : NODES[1 + (i % 2)]!;
      h.read(s.reader, s.read, version, { consistency: s.strong ? 'strong' : 'eventual', node });
    }
  });
  h.at(state.clock);
  injection.before?.(h, state);
  for (const sku of SKUS) {
    for (const node of NODES) {
      const primary = state.primary[sku]!;
      h.finalRead(sku, injection.finalVersion?.(sku, node, primary) ?? primary, node);
    }
  }
  return { ops: h.ops(), state };
}

/** Runs that begin with an acknowledged write, so that there is something to be stale about. */
const runs = fc
  .array(step, { maxLength: 40, size: 'medium' })
  .map((steps) => [{ write: SKUS[0]!, writer: WRITERS[0]!, outcome: 'ok' as const }, ...steps])
  .map((steps) => ({ steps, ...play(steps) }));

type Run = typeof runs extends fc.Arbitrary<infer R> ? R : never;

/** Up to three targets per sku with an acknowledged version (reads of it can be stale). */
const staleTargets = (run: Run): string[] =>
  SKUS.filter((sku) => run.state.acked[sku]! > 0).flatMap((sku) => [sku, sku, sku]);

/** Reads of the version before the acknowledged one, during a partition healed after them. */
const staleReads = (targets: string[], strong: boolean): Injection => ({
  before: (h, state) => {
    h.drill('partition', 'redis-1');
    targets.forEach((sku, i) => {
      const consistency = strong ? 'strong' : 'eventual';
      h.read(`late-reader-${i}`, sku, state.acked[sku]! - 1, { consistency });
    });
    h.heal();
  },
});

describe('staleness checker, proven both ways', () => {
  it('property: fresh, monotonic reads and converged replicas are valid', () => {
    fc.assert(
      fc.property(runs, ({ ops }) => assertValid(checkStaleness(ops))),
      RUNS,
    );
  });

  it('property: k eventual reads below the acknowledged version are k stale-reads, reported', () => {
    fc.assert(
      fc.property(withTargets(runs, staleTargets), ({ run, targets }) => {
        const { ops } = play(run.steps, staleReads(targets, false));
        assertFlagged(checkStaleness(ops), { 'stale-read': targets.length }, true);
      }),
      RUNS,
    );
  });

  it('property: k strong reads below the acknowledged version are k stale-strong-reads', () => {
    fc.assert(
      fc.property(withTargets(runs, staleTargets), ({ run, targets }) => {
        const { ops } = play(run.steps, staleReads(targets, true));
        assertFlagged(checkStaleness(ops), { 'stale-strong-read': targets.length });
      }),
      RUNS,
    );
  });

  it('property: k readers that go back to an older (fresh) version are k monotonic-read-violations, reported', () => {
    const cases = withTargets(runs, () => [...SKUS, ...SKUS]);
    fc.assert(
      fc.property(cases, ({ run, targets }) => {
        const injection: Injection = {
          before: (h, state) => {
            targets.forEach((sku, i) => {
              // A write in flight shows on one replica, and not yet on the next.
              const writer = `slow-writer-${i}`;
              h.invoke(writer, OPERATIONS.write, { sku, name: `slow-${i}` });
              h.read(`wavering-reader-${i}`, sku, state.primary[sku]! + 1);
              h.read(`wavering-reader-${i}`, sku, state.primary[sku]!);
            });
          },
        };
        const result = checkStaleness(play(run.steps, injection).ops);
        assertFlagged(result, { 'monotonic-read-violation': targets.length }, true);
      }),
      RUNS,
    );
  });

  it('property: stale reads later than the limit after the last heal are not-converged, once', () => {
    const lateness = fc.integer({ min: 1, max: 5 });
    fc.assert(
      fc.property(withTargets(runs, staleTargets), lateness, ({ run, targets }, late) => {
        const after = (seconds: number): Injection => ({
          before: (h, state) => {
            h.drill('partition', 'redis-1')
              .at(state.clock + 1)
              .heal();
            h.at(state.clock + 1 + seconds);
            targets.forEach((sku, i) => h.read(`late-reader-${i}`, sku, state.acked[sku]! - 1));
          },
        });
        const past = checkStaleness(play(run.steps, after(LIMIT + late)).ops);
        assertFlagged(past, { 'stale-read': targets.length, 'not-converged': 1 });
        const within = checkStaleness(play(run.steps, after(LIMIT - late)).ops);
        assertFlagged(within, { 'stale-read': targets.length }, true);
      }),
      RUNS,
    );
  });

  it('property: k nodes whose final read is behind the acknowledged version are k final-read-behinds', () => {
    const behind = (run: Run) =>
      SKUS.filter((sku) => run.state.acked[sku]! > 0).flatMap((sku) =>
        NODES.map((node) => `${sku}@${node}`),
      );
    fc.assert(
      fc.property(withTargets(runs, behind), ({ run, targets }) => {
        const injection: Injection = {
          finalVersion: (sku, node, primary) =>
            targets.includes(`${sku}@${node}`) ? run.state.acked[sku]! - 1 : primary,
        };
        const result = checkStaleness(play(run.steps, injection).ops);
        assertFlagged(result, { 'final-read-behind': targets.length });
      }),
      RUNS,
    );
  });
});
