import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCartLww } from '../src/checkers/carts/lww';
import { OPERATIONS } from '../src/operations';
import { type HistoryBuilder, history } from './builder';
import { assertFlagged, assertValid } from './properties';

const REPLICAS = ['cassandra-0', 'cassandra-1', 'cassandra-2'];

/** carts-a's clock runs 30 s ahead of carts-b's (µs). */
const AHEAD = 30_000_000;

/** The final reads of a cart: `items` on every replica. */
function finalValue(h: HistoryBuilder, cart: string, items: string[]): HistoryBuilder {
  for (const replica of REPLICAS) h.cartFinalRead(cart, replica, items);
  return h;
}

describe('cart lww checker', () => {
  it('passes replaces that the latest stamp wins, in real time or concurrently', () => {
    const h = history()
      // In real-time order, clocks in step: the later replace wins.
      .at(1)
      .cartReplace('carts-a-1', 'cart-1', ['a-1'], 'QUORUM', 'ok', { writer: 'carts-a' })
      .at(2)
      .cartReplace('carts-b-1', 'cart-1', ['b-1', 'b-2'], 'ONE', 'ok', { writer: 'carts-b' })
      .cartReplace('carts-b-2', 'cart-1', ['b-3'], 'ALL', 'fail')
      // Concurrent: carts-b's replace is acknowledged while carts-a's (stamped ahead) is in flight.
      .at(3)
      .invoke('carts-a-2', OPERATIONS.cartReplace, {
        cart: 'cart-2',
        items: ['a-2'],
        consistency: 'QUORUM',
      })
      .cartReplace('carts-b-3', 'cart-2', ['b-4'], 'QUORUM', 'ok', { writer: 'carts-b' })
      .complete('carts-a-2', 'ok', { cart: 'cart-2', timestampMicros: 3e6 + AHEAD, writer: 'a' })
      // A timed-out replace may have happened: here it did, and won.
      .at(4)
      .cartReplace('carts-b-4', 'cart-3', ['b-5'])
      .cartReplace('carts-a-3', 'cart-3', ['a-3'], 'QUORUM', 'info')
      // Only a replace that certainly did not happen: the cart stays empty.
      .cartReplace('carts-a-4', 'cart-4', ['a-4'], 'ALL', 'fail')
      .at(20);
    finalValue(h, 'cart-1', ['b-2', 'b-1']);
    finalValue(h, 'cart-2', ['a-2']);
    finalValue(h, 'cart-3', ['a-3']);
    finalValue(h, 'cart-4', []);
    const result = checkCartLww(h.ops());
    assert.equal(result.checker, 'cart-lww');
    assertValid(result);
    assert.equal(result.stats.carts, 4);
    assert.equal(result.stats.replacesOk, 5);
    assert.equal(result.stats.replacesIndeterminate, 1);
    assert.equal(result.stats.replacesUnavailable, 2);
    assert.equal(result.stats.wonByIndeterminateReplace, 1);
    assert.equal(result.stats.lostUpdates, 0);
    assert.equal(result.stats.maxTimestampInversionSeconds, null);
  });

  it('flags ok replaces acknowledged after the winner completed, by writer, with the clock inversion', () => {
    const h = history()
      .at(1)
      .cartReplace('carts-a-1', 'cart-1', ['a-1'], 'QUORUM', 'ok', {
        writer: 'carts-a',
        timestampMicros: 1e6 + AHEAD,
      })
      .at(2)
      .cartReplace('carts-b-1', 'cart-1', ['b-1'], 'QUORUM', 'ok', { writer: 'carts-b' })
      .at(5)
      .cartReplace('carts-b-2', 'cart-1', ['b-2'], 'ALL', 'ok', { writer: 'carts-b' })
      .at(20);
    finalValue(h, 'cart-1', ['a-1']);
    const result = checkCartLww(h.ops());
    assertFlagged(result, { 'lost-update': 2 });
    assert.equal(result.stats.lostUpdates, 2);
    assert.deepEqual(result.stats.lostUpdatesByWriter, { 'carts-b': 2 });
    assert.equal(result.stats.maxTimestampInversionSeconds, 29);
    const [xInvoke, x, yInvoke, y, finalInvoke] = result.examples[0]!;
    assert.deepEqual(xInvoke!.value, { cart: 'cart-1', items: ['a-1'], consistency: 'QUORUM' });
    assert.deepEqual(x!.value, { cart: 'cart-1', timestampMicros: 31e6, writer: 'carts-a' });
    assert.deepEqual(yInvoke!.value, { cart: 'cart-1', items: ['b-1'], consistency: 'QUORUM' });
    assert.equal(y!.type, 'ok');
    assert.equal(finalInvoke!.f, OPERATIONS.cartFinalRead);
  });

  it('flags an ok replace that lost to an earlier timed-out one, without a known inversion', () => {
    const h = history()
      .at(1)
      .cartReplace('carts-a-1', 'cart-1', ['a-1'], 'QUORUM', 'info')
      .at(2)
      .cartReplace('carts-b-1', 'cart-1', ['b-1'], 'QUORUM', 'ok', { writer: 'carts-b' });
    finalValue(h, 'cart-1', ['a-1']);
    const result = checkCartLww(h.ops());
    assertFlagged(result, { 'lost-update': 1 });
    assert.equal(result.stats.maxTimestampInversionSeconds, null);
  });

  it('flags replicas that end with different items', () => {
    const h = history().cartReplace('w', 'cart-1', ['a-1']).cartReplace('w', 'cart-1', ['a-2']);
    h.cartFinalRead('cart-1', 'cassandra-0', ['a-1'])
      .cartFinalRead('cart-1', 'cassandra-1', ['a-2'])
      .cartFinalRead('cart-1', 'cassandra-2', ['a-2']);
    const result = checkCartLww(h.ops());
    assertFlagged(result, { 'replicas-diverge': 1 });
    assert.equal(result.examples[0]!.length, 2 * REPLICAS.length);
  });

  it('judges only the last final read of each replica', () => {
    const h = history().cartReplace('w', 'cart-1', ['a-1']).cartReplace('w', 'cart-1', ['a-2']);
    h.cartFinalRead('cart-1', 'cassandra-2', ['a-1']);
    finalValue(h, 'cart-1', ['a-2']);
    assertValid(checkCartLww(h.ops()));
  });

  it('flags final items that no replace which may have happened wrote', () => {
    const base = () =>
      history()
        .cartReplace('w', 'cart-1', ['a-1'])
        .cartReplace('w', 'cart-1', ['a-2'], 'ALL', 'fail');
    for (const items of [['a-3'], ['a-2'], ['a-1', 'a-2'], []]) {
      const result = checkCartLww(finalValue(base(), 'cart-1', items).ops());
      assertFlagged(result, { 'unknown-value': 1 });
    }
  });

  it('is unknown without final reads of every replaced cart', () => {
    assert.equal(checkCartLww([]).valid, 'unknown');
    const h = history().cartReplace('w', 'cart-1', ['a-1']).cartReplace('w', 'cart-2', ['a-2']);
    finalValue(h, 'cart-1', ['a-1']);
    const result = checkCartLww(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.equal(result.stats.cartsUnchecked, 1);
  });

  it('skips malformed replaces and final reads, and leaves add-only carts alone', () => {
    const h = history()
      .cartReplace('w', 'cart-1', ['a-1'])
      .call('w', OPERATIONS.cartReplace, { cart: 'cart-1', items: 'a-2' }, 'ok', {})
      .call('w', OPERATIONS.cartReplace, { items: ['a-3'] }, 'ok', {})
      .cartAdd('w', 'cart-2', 'c-1')
      .call('final', OPERATIONS.cartFinalRead, { cart: 'cart-1', replica: 'cassandra-0' }, 'ok', {
        items: null,
      });
    finalValue(h, 'cart-1', ['a-1']);
    finalValue(h, 'cart-2', ['something-else']);
    const result = checkCartLww(h.ops());
    assertValid(result);
    assert.equal(result.stats.malformed, 3);
    assert.equal(result.stats.carts, 1);
  });
});
