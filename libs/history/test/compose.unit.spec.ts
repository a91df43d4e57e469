import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Check, compose } from '../src/compose';
import { history } from './builder';

const ops = history().read('reader', 'sku-1', 1).ops();
const [invoke, ok] = ops;

const fine: Check<null> = () => ({ stats: { seen: 1, 'by-node': { 'redis-1': 1 } } });
const undecided: Check<null> = () => ({ valid: 'unknown', stats: { seen: 2 } });
const reported: Check<null> = (_, findings) => {
  findings.add('reported', [invoke, ok], false);
  return { stats: { 'by-node': { 'redis-1': 2, 'redis-2': 1 } } };
};
const invalid: Check<null> = (_, findings) => {
  findings.add('broken', [ok]);
  return { stats: { broken: true } };
};

describe('compose', () => {
  it('merges validity as Jepsen does: false beats unknown beats true', () => {
    assert.equal(compose('c', { fine })(null).valid, true);
    assert.equal(compose('c', { fine, reported })(null).valid, true);
    assert.equal(compose('c', { fine, undecided })(null).valid, 'unknown');
    assert.equal(compose('c', { undecided, invalid, fine })(null).valid, false);
  });

  it("keeps every check's anomalies and examples, the invalidating ones first", () => {
    const result = compose('c', { reported, invalid })(null);
    assert.equal(result.checker, 'c');
    assert.deepEqual(result.anomalies, { reported: 1, broken: 1 });
    assert.deepEqual(result.exampleAnomalies, ['broken', 'reported']);
    assert.deepEqual(result.examples, [[ok], [invoke, ok]]);
  });

  it('adds up the counts and tallies several checks report, and keeps the rest side by side', () => {
    const result = compose('c', { fine, reported, undecided, invalid })(null);
    assert.deepEqual(result.stats, {
      seen: 3,
      'by-node': { 'redis-1': 3, 'redis-2': 1 },
      broken: true,
    });
    assert.deepEqual(Object.keys(result.stats), ['seen', 'by-node', 'broken']);
  });

  it('refuses a statistic two checks report that is not a count', () => {
    assert.throws(() => compose('c', { invalid, again: invalid })(null), /again.*broken/);
  });
});
