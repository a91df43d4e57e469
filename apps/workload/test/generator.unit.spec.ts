import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratedOp } from '../src/generator/generated-ops';
import type { WorkbenchShape } from '../src/generator/op-sources';
import { generatorOf, PROCESSES, type ProcessSpec } from '../src/workers/processes';

const SHAPE: WorkbenchShape = { bankAccounts: 8, skus: 3, orderSkus: 3 };
const OPS = 200;

/** The first `count` operations of a process's generator. */
function sequence(process: ProcessSpec, seed: number, count = OPS): GeneratedOp[] {
  const next = generatorOf<GeneratedOp>(process, seed, SHAPE);
  return Array.from({ length: count }, () => next());
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const keyOf = (op: GeneratedOp): string | undefined =>
  'key' in (op.value ?? {}) ? (op.value as { key: string }).key : undefined;

describe('the seeded generator', () => {
  it('gives every process the same operations for the same seed', () => {
    for (const process of PROCESSES)
      assert.deepEqual(sequence(process, 42), sequence(process, 42), process.name);
  });

  it('gives a different seed different operations (the balance reader has no choice to make)', () => {
    for (const process of PROCESSES) {
      if (process.name === 'bank-reader') {
        assert.deepEqual(sequence(process, 1), sequence(process, 2));
        continue;
      }
      assert.notDeepEqual(sequence(process, 1), sequence(process, 2), process.name);
    }
  });

  it("makes a process's operations independent of how the other processes' are drawn", () => {
    const alone = new Map(PROCESSES.map((p) => [p.name, sequence(p, 7, 50)]));
    const generators = PROCESSES.map((p) => ({ p, next: generatorOf<GeneratedOp>(p, 7, SHAPE) }));
    const drawn = new Map<string, GeneratedOp[]>(PROCESSES.map((p) => [p.name, []]));
    // Process i draws i + 1 operations per round: a very uneven interleaving.
    for (let round = 0; drawn.get('bank-1')!.length < 50; round++) {
      generators.forEach(({ p, next }, i) => {
        for (let k = 0; k <= i; k++) drawn.get(p.name)!.push(next());
      });
    }
    for (const [name, ops] of drawn) assert.deepEqual(ops.slice(0, 50), alone.get(name), name);
  });

  it('keeps every operation within what the run set up, with UUID-shaped keys never reused', () => {
    const keys = new Set<string>();
    for (const process of PROCESSES) {
      for (const op of sequence(process, 3)) {
        const key = keyOf(op);
        if (key !== undefined) {
          assert.match(key, UUID_V4);
          assert.ok(!keys.has(key), `key ${key} reused`);
          keys.add(key);
        }
        switch (op.f) {
          case 'transfer':
            assert.notEqual(op.value.from, op.value.to);
            for (const i of [op.value.from, op.value.to])
              assert.ok(i >= 0 && i < SHAPE.bankAccounts);
            assert.ok(op.value.amount >= 1 && op.value.amount <= 50);
            break;
          case 'pay':
            assert.ok(op.value.amount >= 1 && op.value.amount <= 20);
            break;
          case 'read':
          case 'write':
            assert.ok(op.value.sku >= 0 && op.value.sku < SHAPE.skus);
            break;
          case 'order': {
            const skus = op.value.items.map((i) => i.sku);
            assert.ok(skus.length >= 1 && skus.length <= 2);
            assert.equal(new Set(skus).size, skus.length, 'an order names a product once');
            for (const { sku, qty } of op.value.items)
              assert.ok(sku >= 0 && sku < SHAPE.orderSkus && qty >= 1 && qty <= 2);
            break;
          }
        }
      }
    }
    assert.ok(keys.size > 0);
  });

  it('names every catalog write uniquely after its writer', () => {
    const writer = PROCESSES.find((p) => p.name === 'catalog-b-writer')!;
    const names = sequence(writer, 5, 3).map((op) => (op.value as { name: string }).name);
    assert.deepEqual(names, ['catalog-b-writer-1', 'catalog-b-writer-2', 'catalog-b-writer-3']);
  });
});
