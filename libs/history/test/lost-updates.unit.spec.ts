import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLostUpdates } from '../src/checkers/lost-updates';
import { history, ts } from './builder';

// catalog-a's clock runs 30 s ahead of catalog-b's.
const AHEAD = 31_000;
const BEHIND = 2_000;

describe('lost-updates checker', () => {
  it('passes causally ordered writes, and concurrent writes that LWW orders either way', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, 1_000, 'catalog-a')
      .read('catalog-b-writer', 'sku-1', 1, { consistency: 'strong', wallMs: 1_000 })
      .write('catalog-b-writer', 'sku-1', 2, 2_000, 'catalog-b')
      // Concurrent: b's write is in flight when a's (stamped newer) completes; b then loses LWW.
      .invoke('catalog-b-writer', 'write', { sku: 'sku-1', name: 'b2' })
      .write('catalog-a-writer', 'sku-1', 3, 3_500, 'catalog-a')
      .complete(
        'catalog-b-writer',
        'fail',
        {
          reason: 'lww_rejected',
          sku: 'sku-1',
          writeTimestamp: ts(3_000),
          storedTimestamp: ts(3_500),
        },
        { node: 'catalog-b', error: '409' },
      )
      .read('reader-1', 'sku-1', 3, { wallMs: 3_500, name: 'sku-1-v3' });
    const result = checkLostUpdates(h.ops());
    assert.equal(result.checker, 'lost-updates');
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['writes-ok'], 3);
    assert.equal(result.stats['lww-rejected'], 1);
    assert.equal(result.stats['lww-rejected-concurrent'], 1);
  });

  it('detects a causally later write refused because a skewed clock stamped the earlier one newer', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, AHEAD, 'catalog-a')
      .read('catalog-b-writer', 'sku-1', 1, { consistency: 'strong', wallMs: AHEAD })
      .rejectedWrite('catalog-b-writer', 'sku-1', 'b1', BEHIND, AHEAD);
    const result = checkLostUpdates(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-update': 1 });
    assert.deepEqual(result.stats['lost-updates-by-node'], { 'catalog-b': 1 });
    assert.deepEqual(result.stats['lost-updates-by-process'], { 'catalog-b-writer': 1 });
    const [w1Invoke, w1, w2Invoke, w2] = result.examples[0]!;
    assert.equal(w1Invoke!.process, 'catalog-a-writer');
    assert.equal(w1!.type, 'ok');
    assert.deepEqual(w2Invoke!.value, { sku: 'sku-1', name: 'b1' });
    assert.equal(w2!.type, 'fail');
  });

  it('matches the stored timestamp when the refusal does not carry the write’s own', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, AHEAD, 'catalog-a')
      .read('catalog-b-writer', 'sku-1', 1, { consistency: 'strong', wallMs: AHEAD })
      .call(
        'catalog-b-writer',
        'write',
        { sku: 'sku-1', name: 'b1' },
        'fail',
        { reason: 'lww_rejected', sku: 'sku-1', storedTimestamp: ts(AHEAD) },
        { node: 'catalog-b' },
      );
    assert.deepEqual(checkLostUpdates(h.ops()).anomalies, { 'lost-update': 1 });
  });

  it('detects an acknowledged write that the earlier write replaced', () => {
    const base = () =>
      history()
        .write('catalog-a-writer', 'sku-1', 1, AHEAD, 'catalog-a')
        .read('catalog-b-writer', 'sku-1', 1, { consistency: 'strong', wallMs: AHEAD })
        .write('catalog-b-writer', 'sku-1', 2, BEHIND, 'catalog-b');
    const replaced = base().read('reader-1', 'sku-1', 1, { wallMs: AHEAD, name: 'sku-1-v1' });
    const result = checkLostUpdates(replaced.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-update': 1 });
    assert.equal(result.examples[0]!.length, 6); // W1, W2 and the read that shows W1

    // Seen afterwards, it was not lost; never seen either way, nothing can be said.
    const seen = base()
      .read('reader-1', 'sku-1', 1, { wallMs: AHEAD, name: 'sku-1-v1' })
      .read('reader-1', 'sku-1', 2, { wallMs: BEHIND, name: 'sku-1-v2' });
    assert.deepEqual(checkLostUpdates(seen.ops()).anomalies, {});
    const unseen = checkLostUpdates(base().ops());
    assert.deepEqual(unseen.anomalies, {});
    assert.equal(unseen.stats['ok-writes-replaced-unobserved'], 1);
  });

  it('does not count a refused write whose process had not seen the earlier one (real-time order only)', () => {
    // b read version 0 (nothing yet), a then wrote, b wrote after a completed but without having seen it:
    // no clock can order writes that do not know of each other, so this is concurrency, not a lost update.
    const h = history()
      .read('catalog-b-writer', 'sku-1', 0, { consistency: 'strong', wallMs: 0 })
      .write('catalog-a-writer', 'sku-1', 1, AHEAD, 'catalog-a')
      .rejectedWrite('catalog-b-writer', 'sku-1', 'b1', BEHIND, AHEAD);
    const result = checkLostUpdates(h.ops());
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['lww-rejected-concurrent'], 1);
  });

  it('never counts an indeterminate write, as the earlier or the later one', () => {
    const h = history()
      .call('catalog-a-writer', 'write', { sku: 'sku-1', name: 'a1' }, 'info', null, {
        error: 'timeout',
      })
      .rejectedWrite('catalog-b-writer', 'sku-1', 'b1', BEHIND, AHEAD) // lost to the info write
      .write('catalog-a-writer', 'sku-1', 2, AHEAD + 1, 'catalog-a')
      .call('catalog-b-writer', 'write', { sku: 'sku-1', name: 'b2' }, 'info', null)
      .call('catalog-b-writer', 'write', { sku: 'sku-1', name: 'b3' }, 'open');
    const result = checkLostUpdates(h.ops());
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['writes-info'], 3);
  });

  it('is unknown without any ok or refused write', () => {
    const h = history().call('w', 'write', { sku: 'sku-1', name: 'x' }, 'info', null);
    assert.equal(checkLostUpdates(h.ops()).valid, 'unknown');
  });
});
