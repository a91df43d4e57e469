import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCartConvergence } from '../src/checkers/carts/convergence';
import { type CartAddRequest, type CartWriteOk, OPERATIONS } from '../src/operations';
import { type HistoryBuilder, history } from './builder';
import { assertFlagged, assertValid } from './properties';

const REPLICAS = ['cassandra-0', 'cassandra-1', 'cassandra-2'];

/** One round of final reads: `items` on every replica, but `behind`'s on the replicas it names. */
function round(
  h: HistoryBuilder,
  cart: string,
  items: string[],
  behind: Record<string, string[]> = {},
): HistoryBuilder {
  for (const replica of REPLICAS) h.cartFinalRead(cart, replica, behind[replica] ?? items);
  return h;
}

/** Invokes an add of `item` to cart-1 that stays in flight until `addOk` answers it. */
const addInvoke = (h: HistoryBuilder, process: string, item: string): HistoryBuilder =>
  h.invoke(process, OPERATIONS.cartAdd, {
    cart: 'cart-1',
    item,
    consistency: 'QUORUM',
  } satisfies CartAddRequest);

const addOk = (h: HistoryBuilder, process: string): HistoryBuilder =>
  h.complete(
    process,
    'ok',
    { cart: 'cart-1', timestampMicros: 0, writer: 'carts-a' } satisfies CartWriteOk,
    { node: 'carts-a' },
  );

/**
 * cassandra-2 is cut off while a-2 is added (QUORUM: two replicas suffice), and healed at 10 s
 * (heal ok at 10.001); b-1 timed out and reached cassandra-0 only.
 */
const partitioned = (): HistoryBuilder =>
  history()
    .at(0)
    .cartAdd('carts-a-1', 'cart-1', 'a-1')
    .drill('partition', 'cassandra-2')
    .at(1)
    .cartAdd('carts-a-2', 'cart-1', 'a-2')
    .cartAdd('carts-b-1', 'cart-1', 'b-1', 'QUORUM', 'info')
    .cartAdd('carts-b-2', 'cart-1', 'b-2', 'ALL', 'fail')
    .at(10)
    .heal();

