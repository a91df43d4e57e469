import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../src/duration';

describe('parseDuration', () => {
  it('reads ms, s, m and h as milliseconds', () => {
    assert.equal(parseDuration('300ms', 's'), 300);
    assert.equal(parseDuration('2s', 'ms'), 2_000);
    assert.equal(parseDuration('5m', 'ms'), 300_000);
    assert.equal(parseDuration('1h', 'ms'), 3_600_000);
    assert.equal(parseDuration('0s', 'ms'), 0);
  });

  it('reads a bare number in the unit it is given', () => {
    assert.equal(parseDuration('300', 'ms'), 300);
    assert.equal(parseDuration('30', 's'), 30_000);
  });

  it('takes fractions that come to whole milliseconds', () => {
    assert.equal(parseDuration('1.5s', 'ms'), 1_500);
    assert.equal(parseDuration('1.1s', 'ms'), 1_100);
    assert.equal(parseDuration('0.25m', 'ms'), 15_000);
    assert.equal(parseDuration('1.5ms', 'ms'), undefined);
    assert.equal(parseDuration('0.0005s', 'ms'), undefined);
  });

  it('keeps the sign of a negative duration', () => {
    assert.equal(parseDuration('-5s', 'ms'), -5_000);
    assert.equal(parseDuration('-250', 'ms'), -250);
    assert.ok(Object.is(parseDuration('-0s', 'ms'), 0), '-0 is 0');
  });

  it('refuses what is not a duration', () => {
    for (const text of [
      '',
      'ms',
      'abc',
      '3q',
      '5 s',
      '5S',
      '1e3ms',
      '+5s',
      '--5s',
      '.5s',
      '5.s',
      '1d',
    ]) {
      assert.equal(parseDuration(text, 'ms'), undefined, text);
    }
  });
});
