import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPayments } from '../src/checkers/payments';
import { history } from './builder';

describe('payments checker', () => {
  it('passes when every acknowledged payment exists once and indeterminate ones resolved', () => {
    const h = history()
      .pay('pay-1', 'k1', 'ok')
      .pay('pay-2', 'k2', 'info') // 503 indeterminate, retried with the same key…
      .pay('pay-2', 'k2', 'ok') // …and acknowledged by the replay
      .pay('pay-1', 'k3', 'info') // never resolved by the client: present at the end
      .pay('pay-2', 'k4', 'open') // the run ended first: absent at the end
      .pay('pay-1', 'k5', 'fail')
      .finalPayments({ k1: 1, k2: 1, k3: 1, k4: 0, k5: 0 });
    const result = checkPayments(h.ops());
    assert.equal(result.checker, 'payments');
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['keys-acknowledged'], 2);
    assert.equal(result.stats['indeterminate-present'], 1);
    assert.equal(result.stats['indeterminate-absent'], 1);
    assert.equal(result.stats['keys-failed-absent'], 1);
    assert.equal(result.stats['attempts-ok'], 2);
    assert.equal(result.stats['attempts-info'], 3);
    assert.equal(result.stats['attempts-fail'], 1);
  });

  it('detects an acknowledged payment missing at the end', () => {
    const h = history()
      .pay('pay-1', 'k1', 'ok')
      .pay('pay-1', 'k2', 'ok')
      .finalPayments({ k1: 1, k2: 0 });
    const result = checkPayments(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-payment': 1 });
    const [invoke, ok, , final] = result.examples[0]!;
    assert.deepEqual(invoke!.value, { key: 'k2', accountId: 'acct-1', amount: 100 });
    assert.equal(ok!.type, 'ok');
    assert.equal(final!.f, 'final-payments');
  });

  it('detects a key charged twice', () => {
    const h = history()
      .pay('pay-1', 'k1', 'info')
      .pay('pay-1', 'k1', 'ok')
      .finalPayments({ k1: 2 });
    const result = checkPayments(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'double-charge': 1 });
    assert.equal(result.examples[0]!.length, 6); // both attempts and the final read
  });

  it('detects a payment charged although every attempt certainly failed', () => {
    const h = history().pay('pay-1', 'k1', 'fail').finalPayments({ k1: 1 });
    const result = checkPayments(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'failed-but-charged': 1 });
  });

  it('never counts an indeterminate payment as lost', () => {
    const h = history()
      .pay('pay-1', 'k1', 'info')
      .pay('pay-1', 'k1', 'info')
      .pay('pay-2', 'k2', 'open')
      .finalPayments({ k1: 0, k2: 0 });
    const result = checkPayments(h.ops());
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['indeterminate-absent'], 2);
  });

  it('is unknown without final-payments, or when a key is missing from it', () => {
    const h = history().pay('pay-1', 'k1', 'ok');
    assert.equal(checkPayments(h.ops()).valid, 'unknown');
    assert.equal(checkPayments(h.ops()).stats['final-payments'], 'missing');
    h.pay('pay-1', 'k2', 'ok').finalPayments({ k1: 1 });
    const result = checkPayments(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.equal(result.stats['keys-unchecked'], 1);
  });
});
