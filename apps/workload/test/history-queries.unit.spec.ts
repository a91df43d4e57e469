import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { history } from '../../../libs/history/test/builder';
import { acceptedOrderIds, paymentKeys, unresolvedOrders } from '../src/final/history-queries';

const cup = [{ sku: 'cup', qty: 1 }];

describe('final reads from the history', () => {
  it("resolve every key the history's payments used, once, and no other key", () => {
    const h = history()
      .pay('payer', 'k1', 'info')
      .pay('payer', 'k1', 'ok')
      .transfer('bank-1', 'a', 'b', 5, 'ok')
      .pay('payer', 'k2', 'fail')
      .pay('payer', 'k3', 'open')
      .ops();
    assert.deepEqual(paymentKeys(h), ['k1', 'k2', 'k3']);
  });

  it('place again the orders left indeterminate, and follow the accepted ones', () => {
    const h = history()
      .order('orderer', 'accepted', cup, 'ok', 'order-1')
      .order('orderer', 'lost', cup, 'info')
      .order('orderer', 'lost', cup, 'info')
      .order('orderer', 'late', cup, 'info')
      .order('orderer', 'late', cup, 'ok', 'order-2')
      .order('orderer', 'refused', cup, 'fail');
    assert.deepEqual(unresolvedOrders(h.ops()), [
      { key: 'lost', items: cup, accountId: 'orders-acct' },
    ]);
    assert.deepEqual(acceptedOrderIds(h.ops()), ['order-1', 'order-2']);

    // The final reads place it again: now it is followed, in the order it was first placed.
    h.order('final', 'lost', cup, 'ok', 'order-3');
    assert.deepEqual(unresolvedOrders(h.ops()), []);
    assert.deepEqual(acceptedOrderIds(h.ops()), ['order-1', 'order-3', 'order-2']);
  });
});
