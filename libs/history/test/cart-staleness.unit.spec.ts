import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkStaleCarts } from '../src/checkers/carts/staleness';
import {
  CART_CONSISTENCIES,
  type CartConsistency,
  OPERATIONS,
  replicasFor,
} from '../src/operations';
import { history } from './builder';
import { assertFlagged, assertValid, RUNS } from './properties';

describe('cart staleness checker', () => {
  it('passes QUORUM writes and reads, one of them during a partition, that see every acknowledged add', () => {
    const h = history()
      .at(0)
      .cartAdd('carts-a-1', 'cart-1', 'carts-a-1')
      .at(1)
      .drill('partition', 'cassandra-2')
      .cartAdd('carts-b-1', 'cart-1', 'carts-b-1')
      .cartRead('reader-1', 'cart-1', ['carts-a-1', 'carts-b-1']) // two replicas of three answer
      .cartRead('reader-1', 'cart-1', [], 'ALL', 'fail') // Unavailable: did not happen
      .cartAdd('carts-a-2', 'cart-1', 'carts-a-2', 'ALL', 'fail')
      .at(5)
      .heal()
      .cartRead('reader-2', 'cart-1', ['carts-b-1', 'carts-a-1'], 'ALL');
    const result = checkStaleCarts(h.ops());
    assert.equal(result.checker, 'cart-staleness');
    assertValid(result);
    assert.equal(result.stats.reads, 2);
    assert.deepEqual(result.stats.readsByConsistency, { QUORUM: 1, ALL: 1 });
    assert.equal(result.stats.readsUnavailable, 1);
    assert.equal(result.stats.addsOk, 2);
    assert.equal(result.stats.addsUnavailable, 1);
    assert.equal(result.stats.stale, 0);
  });

  it('reports ONE/ONE stale reads, their count and max age, and stays valid', () => {
    const h = history()
      .at(0)
      .cartAdd('carts-a-1', 'cart-1', 'a-1', 'ONE') // ok at 0.001
      .at(1)
      .cartAdd('carts-b-1', 'cart-1', 'b-1', 'ONE') // ok at 1.001
      .at(3)
      .cartRead('reader-1', 'cart-1', ['b-1'], 'ONE') // invoked at 3: a-1 missed for 2.999 s
      .cartRead('reader-2', 'cart-1', ['a-1'], 'ONE') // b-1 missed for 1.997 s
      .cartRead('reader-3', 'cart-1', ['a-1', 'b-1'], 'ONE');
    const result = checkStaleCarts(h.ops());
    assertFlagged(result, { 'stale-read': 2 }, true);
    assert.equal(result.stats.stale, 2);
    assert.equal(result.stats.staleQuorum, 0);
    assert.deepEqual(result.stats.staleByPair, { 'ONE/ONE': 2 });
    assert.equal(result.stats.staleAgeMaxSeconds, 2.999);
    assert.deepEqual(result.stats.staleAgeMaxSecondsByPair, { 'ONE/ONE': 2.999 });
    const [addInvoke, add, readInvoke, read] = result.examples[0]!;
    assert.deepEqual(addInvoke!.value, { cart: 'cart-1', item: 'a-1', consistency: 'ONE' });
    assert.equal(add!.type, 'ok');
    assert.equal(readInvoke!.process, 'reader-1');
    assert.deepEqual(read!.value, { cart: 'cart-1', items: ['b-1'] });
  });

  it('flags a stale read exactly where W + R > N', () => {
    for (const w of CART_CONSISTENCIES) {
      for (const r of CART_CONSISTENCIES) {
        const h = history()
          .at(0)
          .cartAdd('carts-a-1', 'cart-1', 'a-1', w)
          .at(1)
          .cartRead('reader-1', 'cart-1', [], r);
        const promised = replicasFor(w, 3) + replicasFor(r, 3) > 3;
        const result = checkStaleCarts(h.ops());
        const anomaly = promised ? 'stale-quorum-read' : 'stale-read';
        assertFlagged(result, { [anomaly]: 1 }, !promised);
        assert.deepEqual(result.stats.staleByPair, { [`${w}/${r}`]: 1 }, `${w}/${r}`);
      }
    }
    // Five replicas: QUORUM is three of them, and QUORUM/QUORUM still overlaps.
    const five = history().cartAdd('w', 'cart-1', 'a-1').cartRead('r', 'cart-1', [], 'QUORUM');
    assert.deepEqual(checkStaleCarts(five.ops(), { replicationFactor: 5 }).anomalies, {
      'stale-quorum-read': 1,
    });
    const oneOfFive = history()
      .cartAdd('w', 'cart-1', 'a-1', 'ALL')
      .cartRead('r', 'cart-1', [], 'ONE');
    assert.equal(checkStaleCarts(oneOfFive.ops(), { replicationFactor: 5 }).valid, false);
  });

  it('judges a stale read by the first missed add it had a quorum promise for', () => {
    const h = history()
      .at(0)
      .cartAdd('carts-a-1', 'cart-1', 'a-1', 'ONE')
      .at(2)
      .cartAdd('carts-a-2', 'cart-1', 'a-2', 'ALL') // ok at 2.001
      .at(5)
      .cartRead('reader-1', 'cart-1', [], 'ONE');
    const result = checkStaleCarts(h.ops());
    assertFlagged(result, { 'stale-quorum-read': 1 });
    assert.deepEqual(result.stats.staleByPair, { 'ALL/ONE': 1 });
    assert.equal(result.stats.staleAgeMaxSeconds, 2.999);
    assert.equal((result.examples[0]![0]!.value as { item: string }).item, 'a-2');
  });

  it('never lets an add that is not ok, or not yet acknowledged, make a read stale', () => {
    const h = history()
      .at(0)
      .cartAdd('carts-a-1', 'cart-1', 'a-1', 'ALL', 'fail')
      .cartAdd('carts-a-2', 'cart-1', 'a-2', 'ALL', 'info')
      .cartAdd('carts-a-3', 'cart-1', 'a-3', 'ALL', 'open')
      .invoke('carts-b-1', OPERATIONS.cartAdd, { cart: 'cart-1', item: 'b-1', consistency: 'ALL' })
      .at(1)
      .cartRead('reader-1', 'cart-1', ['a-2'], 'ALL') // the info add may have happened
      .complete('carts-b-1', 'ok', { cart: 'cart-1', timestampMicros: 0, writer: 'carts-b' })
      .cartRead('reader-2', 'cart-1', ['b-1', 'a-3'], 'ALL');
    const result = checkStaleCarts(h.ops());
    assertValid(result);
    assert.equal(result.stats.addsIndeterminate, 2);
    assert.equal(result.stats.addsUnavailable, 1);
  });

  it('flags an item no add that may have happened wrote as a phantom', () => {
    const h = history()
      .cartAdd('carts-a-1', 'cart-1', 'a-1')
      .cartAdd('carts-a-2', 'cart-1', 'a-2', 'ALL', 'fail') // Unavailable: certainly not written
      .cartAdd('carts-a-3', 'cart-2', 'a-3')
      .cartRead('reader-1', 'cart-1', ['a-1', 'a-2'])
      .cartRead('reader-1', 'cart-1', ['a-1', 'a-3']) // cart-2's item
      .cartRead('reader-1', 'cart-1', ['a-1', 'nobody']);
    const result = checkStaleCarts(h.ops());
    assertFlagged(result, { 'phantom-item': 3 });
    assert.equal(result.stats.phantomReads, 3);
    assert.deepEqual(
      result.examples[0]!.map((op) => [op.type, op.f]),
      [
        ['invoke', 'cart-read'],
        ['ok', 'cart-read'],
      ],
    );
  });

  it('leaves replaced carts to the lww checker', () => {
    const h = history()
      .cartAdd('carts-a-1', 'cart-1', 'a-1')
      .cartReplace('carts-b-1', 'cart-1', ['b-1'], 'QUORUM', 'fail')
      .cartRead('reader-1', 'cart-1', ['b-1']);
    const result = checkStaleCarts(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats.reads, 0);
  });

  it('is unknown without any ok read of an add-only cart', () => {
    assert.equal(checkStaleCarts([]).valid, 'unknown');
    const h = history().cartAdd('w', 'cart-1', 'a-1').cartRead('r', 'cart-1', [], 'ALL', 'fail');
    assert.equal(checkStaleCarts(h.ops()).valid, 'unknown');
  });

  it('skips and counts malformed adds and reads', () => {
    const h = history()
      .cartAdd('w', 'cart-1', 'a-1')
      .call('w', OPERATIONS.cartAdd, { cart: 'cart-1', item: 'a-2', consistency: 'TWO' }, 'ok', {})
      .call('w', OPERATIONS.cartAdd, { item: 'a-3', consistency: 'ONE' }, 'ok', {})
      .call('r', OPERATIONS.cartRead, { cart: 'cart-1' }, 'ok', { cart: 'cart-1', items: [] })
      .call('r', OPERATIONS.cartRead, { cart: 'cart-1', consistency: 'ALL' }, 'ok', {
        cart: 'cart-1',
        items: 'a-1',
      })
      .call('r', OPERATIONS.cartRead, { cart: 'cart-1', consistency: 'ALL' }, 'ok', null)
      .cartRead('r', 'cart-1', ['a-1']);
    const result = checkStaleCarts(h.ops());
    assertValid(result);
    assert.equal(result.stats.malformed, 5);
    assert.equal(result.stats.reads, 1);
  });

  it('property: reads of a simulated ring are stale only below the levels’ overlap, and counted as such', () => {
    const replicas = ['cassandra-0', 'cassandra-1', 'cassandra-2'];
    const level = fc.constantFrom(...CART_CONSISTENCIES);
    /** An add reaches at least the replicas its level waits for; a read asks exactly as many. */
    const reached = (c: CartConsistency, exactly: boolean) =>
      fc.shuffledSubarray(replicas, {
        minLength: replicasFor(c, 3),
        maxLength: exactly ? replicasFor(c, 3) : 3,
      });
    const step = fc.oneof(
      level.chain((c) => fc.record({ add: fc.constant(c), at: reached(c, false) })),
      level.chain((c) => fc.record({ read: fc.constant(c), at: reached(c, true) })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const held = new Map(replicas.map((r) => [r, new Set<string>()]));
        const acked: string[] = [];
        let stale = 0;
        const h = history();
        steps.forEach((s, i) => {
          h.at(i);
          if ('add' in s) {
            for (const r of s.at) held.get(r)!.add(`item-${i}`);
            acked.push(`item-${i}`);
            h.cartAdd(`writer-${i}`, 'cart', `item-${i}`, s.add);
          } else {
            const items = new Set(s.at.flatMap((r) => [...held.get(r)!]));
            if (acked.some((item) => !items.has(item))) stale++;
            h.cartRead(`reader-${i}`, 'cart', [...items], s.read);
          }
        });
        const result = checkStaleCarts(h.ops());
        assert.equal(result.anomalies['stale-quorum-read'], undefined);
        assert.equal(result.anomalies['phantom-item'], undefined);
        assert.equal(result.anomalies['stale-read'] ?? 0, stale);
        assert.equal(result.valid, steps.some((s) => 'read' in s) ? true : 'unknown');
      }),
      RUNS,
    );
  });
});
