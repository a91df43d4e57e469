import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSaga } from '../src/checkers/saga';
import type { FinalOrder, FinalOrderEffectsOk, OrderItem } from '../src/operations';
import { history } from './builder';

const ACCOUNT = 'orders-acct';
const PRICE = 100;

const amountOf = (items: OrderItem[]) => items.reduce((sum, i) => sum + i.qty * PRICE, 0);
const order = (state: FinalOrder['state'], items: OrderItem[], reason?: string): FinalOrder => ({
  state,
  ...(reason ? { reason } : {}),
  items,
  amount: amountOf(items),
  accountId: ACCOUNT,
});

const A2 = [{ sku: 'sku-a', qty: 2 }];
const A1B1 = [
  { sku: 'sku-a', qty: 1 },
  { sku: 'sku-b', qty: 1 },
];
const B1 = [{ sku: 'sku-b', qty: 1 }];

/**
 * A clean run: o1 confirmed; o2 accepted on the retry of an indeterminate attempt, cancelled out
 * of stock; k3 left indeterminate by its client and resolved by the final retry, cancelled for
 * lack of money; k4 refused (400). Effects: only o1's stock and money moved.
 */
const clean = () =>
  history()
    .order('orderer', 'k1', A2, 'ok', 'o1')
    .order('orderer', 'k2', A1B1, 'info')
    .order('orderer', 'k2', A1B1, 'ok', 'o2')
    .order('orderer', 'k3', B1, 'info')
    .order('orderer', 'k4', [{ sku: 'nope', qty: 1 }], 'fail')
    .heal()
    .order('final', 'k3', B1, 'ok', 'o3');

const cleanOrders = (): Record<string, FinalOrder | null> => ({
  o1: order('confirmed', A2),
  o2: order('cancelled', A1B1, 'out_of_stock'),
  o3: order('cancelled', B1, 'insufficient_funds'),
});

const cleanEffects = (): FinalOrderEffectsOk => ({
  stock: { 'sku-a': { initial: 40, final: 38 }, 'sku-b': { initial: 40, final: 40 } },
  charges: { o1: 1, o2: 0, o3: 0 },
  balances: { [ACCOUNT]: { initial: 2_000, final: 1_800 } },
});