describe('cart convergence checker', () => {
  it('passes a ring whose behind replica catches up after the heal, and measures when', () => {
    const h = partitioned().at(12);
    round(h, 'cart-1', ['a-1', 'a-2', 'b-1'], { 'cassandra-2': ['a-1'] }).at(15);
    round(h, 'cart-1', ['a-1', 'a-2', 'b-1'], { 'cassandra-2': ['a-1', 'a-2'] });
    const result = checkCartConvergence(h.ops());
    assert.equal(result.checker, 'cart-convergence');
    assertValid(result);
    assert.equal(result.stats.replicas, 3);
    assert.equal(result.stats.carts, 1);
    assert.equal(result.stats.finalReads, 6);
    assert.equal(result.stats.addsOk, 2);
    assert.equal(result.stats.addsIndeterminate, 1);
    assert.equal(result.stats.addsUnavailable, 1);
    assert.equal(result.stats.convergedMeasuredFrom, 'heal');
    // cassandra-2's read invoked at 15.004 is its first caught up.
    assert.equal(result.stats.convergedSecondsAfterHeal, 5.003);
    assert.equal(result.stats.convergence, 'converged');
  });

  it('flags a ring that converged later than the limit after the heal', () => {
    const h = partitioned().at(12);
    round(h, 'cart-1', ['a-1', 'a-2'], { 'cassandra-2': ['a-1'] }).at(45);
    round(h, 'cart-1', ['a-1', 'a-2']);
    const late = checkCartConvergence(h.ops());
    assertFlagged(late, { 'not-converged': 1 });
    assert.equal(late.stats.convergedSecondsAfterHeal, 35.003);
    assert.equal(late.stats.convergence, 'converged late');
    const [healInvoke, , behindInvoke, behind, caughtUpInvoke, caughtUp] = late.examples[0]!;
    assert.equal(healInvoke!.f, OPERATIONS.heal);
    assert.deepEqual(behindInvoke!.value, { cart: 'cart-1', replica: 'cassandra-2' });
    assert.deepEqual(behind!.value, { cart: 'cart-1', items: ['a-1'] });
    assert.equal(caughtUpInvoke!.time, 45e9 + 4e6);
    assert.equal(caughtUp!.node, 'cassandra-2');

    assertValid(checkCartConvergence(h.ops(), { convergenceLimitSeconds: 40 }));
  });

  it('counts a final read polled while adds go on as caught up when it holds those done before', () => {
    const h = partitioned().at(10.2).cartAdd('carts-a-3', 'cart-1', 'a-3').at(10.5);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3']).at(10.8).cartAdd('carts-a-4', 'cart-1', 'a-4');
    // a-5 is still in flight while the next round is read: it may show or not.
    addInvoke(h.at(11.9), 'carts-a-5', 'a-5').at(12);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3', 'a-4'], {
      'cassandra-1': ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'],
    });
    addOk(h.at(12.5), 'carts-a-5').at(13);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    const result = checkCartConvergence(h.ops());
    assertValid(result);
    // Every replica is caught up from its first read after the heal (cassandra-2's at 10.504).
    assert.equal(result.stats.convergedSecondsAfterHeal, 0.503);
  });

  it('measures when a replica first holds every add done before its reads, adds going on', () => {
    const h = partitioned().at(10.2).cartAdd('carts-a-3', 'cart-1', 'a-3');
    for (const at of [11, 12]) {
      round(h.at(at), 'cart-1', ['a-1', 'a-2', 'a-3'], { 'cassandra-2': ['a-1', 'a-3'] });
    }
    h.at(12.5).cartAdd('carts-a-4', 'cart-1', 'a-4').at(13);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3', 'a-4']).at(13.5).cartAdd('carts-a-5', 'cart-1', 'a-5');
    round(h.at(14), 'cart-1', ['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    const result = checkCartConvergence(h.ops());
    assertValid(result);
    // cassandra-2's read at 13.004 is its first that holds a-2; a-5 came after it.
    assert.equal(result.stats.convergedSecondsAfterHeal, 3.003);

    const late = checkCartConvergence(h.ops(), { convergenceLimitSeconds: 2 });
    assertFlagged(late, { 'not-converged': 1 });
    const [, , behindInvoke, , caughtUpInvoke] = late.examples[0]!;
    assert.equal(behindInvoke!.time, 12e9 + 4e6);
    assert.equal(caughtUpInvoke!.time, 13e9 + 4e6);
  });

  it('does not count final reads invoked before the heal toward when the ring converged', () => {
    const before = (items: string[]): HistoryBuilder => {
      const h = history().at(0).cartAdd('w', 'cart-1', 'a-1').drill('partition', 'cassandra-2');
      round(h.at(5), 'cart-1', ['a-1'], { 'cassandra-2': items }).at(10).heal().at(12);
      return round(h, 'cart-1', ['a-1']);
    };
    const result = checkCartConvergence(before(['a-1']).ops());
    assertValid(result);
    // Caught up at 5 s already, but only the reads at 12 s tell of the ring after the heal.
    assert.equal(result.stats.convergedSecondsAfterHeal, 2.003);

    // A read before the heal is still checked for phantom items.
    const phantom = checkCartConvergence(before(['a-1', 'x']).ops());
    assertFlagged(phantom, { 'phantom-item': 1 });
    assert.equal(phantom.examples[0]![0]!.time, 5e9 + 4e6);
  });

  it('does not expect of a last final read an add completed after it was invoked', () => {
    // a-3 and a-4 complete after the last round was invoked; cassandra-0 shows a-3 already.
    const h = addInvoke(partitioned().at(11.9), 'carts-a-3', 'a-3');
    addInvoke(h, 'carts-a-4', 'a-4').at(12);
    round(h, 'cart-1', ['a-1', 'a-2'], { 'cassandra-0': ['a-1', 'a-2', 'a-3'] }).at(12.5);
    addOk(h, 'carts-a-3');
    const held = checkCartConvergence(h.ops());
    assertValid(held);
    assert.deepEqual(held.stats.replicasBehindByReplica, {});

    // Held by none, a-4 may have reached a replica after its last read: that cannot be told.
    const unheld = checkCartConvergence(addOk(h, 'carts-a-4').ops());
    assert.equal(unheld.valid, 'unknown');
    assert.deepEqual(unheld.anomalies, {});
    assert.equal(unheld.stats.cartsUnchecked, 1);
  });

  it('measures from the first final read without a heal', () => {
    const h = history().at(0).cartAdd('w', 'cart-1', 'a-1').at(5);
    round(h, 'cart-1', ['a-1'], { 'cassandra-1': [] }).at(8);
    round(h, 'cart-1', ['a-1']);
    const result = checkCartConvergence(h.ops());
    assertValid(result);
    assert.equal(result.stats.convergedMeasuredFrom, 'first final read');
    assert.equal(result.stats.convergedSecondsAfterHeal, 3.002);
  });

  it('flags an acknowledged add no replica holds at the end as lost', () => {
    const h = partitioned().at(12);
    round(h, 'cart-1', ['a-1', 'b-1']);
    const result = checkCartConvergence(h.ops());
    assertFlagged(result, { 'lost-add': 1 });
    assert.equal(result.stats.convergedSecondsAfterHeal, null);
    const example = result.examples[0]!;
    assert.deepEqual(example[0]!.value, { cart: 'cart-1', item: 'a-2', consistency: 'QUORUM' });
    assert.equal(example.length, 2 + 2 * REPLICAS.length); // the add and every last final read
  });

  it('flags each replica that ends without an acknowledged add another holds, once per cart', () => {
    const h = partitioned().cartAdd('carts-a-3', 'cart-1', 'a-3').at(12);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3'], { 'cassandra-2': ['a-1', 'a-2', 'a-3'] }).at(13);
    round(h, 'cart-1', ['a-1', 'a-2', 'a-3'], { 'cassandra-2': ['a-1'] }); // went back
    const result = checkCartConvergence(h.ops());
    assertFlagged(result, { 'replica-behind': 1 });
    assert.deepEqual(result.stats.replicasBehindByReplica, { 'cassandra-2': 1 });
    const [addInvoke, , , behind, , holder] = result.examples[0]!;
    assert.equal((addInvoke!.value as { item: string }).item, 'a-2');
    assert.equal(behind!.node, 'cassandra-2');
    assert.equal(holder!.node, 'cassandra-0');
  });

  it('flags an item in a final read that no add which may have happened wrote', () => {
    const h = partitioned().at(12);
    round(h, 'cart-1', ['a-1', 'a-2'], { 'cassandra-1': ['a-1', 'a-2', 'b-2'] });
    const result = checkCartConvergence(h.ops());
    assertFlagged(result, { 'phantom-item': 1 });
    assert.equal(result.examples[0]![1]!.node, 'cassandra-1');
  });

  it('is unknown without final reads, or with a cart not read on every replica', () => {
    assert.equal(checkCartConvergence([]).valid, 'unknown');
    assert.equal(checkCartConvergence(partitioned().ops()).valid, 'unknown');

    const h = partitioned().cartAdd('w', 'cart-2', 'c-1').at(12);
    round(h, 'cart-1', ['a-1', 'a-2']);
    // cassandra-2 is not read for cart-2, and the others lack c-1: it may be there.
    h.cartFinalRead('cart-2', 'cassandra-0', []).cartFinalRead('cart-2', 'cassandra-1', []);
    const result = checkCartConvergence(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats.cartsUnchecked, 1);
  });

  it('leaves replaced carts to the lww checker, and skips malformed final reads', () => {
    const h = partitioned()
      .cartReplace('carts-b-3', 'cart-2', ['b-3'])
      .at(12)
      .cartFinalRead('cart-2', 'cassandra-0', ['something-else'])
      .call('final', OPERATIONS.cartFinalRead, { cart: 'cart-1' }, 'ok', {
        cart: 'cart-1',
        items: ['x'],
      })
      .call('final', OPERATIONS.cartFinalRead, { cart: 'cart-1', replica: 'cassandra-0' }, 'ok', {
        items: [1],
      });
    round(h, 'cart-1', ['a-1', 'a-2']);
    const result = checkCartConvergence(h.ops());
    assertValid(result);
    assert.equal(result.stats.malformed, 2);
    assert.equal(result.stats.carts, 1);
  });
});
