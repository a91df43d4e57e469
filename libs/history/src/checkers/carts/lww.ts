import type { CheckerResult } from '../../checker-result';
import { type Check, compose, increment, type Tally } from '../../compose';
import { type History, outcome } from '../../history';
import { seconds } from '../../operations';
import {
  type CartFinalRead,
  type CartReplace,
  type Carts,
  isOk,
  lastFinalReads,
  readCarts,
  sameItems,
} from './carts';

/** The anomalies the cart last-write-wins checker knows. */
export type CartLwwAnomaly = 'replicas-diverge' | 'unknown-value' | 'lost-update';

/** A replaced cart and how its replicas ended. */
interface ReplacedCart {
  cart: string;
  replaces: CartReplace[];
  /** Each replica's last final read of the cart. */
  last: CartFinalRead[];
  /** The items every replica ended with; undefined when they disagree (or none was read). */
  final?: ReadonlySet<string>;
  /** The replace that wrote the final items (one that may have happened). */
  winner?: CartReplace;
}

interface Replaced {
  carts: Carts;
  replaced: ReplacedCart[];
}

/**
 * The last-write-wins checker for the replaced carts (some replace invoked on them): a replace
 * overwrites the whole set, and the write with the larger timestamp wins, whatever the order in
 * real time. The final value of a cart is what its replicas' last final reads show; the winner is
 * the replace that wrote those items (item lists are unique in a run), ok or indeterminate.
 *
 * Anomalies, all invalid: `replicas-diverge` (the replicas end with different items),
 * `unknown-value` (no replace that may have happened wrote the final items; an empty cart is
 * fine while no replace was ok), `lost-update` (an ok replace invoked after the winner completed
 * lost to it: acknowledged later in real time, yet stamped earlier, as a writer whose clock is
 * behind stamps; one per lost replace, by its writer). The timestamp inversion is the winner's
 * timestamp minus the lost replace's, where both are known.
 *
 * Valid 'unknown' without any final read of a replaced cart, or when a replaced cart has none,
 * and nothing invalid was found.
 */
export function checkCartLww(history: History): CheckerResult {
  const carts = readCarts(history);
  const replaced = [...carts.replaces].map(([cart, replaces]): ReplacedCart => {
    const last = [...lastFinalReads(carts, cart).values()];
    const final = last.every((read) => sameItems(read.items, last[0]!.items))
      ? last[0]?.items
      : undefined;
    const winner = final
      ? replaces.find((r) => outcome(r.pair) !== 'fail' && sameItems(r.items, final))
      : undefined;
    return { cart, replaces, last, final, winner };
  });
  return compose<Replaced, CartLwwAnomaly>('cart-lww', {
    operations,
    'final values': finalValues,
    'lost updates': lostUpdates,
  })({ carts, replaced });
}

/** What was replaced and read at the end; 'unknown' where a replaced cart was not read. */
const operations: Check<Replaced> = ({ carts, replaced }) => {
  const { replaces, finalReads: reads } = carts.outcomes;
  const unchecked = replaced.filter((cart) => cart.last.length === 0).length;
  return {
    valid: replaced.length === 0 || unchecked > 0 ? 'unknown' : undefined,
    stats: {
      carts: replaced.length,
      cartsUnchecked: unchecked,
      replacesOk: replaces.ok,
      replacesIndeterminate: replaces.indeterminate,
      replacesUnavailable: replaces.unavailable,
      replacesFailed: replaces.failed,
      finalReadsUnavailable: reads.unavailable,
      malformed: replaces.malformed + reads.malformed,
    },
  };
};

/** Every replaced cart ends, on every replica, with the items of one of its replaces. */
const finalValues: Check<Replaced, CartLwwAnomaly> = ({ replaced }, findings) => {
  let wonIndeterminate = 0;
  for (const { replaces, last, final, winner } of replaced) {
    if (last.length === 0) continue;
    const lastOps = last.flatMap((read) => [read.pair.invoke, read.completion]);
    if (!final) {
      findings.add('replicas-diverge', lastOps);
    } else if (!winner) {
      if (final.size > 0 || replaces.some((r) => isOk(r.pair))) {
        findings.add('unknown-value', lastOps);
      }
    } else if (!isOk(winner.pair)) {
      wonIndeterminate++;
    }
  }
  return { stats: { wonByIndeterminateReplace: wonIndeterminate } };
};

/** Ok replaces acknowledged after the winner completed, which lost to its larger timestamp. */
const lostUpdates: Check<Replaced, CartLwwAnomaly> = ({ replaced }, findings) => {
  const byWriter: Tally = {};
  let maxInversionMicros: number | undefined;
  for (const { replaces, last, winner } of replaced) {
    const won = winner?.pair.completion;
    if (!winner || !won) continue;
    for (const lost of replaces) {
      if (lost === winner || !isOk(lost.pair) || lost.pair.invoke.index < won.index) continue;
      increment(byWriter, lost.writer ?? 'unknown');
      if (winner.timestampMicros !== undefined && lost.timestampMicros !== undefined) {
        const inversion = winner.timestampMicros - lost.timestampMicros;
        maxInversionMicros = Math.max(maxInversionMicros ?? -Infinity, inversion);
      }
      findings.add('lost-update', [
        ...[winner.pair.invoke, won, lost.pair.invoke, lost.pair.completion],
        ...[last[0]!.pair.invoke, last[0]!.completion],
      ]);
    }
  }
  return {
    stats: {
      lostUpdates: findings.count('lost-update'),
      lostUpdatesByWriter: byWriter,
      maxTimestampInversionSeconds:
        maxInversionMicros === undefined ? null : seconds(maxInversionMicros * 1e3),
    },
  };
};
