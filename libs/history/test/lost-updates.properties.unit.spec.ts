import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkLostUpdates } from '../src/checkers/lost-updates';
import type { Op } from '../src/history';
import {
  type CatalogReadOk,
  type CatalogReadRequest,
  type CatalogWriteOk,
  type CatalogWriteRejected,
  type CatalogWriteRequest,
  compareTimestamps,
  OPERATIONS,
  type WriteTimestamp,
} from '../src/operations';
import { history } from './builder';
import { assertFlagged, assertValid, RUNS } from './properties';

/** The catalog instances: each writes through its own clock, skewed from real time. */
const WRITERS = ['catalog-a', 'catalog-b', 'catalog-c'];
const SKUS = ['sku-1', 'sku-2'];

/** What the model is asked to do: a read-modify-write's halves, or real time moving on. */
type Command =
  | { write: number; writer: number }
  | { read: number; writer: number | 'reader' }
  | { tick: number };

/** A write the LWW register holds. */
interface Stored {
  version: number;
  timestamp: WriteTimestamp;
  writer: string;
  name: string;
}

/** Where to make a write stamped behind what its client had just read, by whom, of what. */
interface Perturbation {
  at: number;
  writer: number;
  sku: number;
}

/**
 * A correct LWW catalog: per sku one register on the primary, which keeps a write only if it
 * orders after the stored one (timestamp, then writer) and then gives it the next version. Each
 * instance stamps its writes with a hybrid logical clock over its skewed wall clock, and observes
 * every timestamp it serves (reads, and the stored one of a refusal), so a write is stamped after
 * every write its client had seen: causally later writes always win, and only writes that did not
 * know of each other can be refused.
 */
class LwwCatalog {
  readonly h = history();
  refused = 0;
  private now = 1_000_000;
  private readonly clocks: WriteTimestamp[];
  private readonly registers = new Map<string, Stored>();
  private writes = 0;

  constructor(private readonly skews: number[]) {
    this.clocks = skews.map(() => ({ wallMs: 0, logical: 0 }));
  }

  run(command: Command): void {
    if ('tick' in command) this.now += command.tick;
    else if ('write' in command) this.write(command.writer, SKUS[command.write]!);
    else this.read(SKUS[command.read]!, command.writer);
  }

  write(w: number, sku: string, stamp = this.send(w)): void {
    const writer = WRITERS[w]!;
    const request: CatalogWriteRequest = { sku, name: `${sku}-${writer}-${++this.writes}` };
    const stored = this.registers.get(sku);
    if (stored && !this.after(stamp, writer, stored)) {
      this.receive(w, stored.timestamp);
      this.refused++;
      const value: CatalogWriteRejected = {
        reason: 'lww_rejected',
        sku,
        writeTimestamp: stamp,
        storedTimestamp: stored.timestamp,
        storedWriter: stored.writer,
      };
      this.h.call(`${writer}-writer`, OPERATIONS.write, request, 'fail', value, { node: writer });
      return;
    }
    const kept = {
      version: (stored?.version ?? 0) + 1,
      timestamp: stamp,
      writer,
      name: request.name,
    };
    this.registers.set(sku, kept);
    const value: CatalogWriteOk = { sku, version: kept.version, timestamp: stamp, writer };
    this.h.call(`${writer}-writer`, OPERATIONS.write, request, 'ok', value, { node: writer });
  }

  /** A strong read, by an instance's writer client (its instance observes it) or by the reader. */
  read(sku: string, by: number | 'reader'): Stored | undefined {
    const stored = this.registers.get(sku);
    const process = by === 'reader' ? 'reader' : `${WRITERS[by]}-writer`;
    if (by !== 'reader' && stored) this.receive(by, stored.timestamp);
    const request: CatalogReadRequest = { sku, consistency: 'strong' };
    const value: CatalogReadOk = stored ? { sku, ...stored } : { sku, version: 0 };
    this.h.call(process, OPERATIONS.read, request, 'ok', value, { node: 'redis-primary' });
    return stored;
  }

