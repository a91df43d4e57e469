import type { CheckerResult, StatValue } from '../../checker-result';
import { type Check, compose, increment, type Tally } from '../../compose';
import type { History, Op } from '../../history';
import { NANOS_PER_SECOND, seconds } from '../../operations';
import {
  acknowledgedAdds,
  type CartAdd,
  type CartFinalRead,
  type Carts,
  isAddOnly,
  lastFinalReads,
  phantomItems,
  readCarts,
} from './carts';

export interface CartConvergenceOptions {
  /**
   * The longest the replicas may take, after the last heal, to all hold every acknowledged add;
   * 30 s by default: a replica gets the hints for what it missed only once gossip sees it up.
   */
  convergenceLimitSeconds?: number;
}

/** The anomalies the cart convergence checker knows. */
export type CartConvergenceAnomaly =
  'lost-add' | 'replica-behind' | 'not-converged' | 'phantom-item';

/** The add-only carts as the ring's replicas hold them at the end. */
interface Ring {
  carts: Carts;
  /** Per add-only cart, its ok adds. */
  acknowledged: Map<string, CartAdd[]>;
  /** The add-only carts' final reads: per cart, per replica, in invoke order. */
  finalReads: Map<string, Map<string, CartFinalRead[]>>;
}

/**
 * The convergence checker for the add-only carts (no replace ever invoked on them), over the
 * final reads: from the last heal on, while the load still adds for a while and after it stops,
 * the workload reads every cart on every replica (each replica serving its own data), round after
 * round, until they agree or a limit passes. A final read is caught up when it holds every ok add
 * of its cart that completed before it was invoked (one still in flight it may not show yet). A
 * replica has caught up with a cart from the first of its final reads after which every one (that
 * included) is caught up; the ring converged when the last (cart, replica) caught up, measured
 * from the completion of the last ok heal (without one, from the first final read). A final read
 * invoked before that heal completed does not count toward when: the ring could not converge yet.
 *
 * Anomalies, all invalid, judged on each replica's last final read against the ok adds completed
 * before it was invoked: `lost-add` (an ok add that the last final read of no replica holds, each
 * invoked after the add completed), `replica-behind` (a replica's last final read of a cart lacks
 * such an add that another replica holds: one per cart and replica), `not-converged` (the ring
 * converged later than the limit after the heal; a ring that never did shows as the two above),
 * `phantom-item` (any final read, before the heal too, shows an item that no add of the cart
 * which may have happened wrote).
 *
 * Valid 'unknown' without any final read of an add-only cart, or when a cart with an ok add was
 * not read on every replica of the ring (every replica some final read names), or an ok add that
 * no last final read holds completed after one of them was invoked, and nothing invalid was found.
 */
export function checkCartConvergence(
  history: History,
  options: CartConvergenceOptions = {},
): CheckerResult {
  const carts = readCarts(history);
  const acknowledged = acknowledgedAdds(carts);
  const finalReads = new Map([...carts.finalReads].filter(([cart]) => isAddOnly(carts, cart)));
  return compose<Ring, CartConvergenceAnomaly>('cart-convergence', {
    operations,
    'acknowledged adds kept': acknowledgedAddsKept,
    convergence: convergence(options.convergenceLimitSeconds ?? 30),
    'phantom items': phantomItems((ring) =>
      [...ring.finalReads.values()].flatMap((byReplica) => [...byReplica.values()].flat()),
    ),
  })({ carts, acknowledged, finalReads });
}

/** What was added and read at the end; 'unknown' without any final read. */
const operations: Check<Ring> = ({ carts, finalReads }) => {
  const { adds, finalReads: attempts } = carts.outcomes;
  const reads = [...finalReads.values()].flatMap((byReplica) => [...byReplica.values()]);
  return {
    valid: finalReads.size === 0 ? 'unknown' : undefined,
    stats: {
      replicas: carts.replicas.size,
      carts: finalReads.size,
      finalReads: reads.reduce((sum, list) => sum + list.length, 0),
      finalReadsUnavailable: attempts.unavailable,
      finalReadsFailed: attempts.failed + attempts.indeterminate,
      addsOk: adds.ok,
      addsIndeterminate: adds.indeterminate,
      addsUnavailable: adds.unavailable,
      addsFailed: adds.failed,
      malformed: adds.malformed + attempts.malformed,
    },
  };
};

/** Whether an ok add had completed when a final read was invoked, so that the read must hold it. */
const mustHold = (read: CartFinalRead, add: CartAdd): boolean =>
  add.pair.completion!.index < read.pair.invoke.index;

