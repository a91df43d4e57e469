import type { CheckerResult } from '../../checker-result';
import { type Check, compose, increment, type Tally } from '../../compose';
import type { History } from '../../history';
import { replicasFor, seconds } from '../../operations';
import {
  acknowledgedAdds,
  type CartAdd,
  type CartRead,
  type Carts,
  isAddOnly,
  phantomItems,
  readCarts,
} from './carts';

export interface CartStalenessOptions {
  /** The replicas of every cart (N); 3 by default. */
  replicationFactor?: number;
}

/** The anomalies the cart staleness checker knows. */
export type CartStalenessAnomaly = 'stale-read' | 'stale-quorum-read' | 'phantom-item';

/** The add-only carts' reads and acknowledged adds. */
interface AddOnlyCarts {
  carts: Carts;
  replicationFactor: number;
  reads: CartRead[];
  /** Per cart, its ok adds in completion order. */
  acknowledged: Map<string, CartAdd[]>;
}

/**
 * The staleness checker for the add-only carts (no replace ever invoked on them): a cart-read is
 * stale when it lacks an item whose add completed ok before the read was invoked. Of the adds
 * it missed, the read is judged by the first completed one it had a quorum promise for (W + R > N,
 * W and R the replicas the add's and the read's consistency levels wait for, N the replication
 * factor), else by the first completed one; its age is the read's invoke time minus that add's
 * completion time, its consistency pair that add's level / the read's ("QUORUM/ONE").
 *
 * Anomalies: `stale-quorum-read` (W + R > N: the read and the write sets overlap, so the read
 * should have seen it: invalid), `stale-read` (W + R ≤ N: reported, valid — the documented cost
 * of the weaker levels), `phantom-item` (a read shows an item that no add of the cart which may
 * have happened wrote: invalid). Adds that are not ok (Unavailable, other fails, timeouts,
 * unfinished) never make a read stale. Valid 'unknown' when no read of an add-only cart was ok.
 */
export function checkStaleCarts(
  history: History,
  options: CartStalenessOptions = {},
): CheckerResult {
  const carts = readCarts(history);
  return compose<AddOnlyCarts, CartStalenessAnomaly>('cart-staleness', {
    operations,
    'stale reads': staleReads,
    'phantom items': phantomItems((model) => model.reads),
  })({
    carts,
    replicationFactor: options.replicationFactor ?? 3,
    reads: carts.reads.filter((read) => isAddOnly(carts, read.cart)),
    acknowledged: acknowledgedAdds(carts),
  });
}

/** What was added and read; 'unknown' when no read of an add-only cart was ok. */
const operations: Check<AddOnlyCarts> = ({ carts, reads, replicationFactor }) => {
  const { adds, reads: attempts } = carts.outcomes;
  const readsByConsistency: Tally = {};
  for (const read of reads) increment(readsByConsistency, read.consistency);
  return {
    valid: reads.length === 0 ? 'unknown' : undefined,
    stats: {
      replicationFactor,
      reads: reads.length,
      readsByConsistency,
      readsUnavailable: attempts.unavailable,
      readsFailed: attempts.failed,
      readsIndeterminate: attempts.indeterminate,
      addsOk: adds.ok,
      addsUnavailable: adds.unavailable,
      addsFailed: adds.failed,
      addsIndeterminate: adds.indeterminate,
      malformed: adds.malformed + attempts.malformed,
    },
  };
};

/** Stale reads: invalid when the levels promised overlap, else reported. */
const staleReads: Check<AddOnlyCarts, CartStalenessAnomaly> = (model, findings) => {
  const n = model.replicationFactor;
  const staleByPair: Tally = {};
  const maxAgeByPair: Record<string, number> = {};
  let maxAge = 0;
  for (const read of model.reads) {
    const missed: CartAdd[] = [];
    for (const add of model.acknowledged.get(read.cart) ?? []) {
      if (add.pair.completion!.index >= read.pair.invoke.index) break;
      if (!read.items.has(add.item)) missed.push(add);
    }
    if (missed.length === 0) continue;
    const r = replicasFor(read.consistency, n);
    const promised = missed.find((add) => replicasFor(add.consistency, n) + r > n);
    const add = promised ?? missed[0]!;
    const pair = `${add.consistency}/${read.consistency}`;
    const age = seconds(read.pair.invoke.time - add.pair.completion!.time);
    increment(staleByPair, pair);
    maxAgeByPair[pair] = Math.max(maxAgeByPair[pair] ?? 0, age);
    maxAge = Math.max(maxAge, age);
    const ops = [add.pair.invoke, add.pair.completion, read.pair.invoke, read.completion];
    if (promised) findings.add('stale-quorum-read', ops);
    else findings.add('stale-read', ops, false);
  }
  return {
    stats: {
      stale: findings.count('stale-read') + findings.count('stale-quorum-read'),
      staleQuorum: findings.count('stale-quorum-read'),
      staleByPair,
      staleAgeMaxSeconds: maxAge,
      staleAgeMaxSecondsByPair: maxAgeByPair,
    },
  };
};
