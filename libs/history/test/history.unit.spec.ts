import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatHistory,
  HistoryRecorder,
  outcome,
  pairs,
  parseHistory,
  readHistory,
} from '../src/history';

/** A time source that returns the given readings in turn. */
function readings(...nanos: number[]): () => number {
  let i = 0;
  return () => nanos[Math.min(i++, nanos.length - 1)]!;
}

describe('HistoryRecorder', () => {
  it('assigns indexes in order and times from its time source, never going backwards', () => {
    const recorder = new HistoryRecorder({ now: readings(10, 20, 15, 30) });
    const a = recorder.invoke('p1', 'read', { sku: 'x' });
    recorder.invoke('p2', 'write', { sku: 'x', name: 'n' });
    recorder.ok('p1', { sku: 'x', version: 1 }, { node: 'redis-1' });
    recorder.info('p2', null, { error: 'timeout' });
    assert.equal(a.index, 0);
    assert.deepEqual(
      recorder.history().map((op) => [op.index, op.process, op.type, op.f, op.time]),
      [
        [0, 'p1', 'invoke', 'read', 10],
        [1, 'p2', 'invoke', 'write', 20],
        [2, 'p1', 'ok', 'read', 20],
        [3, 'p2', 'info', 'write', 30],
      ],
    );
    const [, , read, write] = recorder.history();
    assert.equal(read!.node, 'redis-1');
    assert.equal(write!.error, 'timeout');
    assert.equal(write!.value, null);
    assert.ok(!('node' in write!) && !('error' in read!));
  });

  it('keeps the trace id given with an op, on the op and in its JSON line, and none otherwise', () => {
    const recorder = new HistoryRecorder({ now: () => 0 });
    const trace = '0af7651916cd43dd8448eb211c80319c';
    recorder.invoke('p1', 'pay', { key: 'k' }, { trace });
    recorder.info('p1', null, { error: '503', trace });
    recorder.invoke('p1', 'pay', { key: 'k2' });
    recorder.ok('p1', { id: 'c2' }, { node: 'payments-0' });
    const history = recorder.history();
    assert.deepEqual(
      history.map((op) => op.trace),
      [trace, trace, undefined, undefined],
    );
    assert.ok(history.slice(2).every((op) => !('trace' in op)));
    const lines = formatHistory(history).split('\n');
    assert.match(lines[1]!, /"error":"503","trace":"0af7651916cd43dd8448eb211c80319c"\}$/);
    assert.doesNotMatch(lines[3]!, /trace/);
    assert.deepEqual(parseHistory(formatHistory(history)), history);
    assert.throws(
      () => parseHistory(`${JSON.stringify({ ...history[0], trace: 7 })}\n`),
      /line 1: trace is not a string/,
    );
  });

  it('refuses a second outstanding invoke and a completion that answers none', () => {
    const recorder = new HistoryRecorder({ now: () => 0 });
    const first = recorder.invoke('p1', 'pay', { key: 'k' });
    assert.throws(() => recorder.invoke('p1', 'pay', { key: 'k2' }), /outstanding invoke/);
    assert.throws(() => recorder.ok('p2'), /no outstanding invoke/);
    recorder.fail(first, { status: 409 });
    assert.throws(() => recorder.ok(first), /no outstanding invoke/);
    const second = recorder.invoke('p1', 'pay', { key: 'k' });
    assert.throws(() => recorder.ok(first), /not outstanding/);
    assert.deepEqual(recorder.outstanding(), [second]);
  });

  it('streams JSON Lines to a file that reads back as the same history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-'));
    try {
      const file = join(dir, 'nested', 'history.jsonl');
      const recorder = new HistoryRecorder({ file });
      const op = recorder.invoke('payments-1', 'transfer', { from: 'a', to: 'b', amount: 5 });
      recorder.ok(op, { id: 't1' }, { node: 'payments-0' });
      await recorder.flush();
      assert.deepEqual(await readHistory(file), recorder.history());
      recorder.invoke('nemesis', 'heal', {});
      await recorder.close();
      const text = await readFile(file, 'utf8');
      assert.equal(text, formatHistory(recorder.history()));
      assert.equal(text.split('\n').length, 4);
      assert.throws(() => recorder.invoke('x', 'read', null), /closed/);
      await recorder.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a file it cannot write on flush and close, and still keeps the history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-'));
    try {
      const recorder = new HistoryRecorder({ file: dir }); // a directory: EISDIR
      recorder.invoke('p', 'read', null);
      await assert.rejects(recorder.flush(), /EISDIR/);
      await assert.rejects(recorder.close(), /EISDIR/);
      assert.equal(recorder.size, 1);
      await writeFile(join(dir, 'plain'), '');
      assert.throws(
        () => new HistoryRecorder({ file: join(dir, 'plain', 'h.jsonl') }),
        /ENOTDIR|EEXIST/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseHistory', () => {
  const line = (index: number, type = 'invoke') =>
    JSON.stringify({ index, process: 'p', type, f: 'read', value: null, time: index });

  it('drops a last line cut short, and names a bad line otherwise', () => {
    const text = `${line(0)}\n${line(1, 'ok')}\n{"index":2,"proc`;
    assert.deepEqual(
      parseHistory(text).map((op) => op.index),
      [0, 1],
    );
    assert.throws(() => parseHistory(`${line(0)}\n{"index":\n${line(1)}\n`), /line 2: not JSON/);
    assert.throws(() => parseHistory(`${line(0, 'maybe')}\n`), /line 1: bad type maybe/);
    assert.throws(() => parseHistory(`{"index":0}\n`), /line 1/);
  });
});

describe('pairs', () => {
  it('pairs each invoke with its process’s next completion; an unfinished one has none', () => {
    const recorder = new HistoryRecorder({ now: () => 0 });
    recorder.invoke('a', 'read', 1);
    recorder.invoke('b', 'write', 2);
    recorder.ok('b', 'done');
    recorder.invoke('b', 'read', 3);
    recorder.fail('a', 'nope');
    const result = pairs(recorder.history());
    assert.deepEqual(
      result.map((p) => [p.invoke.value, p.completion?.value, outcome(p)]),
      [
        [1, 'nope', 'fail'],
        [2, 'done', 'ok'],
        [3, undefined, 'info'],
      ],
    );
  });

  it('property: every completion pairs with the invoke of its process, in any interleaving', () => {
    const step = fc.record({
      process: fc.constantFrom('p1', 'p2', 'p3', 'nemesis'),
      f: fc.constantFrom('read', 'write', 'pay'),
      type: fc.constantFrom('ok' as const, 'fail' as const, 'info' as const),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const recorder = new HistoryRecorder({ now: () => 0 });
        for (const { process, f, type } of steps) {
          if (recorder.outstanding().some((op) => op.process === process)) {
            recorder.complete(process, type, null);
          } else {
            recorder.invoke(process, f, null);
          }
        }
        const history = recorder.history();
        const result = pairs(history);
        assert.equal(result.length, history.filter((op) => op.type === 'invoke').length);
        for (const { invoke, completion } of result) {
          if (!completion) {
            assert.ok(recorder.outstanding().some((op) => op.index === invoke.index));
            continue;
          }
          assert.equal(completion.process, invoke.process);
          assert.equal(completion.f, invoke.f);
          assert.ok(completion.index > invoke.index);
          // Nothing of the same process in between: at most one outstanding invoke.
          const between = history.slice(invoke.index + 1, completion.index);
          assert.ok(between.every((op) => op.process !== invoke.process));
        }
        assert.deepEqual(parseHistory(formatHistory(history)), history);
      }),
    );
  });
});