/** Whether a final read holds every ok add of its cart that completed before it was invoked. */
const isCaughtUp = (read: CartFinalRead, adds: CartAdd[]): boolean =>
  adds.every((add) => !mustHold(read, add) || read.items.has(add.item));

/** Every ok add is held at the end by every replica; 'unknown' where that cannot be told. */
const acknowledgedAddsKept: Check<Ring, CartConvergenceAnomaly> = (ring, findings) => {
  const behindByReplica: Tally = {};
  let unchecked = 0;
  for (const [cart, adds] of ring.acknowledged) {
    if (adds.length === 0) continue;
    const last = lastFinalReads(ring.carts, cart);
    const everyReplica =
      last.size > 0 && [...ring.carts.replicas].every((replica) => last.has(replica));
    let checked = everyReplica;
    const lastOps = [...last.values()].flatMap((read) => [read.pair.invoke, read.completion]);
    /** Per replica behind, the first ok add it lacks and a replica's last read that holds it. */
    const behind = new Map<string, { add: CartAdd; holder: CartFinalRead }>();
    for (const add of adds) {
      const holder = [...last.values()].find((read) => read.items.has(add.item));
      if (!holder) {
        // Lost only if no replica holds it; with one not read since it completed, that cannot be
        // told.
        if (everyReplica && [...last.values()].every((read) => mustHold(read, add))) {
          findings.add('lost-add', [add.pair.invoke, add.pair.completion, ...lastOps]);
        } else {
          checked = false;
        }
        continue;
      }
      for (const [replica, read] of last) {
        if (mustHold(read, add) && !read.items.has(add.item) && !behind.has(replica)) {
          behind.set(replica, { add, holder });
        }
      }
    }
    if (!checked) unchecked++;
    for (const [replica, { add, holder }] of behind) {
      increment(behindByReplica, replica);
      const read = last.get(replica)!;
      findings.add('replica-behind', [
        ...[add.pair.invoke, add.pair.completion, read.pair.invoke, read.completion],
        ...[holder.pair.invoke, holder.completion],
      ]);
    }
  }
  return {
    valid: unchecked > 0 ? 'unknown' : undefined,
    stats: { cartsUnchecked: unchecked, replicasBehindByReplica: behindByReplica },
  };
};

/** The ring holds every ok add within the limit after the last heal. */
const convergence =
  (limitSeconds: number): Check<Ring, CartConvergenceAnomaly> =>
  ({ carts, acknowledged, finalReads }, findings) => {
    const stats: Record<string, StatValue> = { convergenceLimitSeconds: limitSeconds };
    const heal = carts.heal?.completion;
    let first: Op | undefined;
    /** The final read with which the last (cart, replica) caught up, and the one before it. */
    let latest: { read: CartFinalRead; before?: CartFinalRead } | undefined;
    let caughtUp = true;
    for (const [cart, byReplica] of finalReads) {
      const adds = acknowledged.get(cart) ?? [];
      for (const reads of byReplica.values()) {
        if (!first || reads[0]!.pair.invoke.index < first.index) first = reads[0]!.pair.invoke;
        if (!isCaughtUp(reads.at(-1)!, adds)) {
          caughtUp = false;
          continue;
        }
        const sinceHeal = heal
          ? reads.filter((read) => read.pair.invoke.index > heal.index)
          : reads;
        let i = sinceHeal.length;
        while (i > 0 && isCaughtUp(sinceHeal[i - 1]!, adds)) i--;
        const read = sinceHeal[i];
        if (read && (!latest || read.pair.invoke.time > latest.read.pair.invoke.time)) {
          latest = { read, before: sinceHeal[i - 1] };
        }
      }
    }
    if (!first) return { stats: { ...stats, convergence: 'not judged: no final read' } };
    const from = heal ?? first;
    stats.convergedMeasuredFrom = heal ? 'heal' : 'first final read';
    if (!caughtUp || !latest) {
      return {
        stats: {
          ...stats,
          convergence: caughtUp
            ? 'not judged: no final read after the heal'
            : 'not converged: a replica lacks an ok add completed before its last final read',
          convergedSecondsAfterHeal: null,
        },
      };
    }
    const nanos = latest.read.pair.invoke.time - from.time;
    const converged = nanos <= limitSeconds * NANOS_PER_SECOND;
    if (!converged) {
      const { read, before } = latest;
      findings.add('not-converged', [
        ...[carts.heal?.invoke, heal],
        ...[before?.pair.invoke, before?.completion, read.pair.invoke, read.completion],
      ]);
    }
    return {
      stats: {
        ...stats,
        convergence: converged ? 'converged' : 'converged late',
        convergedSecondsAfterHeal: seconds(nanos),
      },
    };
  };