describe('saga checker', () => {
  it('passes when every order ended, and stock and money moved for the confirmed ones only', () => {
    const h = clean().finalOrders(cleanOrders()).finalOrderEffects(cleanEffects());
    const result = checkSaga(h.ops());
    assert.equal(result.checker, 'saga');
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.valid, true);
    assert.equal(result.stats['orders-accepted'], 3);
    assert.equal(result.stats.confirmed, 1);
    assert.equal(result.stats.cancelled, 2);
    assert.deepEqual(result.stats['cancel-reasons'], { out_of_stock: 1, insufficient_funds: 1 });
    assert.equal(result.stats['keys-indeterminate-resolved'], 2);
    assert.equal(result.stats['keys-unresolved'], 0);
    assert.equal(result.stats['keys-failed'], 1);
    assert.equal(result.stats['attempts-ok'], 3);
    assert.equal(result.stats['attempts-info'], 2);
    assert.equal(result.stats['attempts-fail'], 1);
    assert.equal(result.stats['orders-charged'], 1);
    assert.deepEqual(result.stats['stock-by-sku'], {
      'sku-a': { taken: 2, confirmed: 2 },
      'sku-b': { taken: 0, confirmed: 0 },
    });
    assert.deepEqual(result.stats['money-by-account'], {
      [ACCOUNT]: { taken: 200, confirmed: 200 },
    });
  });

  it('detects an accepted order that never reached a terminal state', () => {
    const orders = { ...cleanOrders(), o2: order('charged', A1B1) };
    // o2 is in flight: whether its reservation and charge show yet or not, only that is reported.
    for (const effects of [
      cleanEffects(),
      {
        stock: { 'sku-a': { initial: 40, final: 37 }, 'sku-b': { initial: 40, final: 39 } },
        charges: { o1: 1, o2: 1, o3: 0 },
        balances: { [ACCOUNT]: { initial: 2_000, final: 1_600 } },
      },
    ]) {
      const result = checkSaga(clean().finalOrders(orders).finalOrderEffects(effects).ops());
      assert.equal(result.valid, false);
      assert.deepEqual(result.anomalies, { 'not-terminal': 1 });
      assert.equal(result.stats['not-terminal'], 1);
      const [invoke, ok, final] = result.examples[0]!;
      assert.deepEqual(invoke!.value, { key: 'k2', items: A1B1, accountId: ACCOUNT });
      assert.deepEqual(ok!.value, { orderId: 'o2' });
      assert.equal(final!.f, 'final-orders');
    }
  });

  it('detects stock a cancelled order kept (never released)', () => {
    const effects = cleanEffects();
    effects.stock['sku-a'] = { initial: 40, final: 37 };
    effects.stock['sku-b'] = { initial: 40, final: 39 };
    const result = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'stock-mismatch': 2 });
    assert.deepEqual(result.exampleAnomalies, ['stock-mismatch', 'stock-mismatch']);
    assert.deepEqual(
      result.examples[0]!.map((op) => op.f),
      ['final-orders', 'final-orders', 'final-order-effects', 'final-order-effects'],
    );
  });

  it('detects stock a confirmed order never took', () => {
    const effects = cleanEffects();
    effects.stock['sku-a'] = { initial: 40, final: 40 };
    const result = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.deepEqual(result.anomalies, { 'stock-mismatch': 1 });
    assert.deepEqual(result.stats['stock-by-sku'], {
      'sku-a': { taken: 0, confirmed: 2 },
      'sku-b': { taken: 0, confirmed: 0 },
    });
  });

  it('detects money taken that no confirmed order accounts for', () => {
    const effects = cleanEffects();
    effects.balances[ACCOUNT] = { initial: 2_000, final: 1_700 };
    const result = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'money-mismatch': 1 });
    assert.deepEqual(result.stats['money-by-account'], {
      [ACCOUNT]: { taken: 300, confirmed: 200 },
    });
  });

  it('detects an order charged twice', () => {
    const effects = cleanEffects();
    effects.charges.o1 = 2;
    const result = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'double-charge': 1 });
    const example = result.examples[0]!;
    assert.deepEqual(example[1]!.value, { orderId: 'o1' });
    assert.deepEqual(
      example.slice(2).map((op) => op.f),
      ['final-orders', 'final-orders', 'final-order-effects', 'final-order-effects'],
    );
    // As it would really show: the second charge took the money too.
    effects.balances[ACCOUNT] = { initial: 2_000, final: 1_600 };
    const both = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.deepEqual(both.anomalies, { 'double-charge': 1, 'money-mismatch': 1 });
  });

  it('detects a cancelled order that was charged', () => {
    const effects = cleanEffects();
    effects.charges.o3 = 1;
    const result = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'cancelled-but-charged': 1 });
    assert.deepEqual(result.examples[0]![1]!.value, { orderId: 'o3' });
    // With the money gone as well.
    effects.balances[ACCOUNT] = { initial: 2_000, final: 1_700 };
    const both = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.deepEqual(both.anomalies, { 'cancelled-but-charged': 1, 'money-mismatch': 1 });
  });

  it('detects an accepted order the service no longer knows', () => {
    const orders = { ...cleanOrders(), o1: null };
    const result = checkSaga(clean().finalOrders(orders).finalOrderEffects(cleanEffects()).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-order': 1 });
  });

  it('detects two orders made under one Idempotency-Key', () => {
    const h = clean()
      .order('orderer', 'k5', B1, 'info')
      .order('orderer', 'k5', B1, 'ok', 'o5')
      .order('final', 'k5', B1, 'ok', 'o6');
    const orders = {
      ...cleanOrders(),
      o5: order('cancelled', B1, 'insufficient_funds'),
      o6: order('cancelled', B1, 'insufficient_funds'),
    };
    const effects = { ...cleanEffects(), charges: { ...cleanEffects().charges, o5: 0, o6: 0 } };
    const result = checkSaga(h.finalOrders(orders).finalOrderEffects(effects).ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'duplicate-order': 1 });
    assert.equal(result.examples[0]!.length, 6); // the three attempts of k5
  });

  it('never counts an indeterminate order as lost, and bounds its effects only below', () => {
    // k3 never resolved: it may have made an order that took stock and money, or not.
    const h = () =>
      history()
        .order('orderer', 'k1', A2, 'ok', 'o1')
        .order('orderer', 'k3', B1, 'info')
        .order('orderer', 'k3', B1, 'info')
        .finalOrders({ o1: order('confirmed', A2) });
    for (const [taken, money] of [
      [0, 200],
      [1, 300],
    ] as const) {
      const effects: FinalOrderEffectsOk = {
        stock: { 'sku-a': { initial: 40, final: 38 }, 'sku-b': { initial: 40, final: 40 - taken } },
        charges: { o1: 1 },
        balances: { [ACCOUNT]: { initial: 2_000, final: 2_000 - money } },
      };
      const result = checkSaga(h().finalOrderEffects(effects).ops());
      assert.deepEqual(result.anomalies, {});
      assert.equal(result.valid, 'unknown');
      assert.equal(result.stats['keys-unresolved'], 1);
    }
    // Less than the confirmed orders took is wrong whatever k3 did.
    const short = checkSaga(
      h()
        .finalOrderEffects({
          stock: { 'sku-a': { initial: 40, final: 39 }, 'sku-b': { initial: 40, final: 40 } },
          charges: { o1: 1 },
          balances: { [ACCOUNT]: { initial: 2_000, final: 1_800 } },
        })
        .ops(),
    );
    assert.deepEqual(short.anomalies, { 'stock-mismatch': 1 });
  });

  it('is unknown without the final reads, or when an accepted order is missing from them', () => {
    const h = clean();
    const bare = checkSaga(h.ops());
    assert.equal(bare.valid, 'unknown');
    assert.equal(bare.stats['final-orders'], 'missing');
    assert.equal(bare.stats['final-order-effects'], 'missing');
    const noEffects = checkSaga(clean().finalOrders(cleanOrders()).ops());
    assert.equal(noEffects.valid, 'unknown');
    const partial = cleanOrders();
    delete partial.o3;
    const missing = checkSaga(clean().finalOrders(partial).finalOrderEffects(cleanEffects()).ops());
    assert.equal(missing.valid, 'unknown');
    assert.equal(missing.stats['orders-unchecked'], 1);
    assert.deepEqual(missing.anomalies, {});
    const effects = cleanEffects();
    delete effects.charges.o1;
    delete effects.stock['sku-b'];
    const unread = checkSaga(clean().finalOrders(cleanOrders()).finalOrderEffects(effects).ops());
    assert.equal(unread.valid, 'unknown');
    assert.equal(unread.stats['charges-unchecked'], 1);
    assert.equal(unread.stats['skus-unchecked'], 1);
  });
});
