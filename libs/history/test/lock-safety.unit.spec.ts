import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLockSafety } from '../src/checkers/lock-safety';
import type { Op } from '../src/history';
import {
  type LedgerAppendOk,
  type LedgerAppendRejected,
  type LedgerAppendRequest,
  type LedgerEntry,
  type LedgerFinalReadOk,
  type LedgerRejection,
  OPERATIONS,
} from '../src/operations';
import { type HistoryBuilder, history } from './builder';
import { assertFlagged, assertValid } from './properties';

const RESOURCE = 'ledger-1';
/** 2026-01-01 in epoch ms: the entries' times are epoch milliseconds. */
const T0 = 1_767_225_600_000;
const LEASE_MS = 2_000;

/** A writer's append under one grant of the lock: its request, writer and grant. */
interface Write {
  request: string;
  /** The ledger instance that wrote it (the entry's `writer`). */
  writer: string;
  /** The fencing token (etcd revision); null under Redlock. */
  token: number | null;
  /** Milliseconds after T0. */
  grantedMs: number;
  /** Milliseconds after T0; 100 ms after the grant unless given (a paused writer lands late). */
  writtenMs?: number;
}

/** The process that made a writer's appends: ledger-a's is writer-a. */
const processOf = (w: Write) => w.writer.replace('ledger-', 'writer-');

function entry(seq: number, w: Write, lock: string): LedgerEntry {
  return {
    seq,
    request: w.request,
    writer: w.writer,
    lock,
    token: w.token,
    grantedAtMs: T0 + w.grantedMs,
    leaseMs: LEASE_MS,
    writtenAtMs: T0 + (w.writtenMs ?? w.grantedMs + 100),
  };
}

function rejection(w: Write & { token: number }, fence: number): LedgerRejection {
  return {
    request: w.request,
    writer: w.writer,
    token: w.token,
    fence,
    grantedAtMs: T0 + w.grantedMs,
    leaseMs: LEASE_MS,
    rejectedAtMs: T0 + (w.writtenMs ?? w.grantedMs + 100),
  };
}

function appendRequest(w: Write, lock: string, resource = RESOURCE): LedgerAppendRequest {
  return { request: w.request, resource, lock, holdMs: 50 };
}

/** Starts `w`'s append; complete it with `landed`, or with a fail or an info. */
function startAppend(h: HistoryBuilder, w: Write, lock: string, resource = RESOURCE) {
  return h.invoke(processOf(w), OPERATIONS.ledgerAppend, appendRequest(w, lock, resource));
}

/** Completes `w`'s append ok: its entry (`seq`) landed. */
function landed(h: HistoryBuilder, w: Write, seq: number, lock: string): HistoryBuilder {
  const ok: LedgerAppendOk = { entry: entry(seq, w, lock) };
  return h.complete(processOf(w), 'ok', ok);
}

/** An append acknowledged ok right after its invoke. */
function append(
  h: HistoryBuilder,
  w: Write,
  seq: number,
  lock: string,
  resource = RESOURCE,
): HistoryBuilder {
  return landed(startAppend(h, w, lock, resource), w, seq, lock);
}

/** The final read of a resource: `entries` in the storage's order, and its refusals. */
function finalRead(
  h: HistoryBuilder,
  lock: string,
  entries: unknown[],
  rejections: unknown[] = [],
  resource = RESOURCE,
): HistoryBuilder {
  const value: LedgerFinalReadOk = {
    resource,
    lock,
    entries: entries as LedgerEntry[],
    rejections: rejections as LedgerRejection[],
  };
  return h.call('final', OPERATIONS.ledgerFinalRead, { resource }, 'ok', value);
}

/** The invoke and completion of `w`'s append in a history. */
function appendOps(ops: Op[], w: Write): Op[] {
  const invoke = ops.find(
    (op) =>
      op.f === OPERATIONS.ledgerAppend &&
      op.type === 'invoke' &&
      (op.value as LedgerAppendRequest).request === w.request,
  )!;
  const completion = ops.find(
    (op) => op.index > invoke.index && op.process === invoke.process && op.type !== 'invoke',
  )!;
  return [invoke, completion];
}

