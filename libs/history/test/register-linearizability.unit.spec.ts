import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CheckerResult } from '../src/checker-result';
import { checkRegisterLinearizability } from '../src/checkers/register-linearizability';
import type { Op } from '../src/history';
import {
  OPERATIONS,
  type RegisterReadOk,
  type RegisterReadRequest,
  type RegisterWriteRequest,
} from '../src/operations';
import { type HistoryBuilder, history, type Outcome } from './builder';
import { assertFlagged, assertValid, RUNS, withValue } from './properties';

/** Starts a write of `value` to `key` by `process`. */
function startWrite(
  h: HistoryBuilder,
  process: string,
  key: string,
  value: number,
): HistoryBuilder {
  const request: RegisterWriteRequest = { key, value };
  return h.invoke(process, OPERATIONS.registerWrite, request);
}

/** Starts a read of `key` by `process`; complete it with `answer`. */
function startRead(h: HistoryBuilder, process: string, key: string): HistoryBuilder {
  const request: RegisterReadRequest = { key };
  return h.invoke(process, OPERATIONS.registerRead, request);
}

function answer(value: number | null): RegisterReadOk {
  return { value };
}

/** A write completed right after its invoke. */
function write(
  h: HistoryBuilder,
  process: string,
  key: string,
  value: number,
  type: Outcome = 'ok',
): HistoryBuilder {
  const request: RegisterWriteRequest = { key, value };
  return h.call(process, OPERATIONS.registerWrite, request, type, null);
}

/** An ok read that returned `value`, completed right after its invoke. */
function read(h: HistoryBuilder, process: string, key: string, value: number | null) {
  return startRead(h, process, key).complete(process, 'ok', answer(value));
}

/** The example of the first nonlinearizable key holds the ok read that returned `value`. */
function assertExampleHasRead(result: CheckerResult, value: number | null): void {
  const example = result.examples[0]!;
  assert.ok(example.length <= 12, 'at most 6 invoke + completion pairs');
  const bad = example.find(
    (op) => op.f === OPERATIONS.registerRead && op.type === 'ok' && isAnswer(op, value),
  );
  assert.ok(bad, JSON.stringify(example));
  const invoke = example.find((op) => op.type === 'invoke' && op.process === bad.process);
  assert.ok(invoke && invoke.index < bad.index, 'the read is shown whole');
}

function isAnswer(op: Op, value: number | null): boolean {
  return (op.value as RegisterReadOk).value === value;
}

/** Mulberry32, a small seeded PRNG: reproducible random histories. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A process's operation in flight in the simulation. */
interface InFlight {
  key: string;
  write?: number;
  outcome: 'ok' | 'fail' | 'info';
  /** Whether it takes effect on the register at some instant before it completes. */
  effective: boolean;
  applied: boolean;
  seen?: number | null;
}

/**
 * A linearizable history: `processes` clients run `ops` operations on `keys` atomic registers,
 * each taking effect at one instant between its invoke and its completion, with the
 * invokes, effects and completions of the clients interleaved at random. Writes write unique
 * values; some fail (no effect) or end indeterminate (with or without effect), some reads fail.
 */
function simulate(random: () => number, keys: number, ops: number, processes: number): Op[] {
  const h = history();
  const registers = new Map<string, number | null>();
  const inFlight = new Map<string, InFlight>();
  let invoked = 0;
  let written = 0;
  while (invoked < ops || inFlight.size > 0) {
    const process = `p${Math.floor(random() * processes)}`;
    const op = inFlight.get(process);
    if (!op) {
      if (invoked === ops) continue;
      invoked++;
      const key = `k${Math.floor(random() * keys)}`;
      const roll = random();
      if (random() < 0.4) {
        const value = ++written;
        const outcome = roll < 0.85 ? 'ok' : roll < 0.95 ? 'info' : 'fail';
        const effective = outcome === 'ok' || (outcome === 'info' && random() < 0.5);
        inFlight.set(process, { key, write: value, outcome, effective, applied: false });
        startWrite(h, process, key, value);
      } else {
        const outcome = roll < 0.9 ? 'ok' : roll < 0.95 ? 'fail' : 'info';
        inFlight.set(process, { key, outcome, effective: true, applied: false });
        startRead(h, process, key);
      }
    } else if (op.effective && !op.applied) {
      op.applied = true;
      if (op.write !== undefined) registers.set(op.key, op.write);
      else op.seen = registers.get(op.key) ?? null;
    } else {
      inFlight.delete(process);
      const value = op.write === undefined && op.outcome === 'ok' ? answer(op.seen!) : null;
      h.complete(process, op.outcome, value);
    }
  }
  return h.ops();
}