  /**
   * The perturbation: a client reads a sku, then its instance stamps the write from a wall clock
   * behind what was read, ignoring its HLC. A correct store refuses it; a faulty one acknowledges
   * it without keeping it, as the reader's next read shows.
   */
  writeBehind({ writer: w, sku: s }: Perturbation, faulty: boolean): void {
    const sku = this.registers.has(SKUS[s]!) ? SKUS[s]! : SKUS[0]!;
    const seen = this.read(sku, w)!;
    const stamp = { wallMs: seen.timestamp.wallMs - 1, logical: 0 };
    if (!faulty) return this.write(w, sku, stamp);
    const writer = WRITERS[w]!;
    const request: CatalogWriteRequest = { sku, name: `${sku}-${writer}-${++this.writes}` };
    const value: CatalogWriteOk = { sku, version: seen.version, timestamp: stamp, writer };
    this.h.call(`${writer}-writer`, OPERATIONS.write, request, 'ok', value, { node: writer });
    this.read(sku, 'reader');
  }

  private after(stamp: WriteTimestamp, writer: string, stored: Stored): boolean {
    const byTime = compareTimestamps(stamp, stored.timestamp);
    return byTime > 0 || (byTime === 0 && writer > stored.writer);
  }

  /** The HLC's next timestamp on instance `w`. */
  private send(w: number): WriteTimestamp {
    const last = this.clocks[w]!;
    const wall = this.now + this.skews[w]!;
    this.clocks[w] =
      wall > last.wallMs ? { wallMs: wall, logical: 0 } : { ...last, logical: last.logical + 1 };
    return this.clocks[w];
  }

  private receive(w: number, seen: WriteTimestamp): void {
    if (compareTimestamps(seen, this.clocks[w]!) > 0) this.clocks[w] = seen;
  }
}

const writer = fc.nat({ max: WRITERS.length - 1 });
const sku = fc.nat({ max: SKUS.length - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ write: sku, writer }),
  fc.record({ read: sku, writer: fc.oneof(writer, fc.constant('reader' as const)) }),
  fc.record({ tick: fc.nat({ max: 2_000 }) }),
);
const skews = fc.array(fc.integer({ min: -60_000, max: 60_000 }), {
  minLength: WRITERS.length,
  maxLength: WRITERS.length,
});
/** Commands that start with a write, so that there is something to read and to lose. */
const commands = fc
  .array(command, { maxLength: 40, size: 'medium' })
  .map((list): Command[] => [{ write: 0, writer: 0 }, ...list]);
const perturbations = fc.array(fc.record({ at: fc.nat({ max: 40 }), writer, sku }), {
  minLength: 1,
  maxLength: 3,
});

/** The model's history of the commands, each perturbation made before the command at `at`. */
function play(
  skewed: number[],
  list: Command[],
  perturbed: Perturbation[] = [],
  faulty = false,
): { ops: Op[]; refused: number } {
  const catalog = new LwwCatalog(skewed);
  // After the first write (there is something to read), at the latest at the end.
  const perturb = (i: number) =>
    perturbed
      .filter((p) => Math.min(Math.max(p.at, 1), list.length) === i)
      .forEach((p) => catalog.writeBehind(p, faulty));
  list.forEach((c, i) => {
    perturb(i);
    catalog.run(c);
  });
  perturb(list.length);
  return { ops: catalog.h.ops(), refused: catalog.refused };
}

describe('lost-updates checker, model-based', () => {
  it('property: an LWW register written through hybrid logical clocks loses no update', () => {
    fc.assert(
      fc.property(skews, commands, (skewed, list) => {
        const { ops, refused } = play(skewed, list);
        const result = checkLostUpdates(ops);
        assertValid(result);
        // Every refusal was of a write that had not seen the stored one: concurrent, not lost.
        assert.equal(result.stats['lww-rejected-concurrent'], refused);
      }),
      RUNS,
    );
  });

  it('property: k writes stamped behind what their client had read, and refused, are k lost-updates', () => {
    fc.assert(
      fc.property(skews, commands, perturbations, (skewed, list, perturbed) => {
        const result = checkLostUpdates(play(skewed, list, perturbed).ops);
        assertFlagged(result, { 'lost-update': perturbed.length });
      }),
      RUNS,
    );
  });

  it('property: k such writes acknowledged but replaced by the write their client had read are k lost-updates', () => {
    fc.assert(
      fc.property(skews, commands, perturbations, (skewed, list, perturbed) => {
        const result = checkLostUpdates(play(skewed, list, perturbed, true).ops);
        assertFlagged(result, { 'lost-update': perturbed.length });
      }),
      RUNS,
    );
  });
});
