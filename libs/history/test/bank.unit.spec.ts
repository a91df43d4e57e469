import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBank } from '../src/checkers/bank';
import { history } from './builder';

const TOTAL = 300;
const start = { a: 100, b: 100, c: 100 };

describe('bank checker', () => {
  it('passes a history whose reads all sum to the total', () => {
    const h = history()
      .readBalances('reader', start)
      .transfer('bank-1', 'a', 'b', 30, 'ok')
      .transfer('bank-2', 'c', 'a', 500, 'fail')
      .transfer('bank-1', 'b', 'c', 10, 'info')
      .readBalances('reader', { a: 70, b: 130, c: 100 })
      .readBalances('reader', { a: 70, b: 120, c: 110 }); // the info transfer happened: fine
    const result = checkBank(h.ops(), { total: TOTAL });
    assert.equal(result.checker, 'bank');
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.deepEqual(result.examples, []);
    assert.equal(result.stats['reads-checked'], 3);
    assert.equal(result.stats['transfers-ok'], 1);
    assert.equal(result.stats['transfers-fail'], 1);
    assert.equal(result.stats['transfers-info'], 1);
  });

  it('detects a read whose balances do not sum to the total, and shows it', () => {
    const h = history()
      .readBalances('reader', start)
      .transfer('bank-1', 'a', 'b', 30, 'ok')
      .readBalances('reader', { a: 70, b: 100, c: 100 }); // the credit to b is missing
    const result = checkBank(h.ops(), { total: TOTAL });
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'wrong-total': 1 });
    assert.deepEqual(result.exampleAnomalies, ['wrong-total']);
    const [invoke, completion] = result.examples[0]!;
    assert.equal(invoke!.f, 'read-balances');
    assert.deepEqual(completion!.value, { balances: { a: 70, b: 100, c: 100 } });
  });

  it('detects a negative balance even when the total holds', () => {
    const h = history().readBalances('reader', { a: -20, b: 220, c: 100 });
    const result = checkBank(h.ops(), { total: TOTAL });
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'negative-balance': 1 });
  });

  it('never counts an indeterminate or unfinished transfer as lost', () => {
    const h = history()
      .transfer('bank-1', 'a', 'b', 50, 'info')
      .transfer('bank-2', 'b', 'c', 20, 'open')
      .readBalances('reader', start);
    const result = checkBank(h.ops(), { total: TOTAL });
    assert.equal(result.valid, true);
    assert.equal(result.stats['transfers-info'], 2);
  });

  it('is unknown without an ok read, or without a total', () => {
    const none = history().transfer('bank-1', 'a', 'b', 5, 'ok').ops();
    assert.equal(checkBank(none, { total: TOTAL }).valid, 'unknown');
    const read = history().readBalances('reader', start).ops();
    assert.equal(checkBank(read).valid, 'unknown');
  });
});