describe('register linearizability checker', () => {
  it('passes sequential writes and reads', () => {
    const h = history().at(0);
    read(h, 'p1', 'x', null);
    write(h, 'p1', 'x', 1);
    read(h, 'p2', 'x', 1);
    write(h, 'p2', 'x', 2);
    read(h, 'p1', 'x', 2);
    read(h, 'p3', 'x', 2);
    const result = checkRegisterLinearizability(h.ops());
    assert.equal(result.checker, 'register-linearizability');
    assertValid(result);
    assert.equal(result.stats.keys, 1);
    assert.deepEqual(result.stats.writes, { ok: 2, info: 0, fail: 0 });
    assert.equal(result.stats.reads, 4);
    assert.deepEqual(result.stats.nonlinearizableKeys, []);
    assert.deepEqual(result.stats.undecidedKeys, []);
    assert.equal(result.stats.explanation, null);
    assert.ok((result.stats.searchStates as number) >= 6);
  });

  it('passes concurrent writes that later reads see in either order, consistently', () => {
    for (const last of [1, 2]) {
      const h = history().at(0);
      startWrite(h, 'p1', 'x', 1);
      startWrite(h, 'p2', 'x', 2);
      // A read during both writes may see either, or the key not yet written.
      startRead(h, 'p3', 'x').complete('p3', 'ok', answer(null));
      startRead(h, 'p3', 'x');
      h.complete('p1', 'ok')
        .complete('p2', 'ok')
        .complete('p3', 'ok', answer(3 - last));
      read(h, 'p4', 'x', last);
      read(h, 'p3', 'x', last);
      assertValid(checkRegisterLinearizability(h.ops()));
    }
  });

  it('passes an indeterminate write seen later, and one never seen', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    write(h, 'p2', 'x', 2, 'info');
    read(h, 'p3', 'x', 1);
    // It took effect only after a read that still saw 1 …
    read(h, 'p3', 'x', 2);
    // … while this one never did, nor did the one the run never completed.
    write(h, 'p4', 'x', 3, 'info');
    write(h, 'p5', 'x', 4, 'open');
    read(h, 'p3', 'x', 2);
    const result = checkRegisterLinearizability(h.ops());
    assertValid(result);
    assert.deepEqual(result.stats.writes, { ok: 1, info: 3, fail: 0 });
  });

  it('passes a failed write that is never visible', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    write(h, 'p2', 'x', 2, 'fail');
    read(h, 'p3', 'x', 1);
    const result = checkRegisterLinearizability(h.ops());
    assertValid(result);
    assert.deepEqual(result.stats.writes, { ok: 1, info: 0, fail: 1 });
  });

  it('passes a read of null before the first write, even during it', () => {
    const h = history().at(0);
    read(h, 'p1', 'x', null);
    startWrite(h, 'p2', 'x', 1);
    read(h, 'p1', 'x', null);
    h.complete('p2', 'ok');
    read(h, 'p1', 'x', 1);
    assertValid(checkRegisterLinearizability(h.ops()));
  });

  it('judges each key on its own', () => {
    const h = history().at(0);
    write(h, 'p1', 'a', 1);
    read(h, 'p2', 'b', null);
    write(h, 'p1', 'b', 1);
    read(h, 'p2', 'a', 1);
    write(h, 'p1', 'a', 2);
    read(h, 'p2', 'b', 1);
    read(h, 'p2', 'a', 2);
    const result = checkRegisterLinearizability(h.ops());
    assertValid(result);
    assert.equal(result.stats.keys, 2);
  });

  it('ignores failed and indeterminate reads, other operations, and skips malformed ones', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    startRead(h, 'p2', 'x').complete('p2', 'fail', null);
    startRead(h, 'p2', 'x').complete('p2', 'info', answer(99));
    h.call('p2', OPERATIONS.read, { sku: 'x' }, 'ok', { value: 7 });
    h.call('p2', OPERATIONS.registerWrite, { key: 'x', value: '7' }, 'ok', null);
    h.call('p2', OPERATIONS.registerWrite, { value: 7 }, 'ok', null);
    h.call('p2', OPERATIONS.registerRead, {}, 'ok', answer(7));
    h.call('p2', OPERATIONS.registerRead, { key: 'x' }, 'ok', { value: 'seven' });
    h.call('p2', OPERATIONS.registerRead, { key: 'x' }, 'ok', null);
    read(h, 'p2', 'x', 1);
    const result = checkRegisterLinearizability(h.ops());
    assertValid(result);
    assert.equal(result.stats.malformed, 5);
    assert.equal(result.stats.reads, 1);
    assert.deepEqual(result.stats.writes, { ok: 1, info: 0, fail: 0 });
  });

  it('flags a stale read: it began after write 2 completed, and returned 1', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    read(h, 'p2', 'y', null);
    h.at(2);
    write(h, 'p1', 'x', 2);
    h.at(3);
    read(h, 'p2', 'x', 1);
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assert.deepEqual(result.stats.nonlinearizableKeys, ['x']);
    assertExampleHasRead(result, 1);
    assert.equal(
      result.stats.explanation,
      'read by p2 at 3 s returned 1, but write 2 completed at 2.001 s before it began and no later write of 1 exists',
    );
  });

  it('flags a read of a value never written', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    startWrite(h, 'p1', 'x', 2);
    read(h, 'p2', 'x', 7);
    h.complete('p1', 'ok');
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assert.deepEqual(result.stats.nonlinearizableKeys, ['x']);
    assertExampleHasRead(result, 7);
    assert.equal(result.examples[0]!.length, 6, 'the read and the two writes before and during it');
    assert.match(result.stats.explanation as string, /returned 7, but no write of 7 exists$/);
  });

  it('flags a new-old inversion: reads return 2 then 1 while write 2 is in flight', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    h.at(1);
    startWrite(h, 'p1', 'x', 2);
    // Each read alone is fine (write 2 is concurrent with both); together they are not.
    h.at(2);
    read(h, 'p2', 'x', 2);
    h.at(3);
    read(h, 'p3', 'x', 1);
    h.at(4).complete('p1', 'ok');
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assert.deepEqual(result.stats.nonlinearizableKeys, ['x']);
    assertExampleHasRead(result, 1);
    assertExampleHasRead(result, 2);
    assert.equal(
      result.stats.explanation,
      'read by p3 at 3 s returned 1, but read by p2 completed at 2.001 s before it began had already returned 2, written after write 1 completed',
    );
  });

  it('flags a read that saw a failed write', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    write(h, 'p1', 'x', 2, 'fail');
    read(h, 'p2', 'x', 2);
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assertExampleHasRead(result, 2);
    assert.ok(
      result.examples[0]!.some((op) => op.type === 'fail'),
      'the failed write is shown',
    );
    assert.match(result.stats.explanation as string, /returned 2, but the write of 2 failed$/);
  });

  it('flags a read of an indeterminate write before that write began', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    h.at(1);
    read(h, 'p2', 'x', 2);
    h.at(2);
    write(h, 'p1', 'x', 2, 'info');
    read(h, 'p2', 'x', 2);
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assertExampleHasRead(result, 2);
    assert.equal(
      result.stats.explanation,
      'read by p2 at 1 s returned 2, but the write of 2 began only at 2 s, after the read completed',
    );
  });

  it('flags a read of null after the first write completed', () => {
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    read(h, 'p2', 'x', null);
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 1 });
    assertExampleHasRead(result, null);
  });

  it('flags each nonlinearizable key, the others still valid', () => {
    const h = history().at(0);
    for (const key of ['a', 'b', 'c']) write(h, 'p1', key, 1);
    read(h, 'p2', 'a', 1);
    read(h, 'p2', 'b', 2);
    read(h, 'p2', 'c', null);
    const result = checkRegisterLinearizability(h.ops());
    assertFlagged(result, { nonlinearizable: 2 });
    assert.deepEqual(result.stats.nonlinearizableKeys, ['b', 'c']);
    assertExampleHasRead(result, 2);
    assert.match(result.stats.explanation as string, /returned 2/);
  });

  it('is unknown when the search of a key runs out of states, never valid', () => {
    const h = history().at(0);
    for (let p = 1; p <= 8; p++) startWrite(h, `w${p}`, 'x', p);
    for (let p = 1; p <= 4; p++) startRead(h, `r${p}`, 'x');
    for (let p = 1; p <= 4; p++) h.complete(`r${p}`, 'ok', answer(p));
    for (let p = 1; p <= 8; p++) h.complete(`w${p}`, 'ok');
    read(h, 'r1', 'x', 8);
    const ops = h.ops();
    assertValid(checkRegisterLinearizability(ops));
    const result = checkRegisterLinearizability(ops, { maxSearchStates: 5 });
    assert.equal(result.valid, 'unknown');
    assert.deepEqual(result.anomalies, {});
    assert.deepEqual(result.stats.undecidedKeys, ['x']);
    assert.equal(result.stats.searchStates, 5);
  });

  it('is invalid when one key is nonlinearizable and another undecided', () => {
    const h = history().at(0);
    for (let p = 1; p <= 6; p++) startWrite(h, `w${p}`, 'x', p);
    for (let p = 1; p <= 6; p++) h.complete(`w${p}`, 'ok');
    read(h, 'r', 'x', 6);
    write(h, 'w1', 'y', 1);
    read(h, 'r', 'y', 9);
    const result = checkRegisterLinearizability(h.ops(), { maxSearchStates: 3 });
    assertFlagged(result, { nonlinearizable: 1 });
    assert.deepEqual(result.stats.undecidedKeys, ['x']);
    assert.deepEqual(result.stats.nonlinearizableKeys, ['y']);
  });

  it('is unknown without an ok read', () => {
    assert.equal(checkRegisterLinearizability([]).valid, 'unknown');
    const h = history().at(0);
    write(h, 'p1', 'x', 1);
    startRead(h, 'p2', 'x').complete('p2', 'info', null);
    const result = checkRegisterLinearizability(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats.note, 'no ok register read: nothing to judge');
  });

  it('passes 5 keys × 200 operations of 4 concurrent clients of atomic registers', () => {
    const ops = simulate(mulberry32(20240611), 5, 1000, 4);
    const result = checkRegisterLinearizability(ops);
    assertValid(result);
    assert.equal(result.stats.keys, 5);
  });

  const runs = fc
    .record({ seed: fc.integer(), keys: fc.integer({ min: 1, max: 3 }) })
    .map(({ seed, keys }) => simulate(mulberry32(seed), keys, 60, 4));

  it('property: histories of atomic registers are valid', () => {
    fc.assert(
      fc.property(runs, (ops) => {
        const result = checkRegisterLinearizability(ops);
        assert.notEqual(result.valid, false, JSON.stringify(result.stats));
        assert.deepEqual(result.anomalies, {});
      }),
      RUNS,
    );
  });

  it('property: a read of a value never written makes its key nonlinearizable', () => {
    const okReads = (ops: Op[]) =>
      ops.filter((op) => op.f === OPERATIONS.registerRead && op.type === 'ok');
    const cases = runs
      .filter((ops) => okReads(ops).length > 0)
      .chain((ops) => fc.constantFrom(...okReads(ops)).map((bad) => ({ ops, bad })));
    fc.assert(
      fc.property(cases, ({ ops, bad }) => {
        const result = checkRegisterLinearizability(withValue(ops, bad, answer(-1)));
        assertFlagged(result, { nonlinearizable: 1 });
        const invoke = ops
          .filter((op) => op.process === bad.process && op.index < bad.index)
          .at(-1)!;
        const key = (invoke.value as RegisterReadRequest).key;
        assert.deepEqual(result.stats.nonlinearizableKeys, [key]);
        assertExampleHasRead(result, -1);
      }),
      RUNS,
    );
  });
});
