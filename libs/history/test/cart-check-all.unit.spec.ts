import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CART_CHECKERS, checkAll, CHECKERS } from '../src/check-all';
import { history } from './builder';

describe('checkAll and the cart checkers', () => {
  const run = () => {
    const h = history()
      .at(0)
      .cartAdd('carts-a-1', 'cart-1', 'a-1', 'ONE')
      .cartReplace('carts-b-1', 'cart-2', ['b-1'])
      .at(1)
      .cartRead('reader-1', 'cart-1', [], 'QUORUM')
      .at(2)
      .heal()
      .at(20);
    for (const replica of ['cassandra-0', 'cassandra-1', 'cassandra-2']) {
      h.cartFinalRead('cart-1', replica, ['a-1']).cartFinalRead('cart-2', replica, ['b-1']);
    }
    return h.ops();
  };

  it('runs the cart checkers only when named', () => {
    assert.deepEqual(
      checkAll(run()).map((r) => r.checker),
      [...CHECKERS],
    );
    const results = checkAll(run(), { checkers: CART_CHECKERS });
    assert.deepEqual(
      results.map((r) => [r.checker, r.valid]),
      [
        ['cart-staleness', true], // ONE/QUORUM: W + R = N, a stale read is allowed
        ['cart-convergence', true],
        ['cart-lww', true],
      ],
    );
  });

  it('passes the replication factor and the carts’ convergence limit on', () => {
    const [staleness, convergence] = checkAll(run(), {
      checkers: ['cart-staleness', 'cart-convergence'],
      replicationFactor: 2, // ONE/QUORUM of two replicas overlap
      cartConvergenceLimitSeconds: 10, // the final reads come 17.999 s after the heal
    });
    assert.deepEqual(staleness!.anomalies, { 'stale-quorum-read': 1 });
    assert.deepEqual(convergence!.anomalies, { 'not-converged': 1 });
  });
});
