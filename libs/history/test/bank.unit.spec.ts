import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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

  it('property: random sequential transfers with correct reads are always valid', () => {
    const accounts = ['a', 'b', 'c', 'd'];
    const account = fc.constantFrom(...accounts);
    const step = fc.oneof(
      fc.record({ from: account, to: account, amount: fc.integer({ min: 1, max: 150 }) }),
      fc.constant('read' as const),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.array(fc.constantFrom('ok', 'info-done', 'info-not-done', 'fail' as const)),
        (steps, outcomes) => {
          const balances: Record<string, number> = { a: 100, b: 100, c: 100, d: 100 };
          const h = history().readBalances('reader', { ...balances });
          steps.forEach((s, i) => {
            if (s === 'read') {
              h.readBalances('reader', { ...balances });
              return;
            }
            // The bank refuses what would leave a negative balance; an indeterminate transfer
            // may have happened or not.
            const wanted = outcomes[i % Math.max(1, outcomes.length)] ?? 'ok';
            const possible = s.from !== s.to && balances[s.from]! >= s.amount;
            const applied = possible && wanted !== 'fail' && wanted !== 'info-not-done';
            if (applied) {
              balances[s.from]! -= s.amount;
              balances[s.to]! += s.amount;
            }
            const type = !possible || wanted === 'fail' ? 'fail' : wanted === 'ok' ? 'ok' : 'info';
            h.transfer('bank-1', s.from, s.to, s.amount, type);
          });
          const result = checkBank(h.ops(), { total: 400 });
          assert.equal(result.valid, true);
          assert.deepEqual(result.anomalies, {});
        },
      ),
    );
  });
});