describe('lock-safety checker: valid histories', () => {
  it('passes sequential Redlock grants (no tokens) whose entries land in grant order', () => {
    const writes: Write[] = [
      { request: 'a-1', writer: 'ledger-a', token: null, grantedMs: 0 },
      { request: 'b-1', writer: 'ledger-b', token: null, grantedMs: 1_000 },
      { request: 'a-2', writer: 'ledger-a', token: null, grantedMs: 2_000 },
    ];
    const h = history();
    writes.forEach((w, i) => append(h.at(i + 1), w, i + 1, 'redlock'));
    finalRead(
      h.at(10),
      'redlock',
      writes.map((w, i) => entry(i + 1, w, 'redlock')),
    );

    const result = checkLockSafety(h.ops());
    assert.equal(result.checker, 'lock-safety');
    assertValid(result);
    assert.deepEqual(result.stats, {
      resources: 1,
      locks: { redlock: 1 },
      entries: 3,
      writers: { 'ledger-a': 2, 'ledger-b': 1 },
      appends: { ok: 3 },
      staleWrites: 0,
      fencedWrites: 0,
      maxLeaseOverrunMs: 0,
      malformed: 0,
    });
  });

  it('orders etcd grants by token, not by the writers’ clocks', () => {
    // ledger-a's clock runs 5 s ahead: by grant time a-1 came last, by token (the one total
    // order etcd gives) it came first, and the storage took it first.
    const writes: Write[] = [
      { request: 'a-1', writer: 'ledger-a', token: 7, grantedMs: 6_000 },
      { request: 'b-1', writer: 'ledger-b', token: 9, grantedMs: 1_500 },
      { request: 'b-2', writer: 'ledger-b', token: 12, grantedMs: 3_000 },
    ];
    const h = history();
    writes.forEach((w, i) => append(h.at(i + 1), w, i + 1, 'etcd-lease'));
    finalRead(
      h.at(10),
      'etcd-lease',
      writes.map((w, i) => entry(i + 1, w, 'etcd-lease')),
    );

    const result = checkLockSafety(h.ops());
    assertValid(result);
    assert.deepEqual(result.stats.locks, { 'etcd-lease': 1 });
    assert.equal(result.stats.entries, 3);
  });

  it('judges the entries in the storage’s order (seq), not the order the read listed them', () => {
    const first: Write = { request: 'a-1', writer: 'ledger-a', token: 3, grantedMs: 0 };
    const second: Write = { request: 'b-1', writer: 'ledger-b', token: 5, grantedMs: 1_000 };
    const h = history();
    append(h.at(1), first, 1, 'etcd-lease');
    append(h.at(2), second, 2, 'etcd-lease');
    finalRead(h.at(10), 'etcd-lease', [
      entry(2, second, 'etcd-lease'),
      entry(1, first, 'etcd-lease'),
    ]);

    assertValid(checkLockSafety(h.ops()));
  });

  it('passes a fenced write: the storage refused it, which is reported but does not invalidate', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: 10, grantedMs: 0 };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: 12, grantedMs: 3_500 };
    // ledger-a was paused past its lease holding token 10 and resumed after b-1 had written.
    const a2 = {
      request: 'a-2',
      writer: 'ledger-a',
      token: 11,
      grantedMs: 1_000,
      writtenMs: 9_000,
    } satisfies Write;
    const h = history();
    append(h.at(1), a1, 1, 'etcd-fenced');
    startAppend(h.at(2), a2, 'etcd-fenced');
    append(h.at(4), b1, 2, 'etcd-fenced');
    const refused: LedgerAppendRejected = { rejection: rejection(a2, 12) };
    h.at(9).complete('writer-a', 'fail', refused, { error: '409 fenced' });
    finalRead(
      h.at(10),
      'etcd-fenced',
      [entry(1, a1, 'etcd-fenced'), entry(2, b1, 'etcd-fenced')],
      [refused.rejection],
    );

    const ops = h.ops();
    const result = checkLockSafety(ops);
    assertFlagged(result, { 'fenced-write': 1 }, true);
    assert.equal(result.stats.fencedWrites, 1);
    assert.equal(result.stats.staleWrites, 0);
    assert.deepEqual(result.stats.appends, { ok: 2, fail: 1 });
    assert.deepEqual(result.stats.fencedWriteExamples, [
      "ledger-a's a-2 (token 11) refused: the storage had accepted token 12",
    ]);
    assert.deepEqual(result.exampleAnomalies, ['fenced-write']);
    assert.deepEqual(result.examples, [appendOps(ops, a2)]);
  });

  it('passes indeterminate appends, whether or not they landed', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: null, grantedMs: 0 };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: null, grantedMs: 1_000 };
    const a2: Write = { request: 'a-2', writer: 'ledger-a', token: null, grantedMs: 2_000 };
    const b2: Write = { request: 'b-2', writer: 'ledger-b', token: null, grantedMs: 3_000 };
    const h = history();
    append(h.at(1), a1, 1, 'redlock');
    // A timeout whose entry landed, and one whose entry did not.
    startAppend(h.at(2), b1, 'redlock').complete('writer-b', 'info', null, { error: 'timeout' });
    startAppend(h.at(3), a2, 'redlock').complete('writer-a', 'info', null, { error: '503' });
    // Never completed: the run ended first.
    startAppend(h.at(4), b2, 'redlock');
    finalRead(h.at(10), 'redlock', [entry(1, a1, 'redlock'), entry(2, b1, 'redlock')]);

    const result = checkLockSafety(h.ops());
    assertValid(result);
    assert.deepEqual(result.stats.appends, { ok: 1, info: 3 });
    assert.equal(result.stats.entries, 2);
  });
});

