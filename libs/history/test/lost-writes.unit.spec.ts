import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLostWrites } from '../src/checkers/lost-writes';
import { history } from './builder';

describe('lost-writes checker', () => {
  it('passes a store that kept every acknowledged write (one version each, the final read at the newest)', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, 1_000, 'catalog-a')
      .write('catalog-b-writer', 'sku-1', 2, 2_000, 'catalog-b')
      .write('catalog-a-writer', 'sku-2', 1, 2_500, 'catalog-a')
      // Not acknowledged: whatever became of it, it was never promised.
      .call('catalog-b-writer', 'write', { sku: 'sku-2', name: 'x' }, 'info', undefined, {
        error: '503',
      })
      .finalRead('sku-1', 2, 'redis-2', 'strong')
      .finalRead('sku-2', 2, 'redis-2', 'strong')
      // Eventual final reads do not judge what the primary kept.
      .finalRead('sku-1', 0, 'redis-1');
    const result = checkLostWrites(h.ops());
    assert.equal(result.checker, 'lost-writes');
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats['writes-acknowledged'], 3);
    assert.equal(result.stats['writes-lost'], 0);
  });

  it('flags a version two primaries each acknowledged: the earlier write is the lost one', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, 1_000, 'catalog-a')
      // The split: the old primary acknowledges version 2 for catalog-a ...
      .write('catalog-a-writer', 'sku-1', 2, 2_000, 'catalog-a')
      // ... and the promoted replica, which never got it, gives version 2 to catalog-b's write.
      .write('catalog-b-writer', 'sku-1', 2, 3_000, 'catalog-b')
      .finalRead('sku-1', 2, 'redis-2', 'strong');
    const result = checkLostWrites(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-write': 1 });
    assert.deepEqual(result.stats['lost-by-sku'], { 'sku-1': 1 });
    const [lostInvoke, lost, keptInvoke] = result.examples[0]!;
    assert.equal(lostInvoke!.process, 'catalog-a-writer');
    assert.deepEqual(lost!.value, {
      sku: 'sku-1',
      version: 2,
      timestamp: { wallMs: 2_000, logical: 0 },
      writer: 'catalog-a',
    });
    assert.equal(keptInvoke!.process, 'catalog-b-writer');
  });

  it('flags writes above the version the store ends at: it went back', () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, 1_000)
      .write('catalog-a-writer', 'sku-1', 2, 2_000)
      .write('catalog-a-writer', 'sku-1', 3, 3_000)
      .finalRead('sku-1', 1, 'redis-2', 'strong');
    const result = checkLostWrites(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'lost-write': 2 });
    assert.equal(result.stats['writes-lost'], 2);
  });

  it("cannot tell without the primary's final read of a written sku", () => {
    const h = history()
      .write('catalog-a-writer', 'sku-1', 1, 1_000)
      .finalRead('sku-1', 1, 'redis-1');
    const result = checkLostWrites(h.ops());
    assert.equal(result.valid, 'unknown');
    assert.equal(result.stats['skus-unchecked'], 1);
  });
});
