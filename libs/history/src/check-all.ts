import type { CheckerResult } from './checker-result';
import { checkBank } from './checkers/bank';
import { checkLostUpdates } from './checkers/lost-updates';
import { checkLostWrites } from './checkers/lost-writes';
import { checkPayments } from './checkers/payments';
import { checkSaga } from './checkers/saga';
import { checkStaleness, type StalenessOptions } from './checkers/staleness';
import type { History } from './history';

/** The checkers by name, as their results name them. */
export const CHECKERS = [
  'bank',
  'payments',
  'staleness',
  'lost-updates',
  'lost-writes',
  'saga',
] as const;
export type CheckerName = (typeof CHECKERS)[number];

export interface CheckAllOptions extends StalenessOptions {
  /** The bank's total (sum of all balances); without it the bank checker cannot say valid. */
  total?: number;
  /** Which checkers to run, in this order; all of them by default. */
  checkers?: readonly CheckerName[];
}

/** Runs the checkers (all of them by default, in CHECKERS order) over one history. */
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
  };
  return (options.checkers ?? CHECKERS).map((name) => run[name]());
}