describe('lock-safety checker: anomalies', () => {
  it('flags a stale write under Redlock: an entry landing after one of a later grant (by grant time)', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: null, grantedMs: 0 };
    // ledger-a is paused just after its grant; its 2 s lease ends, ledger-b is granted and
    // writes, then ledger-a resumes and writes on a lock it no longer holds.
    const a2: Write = {
      request: 'a-2',
      writer: 'ledger-a',
      token: null,
      grantedMs: 1_000,
      writtenMs: 9_000,
    };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: null, grantedMs: 3_500 };
    const h = history();
    append(h.at(1), a1, 1, 'redlock');
    startAppend(h.at(2), a2, 'redlock');
    append(h.at(4), b1, 2, 'redlock');
    landed(h.at(9), a2, 3, 'redlock');
    finalRead(h.at(10), 'redlock', [
      entry(1, a1, 'redlock'),
      entry(2, b1, 'redlock'),
      entry(3, a2, 'redlock'),
    ]);

    const ops = h.ops();
    const result = checkLockSafety(ops);
    assertFlagged(result, { 'stale-write': 1 });
    assert.equal(result.stats.staleWrites, 1);
    // a-2 landed 9 s in on a lease that ended 3 s in.
    assert.equal(result.stats.maxLeaseOverrunMs, 6_000);
    assert.deepEqual(result.stats.staleWriteExamples, [
      "ledger-a's a-2 (granted 1.0 s in, lease 2000 ms) landed 8000 ms after its grant, after " +
        "ledger-b's b-1 (granted 3.5 s in) had written: the lock had passed on",
    ]);
    // The stale write, then the write of the later grant it landed after.
    assert.deepEqual(result.examples, [[...appendOps(ops, a2), ...appendOps(ops, b1)]]);
  });

  it('flags a stale write under an etcd lease by token, where the grant times alone would not show it', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: 20, grantedMs: 0 };
    // ledger-a's clock runs ahead: its grant of token 21 reads as later than ledger-b's of
    // token 25, so only the tokens show that its entry landed after a later grant's.
    const a2: Write = {
      request: 'a-2',
      writer: 'ledger-a',
      token: 21,
      grantedMs: 5_000,
      writtenMs: 9_000,
    };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: 25, grantedMs: 4_000 };
    const h = history();
    append(h.at(1), a1, 1, 'etcd-lease');
    startAppend(h.at(2), a2, 'etcd-lease');
    append(h.at(4), b1, 2, 'etcd-lease');
    landed(h.at(9), a2, 3, 'etcd-lease');
    finalRead(h.at(10), 'etcd-lease', [
      entry(1, a1, 'etcd-lease'),
      entry(2, b1, 'etcd-lease'),
      entry(3, a2, 'etcd-lease'),
    ]);

    const ops = h.ops();
    const result = checkLockSafety(ops);
    assertFlagged(result, { 'stale-write': 1 });
    assert.equal(result.stats.staleWrites, 1);
    assert.deepEqual(result.stats.staleWriteExamples, [
      "ledger-a's a-2 (token 21, lease 2000 ms) landed 4000 ms after its grant, after " +
        "ledger-b's b-1 (token 25) had written: the lock had passed on",
    ]);
    assert.deepEqual(result.examples, [[...appendOps(ops, a2), ...appendOps(ops, b1)]]);

    // The same entries without tokens (Redlock's) are in grant order: the tokens made the call.
    const untokened = history();
    finalRead(untokened, 'redlock', [
      entry(1, { ...a1, token: null }, 'redlock'),
      entry(2, { ...b1, token: null }, 'redlock'),
      entry(3, { ...a2, token: null }, 'redlock'),
    ]);
    assertValid(checkLockSafety(untokened.ops()));
  });

  it('flags an acknowledged append missing from its resource’s final read as a lost append', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: 4, grantedMs: 0 };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: 6, grantedMs: 1_000 };
    const other: Write = { request: 'a-9', writer: 'ledger-a', token: 8, grantedMs: 2_000 };
    const h = history();
    append(h.at(1), a1, 1, 'etcd-lease');
    append(h.at(2), b1, 2, 'etcd-lease');
    // Another resource's append is judged by that resource's final read, not this one's.
    append(h.at(3), other, 1, 'etcd-lease', 'ledger-2');
    finalRead(h.at(10), 'etcd-lease', [entry(1, a1, 'etcd-lease')]);
    finalRead(h.at(11), 'etcd-lease', [entry(1, other, 'etcd-lease')], [], 'ledger-2');

    const ops = h.ops();
    const result = checkLockSafety(ops);
    assertFlagged(result, { 'lost-append': 1 });
    assert.equal(result.stats.resources, 2);
    assert.deepEqual(result.examples, [appendOps(ops, b1)]);
  });

  it('cannot tell without a final read of the ledger', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: null, grantedMs: 0 };
    const h = history();
    append(h.at(1), a1, 1, 'redlock');
    // A final read that failed says nothing either.
    h.at(10).call('final', OPERATIONS.ledgerFinalRead, { resource: RESOURCE }, 'fail', null, {
      error: '503',
    });

    const result = checkLockSafety(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats.resources, 0);
    assert.equal(result.stats.note, 'no final read of the ledger');
    assert.deepEqual(result.stats.appends, { ok: 1 });
  });

  it('skips malformed entries, refusals and final reads', () => {
    const a1: Write = { request: 'a-1', writer: 'ledger-a', token: null, grantedMs: 0 };
    const b1: Write = { request: 'b-1', writer: 'ledger-b', token: null, grantedMs: 1_000 };
    const h = history();
    append(h.at(1), a1, 1, 'redlock');
    append(h.at(2), b1, 2, 'redlock');
    // Had either of the first two been read as an entry of a later grant, a-1's would be stale.
    const malformed = [
      { ...entry(0, b1, 'redlock'), token: 'none' },
      { ...entry(0, b1, 'redlock'), grantedAtMs: String(T0 + 5_000) },
      { ...entry(3, b1, 'redlock'), seq: undefined },
      null,
      'b-1',
      [],
    ];
    finalRead(
      h.at(10),
      'redlock',
      [...malformed, entry(1, a1, 'redlock'), entry(2, b1, 'redlock')],
      [{ request: 'c-1', writer: 'ledger-c', token: 'x', fence: 1 }, null],
    );
    // Not a final read's shape at all: no resource, entries not a list.
    h.at(11).call('final', OPERATIONS.ledgerFinalRead, { resource: RESOURCE }, 'ok', {
      lock: 'redlock',
      entries: 'none',
      rejections: [],
    });

    const result = checkLockSafety(h.ops());
    assertValid(result);
    assert.equal(result.stats.resources, 1);
    assert.equal(result.stats.entries, 2);
    assert.equal(result.stats.fencedWrites, 0);
    // Six entries, two refusals and one whole final read skipped.
    assert.equal(result.stats.malformed, 9);

    // A final read of the wrong shape alone is no final read.
    const onlyMalformed = history();
    onlyMalformed.call('final', OPERATIONS.ledgerFinalRead, { resource: RESOURCE }, 'ok', {
      resource: RESOURCE,
      lock: 'redlock',
      entries: [],
    });
    assert.equal(checkLockSafety(onlyMalformed.ops()).valid, 'unknown');
  });
});
