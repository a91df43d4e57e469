import type { CheckerResult } from './checker-result';
import { checkBank } from './checkers/bank';
import { checkCartConvergence } from './checkers/carts/convergence';
import { checkCartLww } from './checkers/carts/lww';
import { checkStaleCarts } from './checkers/carts/staleness';
import { checkLockSafety } from './checkers/lock-safety';
import { checkLostUpdates } from './checkers/lost-updates';
import { checkRaftMajority } from './checkers/raft-majority';
import { checkRegisterLinearizability } from './checkers/register-linearizability';
import { checkLostWrites } from './checkers/lost-writes';
import { checkPayments } from './checkers/payments';
import { checkSaga } from './checkers/saga';
import { checkStaleness, type StalenessOptions } from './checkers/staleness';
import type { History } from './history';

/** The checkers by name, as their results name them: the ones run by default. */
export const CHECKERS = [
  'bank',
  'payments',
  'staleness',
  'lost-updates',
  'lost-writes',
  'saga',
] as const;

/**
 * The quorum lab's checkers, run only when asked for: the core scenarios record no carts, and a
 * checker with nothing to judge says 'unknown'.
 */
export const CART_CHECKERS = ['cart-staleness', 'cart-convergence', 'cart-lww'] as const;

/** The consensus lab's checkers, run only when asked for, as the quorum lab's. */
export const CONSENSUS_CHECKERS = [
  'lock-safety',
  'raft-majority',
  'register-linearizability',
] as const;

export type CheckerName =
  (typeof CHECKERS)[number] | (typeof CART_CHECKERS)[number] | (typeof CONSENSUS_CHECKERS)[number];

export interface CheckAllOptions extends StalenessOptions {
  /** The bank's total (sum of all balances); without it the bank checker cannot say valid. */
  total?: number;
  /** The replicas of every cart (N, for W + R > N); 3 by default. */
  replicationFactor?: number;
  /** The longest the carts' replicas may take to converge after the last heal; 30 s by default. */
  cartConvergenceLimitSeconds?: number;
  /** Which checkers to run, in this order; CHECKERS by default. */
  checkers?: readonly CheckerName[];
}

/** Runs the checkers (CHECKERS by default, in that order) over one history. */
export function checkAll(history: History, options: CheckAllOptions = {}): CheckerResult[] {
  const run: Record<CheckerName, () => CheckerResult> = {
    bank: () => checkBank(history, { total: options.total }),
    payments: () => checkPayments(history),
    staleness: () =>
      checkStaleness(history, {
        convergenceLimitSeconds: options.convergenceLimitSeconds,
        onStaleRead: options.onStaleRead,
      }),
    'lost-updates': () => checkLostUpdates(history),
    'lost-writes': () => checkLostWrites(history),
    saga: () => checkSaga(history),
    'cart-staleness': () =>
      checkStaleCarts(history, { replicationFactor: options.replicationFactor }),
    'cart-convergence': () =>
      checkCartConvergence(history, {
        convergenceLimitSeconds: options.cartConvergenceLimitSeconds,
      }),
    'cart-lww': () => checkCartLww(history),
    'lock-safety': () => checkLockSafety(history),
    'raft-majority': () => checkRaftMajority(history),
    'register-linearizability': () => checkRegisterLinearizability(history),
  };
  return (options.checkers ?? CHECKERS).map((name) => run[name]());
}
