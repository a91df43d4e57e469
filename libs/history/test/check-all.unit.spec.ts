import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAll, CHECKERS } from '../src/check-all';
import { type CheckerResult, verdict } from '../src/checker-result';
import { history } from './builder';

const result = (valid: CheckerResult['valid']): CheckerResult => ({
  checker: 'x',
  valid,
  anomalies: {},
  stats: {},
  examples: [],
  exampleAnomalies: [],
});

describe('checkAll and verdict', () => {
  const run = () =>
    history()
      .readBalances('bank-reader', { a: 100, b: 100 })
      .transfer('bank-1', 'a', 'b', 10, 'ok')
      .readBalances('bank-reader', { a: 90, b: 110 })
      .pay('pay-1', 'k1', 'ok')
      .write('catalog-a-writer', 'sku-1', 1, 1_000)
      .read('reader-1', 'sku-1', 1)
      .order('orderer', 'order-k1', [{ sku: 'order-sku-1', qty: 2 }], 'ok', 'o1')
      .finalPayments({ k1: 1 })
      .finalRead('sku-1', 1, 'redis-1')
      .finalRead('sku-1', 1, 'redis-0', 'strong')
      .finalOrders({
        o1: {
          state: 'confirmed',
          items: [{ sku: 'order-sku-1', qty: 2 }],
          amount: 200,
          accountId: 'orders-acct',
        },
      })
      .finalOrderEffects({
        stock: { 'order-sku-1': { initial: 40, final: 38 } },
        charges: { o1: 1 },
        balances: { 'orders-acct': { initial: 2_000, final: 1_800 } },
      });

  it('runs every checker in order and finds a clean run valid', () => {
    const results = checkAll(run().ops(), { total: 200 });
    assert.deepEqual(
      results.map((r) => [r.checker, r.valid]),
      CHECKERS.map((name) => [name, true]),
    );
    assert.equal(verdict(results), 'valid');
  });

  it('runs only the checkers asked for, and says invalid when one finds an anomaly', () => {
    const results = checkAll(run().ops(), { total: 999, checkers: ['bank', 'payments'] });
    assert.deepEqual(
      results.map((r) => [r.checker, r.valid]),
      [
        ['bank', false],
        ['payments', true],
      ],
    );
    assert.equal(verdict(results), 'invalid');
  });

  it('verdict: invalid beats unknown, unknown beats valid', () => {
    assert.equal(verdict([result(true), result('unknown'), result(false)]), 'invalid');
    assert.equal(verdict([result(true), result('unknown')]), 'unknown');
    assert.equal(verdict([result(true)]), 'valid');
    assert.equal(verdict([]), 'valid');
  });
});
