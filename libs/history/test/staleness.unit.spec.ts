import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkStaleness } from '../src/checkers/staleness';
import { history } from './builder';

const NODES = ['redis-primary', 'redis-1', 'redis-2'];

describe('staleness checker', () => {
  it('passes a history whose reads are all fresh and whose replicas converge', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .at(1)
      .read('reader-1', 'sku-1', 1)
      .read('writer-a', 'sku-1', 1, { consistency: 'strong' })
      .drill('partition', 'redis-1')
      .at(2)
      .write('writer-a', 'sku-1', 2, 2000)
      .at(5)
      .heal()
      .at(6)
      .read('reader-1', 'sku-1', 2)
      .read('reader-2', 'sku-1', 2, { node: 'redis-2' })
      .at(20);
    for (const node of NODES) h.finalRead('sku-1', 2, node);
    const result = checkStaleness(h.ops());
    assert.equal(result.checker, 'staleness');
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
    assert.equal(result.stats.reads, 4);
    assert.equal(result.stats.stale, 0);
    assert.equal(result.stats['stale-ratio'], 0);
    assert.equal(result.stats.convergence, 'converged');
    assert.equal(result.stats['convergence-seconds'], 0);
    assert.equal(result.stats['final-reads'], 3);
  });

  it('reports a stale eventual read, its age and node, and stays valid', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .at(1)
      .write('writer-a', 'sku-1', 2, 2000) // completes at 1.001
      .at(3)
      .read('reader-1', 'sku-1', 1) // invoked at 3.000: stale for 1.999 s
      .read('reader-2', 'sku-1', 2, { node: 'redis-2' })
      .read('reader-3', 'sku-2', 0); // never written: a 404 is version 0 and fresh
    const result = checkStaleness(h.ops());
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, { 'stale-read': 1 });
    assert.equal(result.stats['stale-eventual'], 1);
    assert.equal(result.stats['stale-ratio'], 0.333333);
    assert.equal(result.stats['stale-age-max-seconds'], 1.999);
    assert.equal(result.stats['stale-age-p99-seconds'], 1.999);
    assert.deepEqual(result.stats['stale-by-node'], { 'redis-1': 1 });
    assert.equal(result.stats.convergence, 'not judged: no heal');
    const [writeInvoke, , readInvoke, read] = result.examples[0]!;
    assert.deepEqual(writeInvoke!.value, { sku: 'sku-1', name: 'sku-1-v2' });
    assert.equal(readInvoke!.f, 'read');
    assert.equal(read!.node, 'redis-1');
  });

  it('detects a stale strong read as invalid', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .write('writer-a', 'sku-1', 2, 2000)
      .at(1)
      .read('writer-b', 'sku-1', 1, { consistency: 'strong' });
    const result = checkStaleness(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'stale-strong-read': 1 });
    assert.deepEqual(result.exampleAnomalies, ['stale-strong-read']);
  });

  it('detects a monotonic-read violation per process, and stays valid', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .invoke('writer-a', 'write', { sku: 'sku-1', name: 'v2' }) // in flight: not yet acked
      .read('reader-1', 'sku-1', 2, { node: 'redis-primary' })
      .read('reader-1', 'sku-1', 1, { node: 'redis-1' }) // goes back: not stale
      .read('reader-2', 'sku-1', 1)
      .complete('writer-a', 'ok', {
        sku: 'sku-1',
        version: 2,
        timestamp: { wallMs: 2, logical: 0 },
      });
    const result = checkStaleness(h.ops());
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, { 'monotonic-read-violation': 1 });
    assert.deepEqual(result.stats['monotonic-read-violations-by-process'], { 'reader-1': 1 });
    assert.deepEqual(
      result.examples[0]!.map((op) => [op.type, op.f, (op.value as { version?: number }).version]),
      [
        ['invoke', 'read', undefined],
        ['ok', 'read', 2],
        ['invoke', 'read', undefined],
        ['ok', 'read', 1],
      ],
    );
  });

  it('measures convergence after the last heal and fails it past the limit', () => {
    const base = () =>
      history()
        .at(0)
        .write('writer-a', 'sku-1', 1, 1000)
        .drill('partition', 'redis-1')
        .at(1)
        .write('writer-a', 'sku-1', 2, 2000)
        .at(10)
        .heal(); // heal ok at 10.001
    const converged = checkStaleness(
      base().at(15).read('reader-1', 'sku-1', 1).at(16).read('reader-1', 'sku-1', 2).ops(),
    );
    assert.equal(converged.valid, true);
    assert.deepEqual(converged.anomalies, { 'stale-read': 1 });
    assert.equal(converged.stats['convergence-seconds'], 5);
    assert.equal(converged.stats.convergence, 'converged');

    const late = checkStaleness(base().at(25).read('reader-1', 'sku-1', 1).ops());
    assert.equal(late.valid, false);
    assert.deepEqual(late.anomalies, { 'stale-read': 1, 'not-converged': 1 });
    assert.equal(late.stats['convergence-seconds'], 15);
    assert.equal(late.stats.convergence, 'not converged');
    assert.deepEqual(late.exampleAnomalies, ['not-converged', 'stale-read']);

    const lenient = checkStaleness(base().at(25).read('reader-1', 'sku-1', 1).ops(), {
      convergenceLimitSeconds: 30,
    });
    assert.equal(lenient.valid, true);
  });

  it('detects a replica whose final read is behind the newest acknowledged write', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .write('writer-a', 'sku-1', 2, 2000);
    h.finalRead('sku-1', 2, 'redis-primary')
      .finalRead('sku-1', 2, 'redis-1')
      .finalRead('sku-1', 1, 'redis-2');
    const result = checkStaleness(h.ops());
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies, { 'final-read-behind': 1 });
    assert.deepEqual(result.stats['final-reads-behind-by-node'], { 'redis-2': 1 });
  });

  it('never lets an indeterminate or unfinished write make a read stale', () => {
    const h = history()
      .at(0)
      .write('writer-a', 'sku-1', 1, 1000)
      .call('writer-a', 'write', { sku: 'sku-1', name: 'x' }, 'info', null, { error: '503' })
      .call('writer-b', 'write', { sku: 'sku-1', name: 'y' }, 'open')
      .at(5)
      .read('reader-1', 'sku-1', 1, { consistency: 'strong' })
      .read('reader-2', 'sku-1', 1)
      .finalRead('sku-1', 1, 'redis-1');
    const result = checkStaleness(h.ops());
    assert.equal(result.valid, true);
    assert.deepEqual(result.anomalies, {});
  });

  it('is unknown without any ok read', () => {
    const h = history().write('writer-a', 'sku-1', 1, 1000);
    assert.equal(checkStaleness(h.ops()).valid, 'unknown');
  });

  it('property: strong reads of the primary are never stale; eventual reads are stale exactly below the last acked version', () => {
    const step = fc.oneof(
      fc.record({
        op: fc.constant('write' as const),
        outcome: fc.constantFrom('ok', 'info-applied', 'info-lost'),
      }),
      fc.record({ op: fc.constant('strong' as const) }),
      fc.record({ op: fc.constant('eventual' as const), lag: fc.nat({ max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const h = history();
        let primary = 0;
        let acked = 0;
        let expectedStale = 0;
        steps.forEach((s, i) => {
          h.at(i);
          if (s.op === 'write') {
            if (s.outcome !== 'info-lost') primary++;
            if (s.outcome === 'ok') {
              acked = primary;
              h.write('writer', 'sku', primary, i);
            } else {
              h.call('writer', 'write', { sku: 'sku', name: 'n' }, 'info', null);
            }
          } else if (s.op === 'strong') {
            h.read('strong-reader', 'sku', primary, { consistency: 'strong' });
          } else {
            const version = Math.max(0, primary - s.lag);
            if (version < acked) expectedStale++;
            h.read(`reader-${i}`, 'sku', version); // one read per process: no monotonic noise
          }
        });
        const result = checkStaleness(h.ops());
        assert.equal(result.valid, steps.some((s) => s.op !== 'write') ? true : 'unknown');
        assert.equal(result.anomalies['stale-strong-read'], undefined);
        assert.equal(result.anomalies['stale-read'] ?? 0, expectedStale);
      }),
    );
  });
});
