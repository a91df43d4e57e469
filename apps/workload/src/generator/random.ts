import { createHash, randomInt } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { MAX_SEED } from '@faultline/contracts';

/** A seed for a run that was given none: from the system's entropy, and reported so it can be replayed. */
export const randomSeed = (): number => randomInt(0, MAX_SEED + 1);

/**
 * A seeded stream of random choices. Its state is a hash of the run's seed and the stream's name,
 * so the same (seed, name) gives the same choices, and streams of different names (one per
 * process) are unrelated: no process's choices depend on another's, or on timing.
 */
export class Random {
  private readonly rng: RandomGenerator;

  constructor(seed: number, stream: string) {
    const digest = createHash('sha256').update(`${seed}/${stream}`).digest();
    this.rng = xoroshiro128plusFromState([0, 4, 8, 12].map((at) => digest.readInt32BE(at)));
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  /** `count` distinct integers from 0 to `n - 1`, in random order. */
  distinct(n: number, count: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < Math.min(count, n); i++) {
      const j = this.int(i, n - 1);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, count);
  }

  /** A UUID-shaped string (version 4 layout) drawn from this stream. */
  uuid(): string {
    const bytes = Buffer.alloc(16);
    for (let at = 0; at < 16; at += 4) bytes.writeInt32BE(this.rng.next(), at);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  }
}
