import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drillRequest } from '../src/drill-request';
import { UsageError } from '../src/usage-error';

describe('drillRequest', () => {
  it('turns the duration flags into params in milliseconds and --for into ttlSeconds', () => {
    assert.deepEqual(
      drillRequest('latency', 'catalog-a->redis-primary', {
        latency: '300ms',
        jitter: '50',
        for: '30s',
      }),
      {
        kind: 'latency',
        target: 'catalog-a->redis-primary',
        params: { latencyMs: 300, jitterMs: 50 },
        ttlSeconds: 30,
      },
    );
    assert.deepEqual(drillRequest('replication-delay', 'pg-1', { delay: '2s', for: '2m' }), {
      kind: 'replication-delay',
      target: 'pg-1',
      params: { delayMs: 2_000 },
      ttlSeconds: 120,
    });
  });

  it('reads a bare --for in seconds and leaves ttlSeconds out without it', () => {
    assert.equal(drillRequest('kill', 'redis-primary', { for: '45' }).ttlSeconds, 45);
    assert.deepEqual(drillRequest('kill', 'redis-primary', {}), {
      kind: 'kill',
      target: 'redis-primary',
      params: {},
    });
  });

  it('passes --mode through and lets a clock skew go backwards', () => {
    assert.deepEqual(drillRequest('partition', 'pg-primary', { mode: 'refuse' }).params, {
      mode: 'refuse',
    });
    assert.deepEqual(drillRequest('clock-skew', 'catalog-a', { offset: '-5s' }).params, {
      offsetMs: -5_000,
    });
    assert.deepEqual(drillRequest('clock-skew', 'catalog-a', { offset: '30s' }).params, {
      offsetMs: 30_000,
    });
  });

  it('names the flag of a bad duration', () => {
    const refused = (flags: Parameters<typeof drillRequest>[2], message: RegExp) =>
      assert.throws(
        () => drillRequest('latency', 'pg-primary', flags),
        (err) => err instanceof UsageError && message.test(err.message),
      );
    refused({ latency: 'fast' }, /^--latency fast is not a duration/);
    refused({ jitter: '-5ms' }, /^--jitter -5ms must not be negative$/);
    refused({ delay: '1.5ms' }, /^--delay 1\.5ms is not a duration/);
    refused({ for: '-30s' }, /^--for -30s must not be negative$/);
    refused({ for: '1500ms' }, /^--for 1500ms must be whole seconds$/);
    refused({ for: 'soon' }, /^--for soon is not a duration/);
  });
});
