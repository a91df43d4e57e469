import { describe } from 'node:test';
import fc from 'fast-check';
import { checkPayments, type PaymentsAnomaly } from '../src/checkers/payments';
import type { Op } from '../src/history';
import { history, type Outcome } from './builder';
import { type Injection, proveBothWays } from './properties';

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];

/** A charge under an idempotency key; an indeterminate one may have happened or not. */
interface Attempt {
  key: string;
  outcome: Outcome;
  happened: boolean;
}

/** How a run of attempts ended: what each was told, and the rows each key holds. */
interface Run {
  told: { key: string; outcome: Outcome }[];
  rows: Record<string, number>;
  acknowledged: string[];
  failedOnly: string[];
}

const attempt: fc.Arbitrary<Attempt> = fc.record({
  key: fc.constantFrom(...KEYS),
  outcome: fc.constantFrom<Outcome>('ok', 'fail', 'info', 'open'),
  happened: fc.boolean(),
});

/**
 * An idempotent payments service: the first attempt that happens makes the key's one row; an
 * attempt after that is answered with it (a replay: ok, never fail).
 */
function resolve(attempts: Attempt[]): Run {
  const rows: Record<string, number> = {};
  const told = attempts.map(({ key, outcome, happened }) => {
    const charged = rows[key] === 1;
    const answer = charged && outcome === 'fail' ? 'ok' : outcome;
    if (answer === 'ok' || (answer !== 'fail' && happened)) rows[key] = 1;
    else rows[key] ??= 0;
    return { key, outcome: answer };
  });
  const keys = Object.keys(rows);
  const toldOf = (key: string) => told.filter((t) => t.key === key).map((t) => t.outcome);
  return {
    told,
    rows,
    acknowledged: keys.filter((key) => toldOf(key).includes('ok')),
    failedOnly: keys.filter((key) => toldOf(key).every((o) => o === 'fail')),
  };
}

/** The run's history, ending with a final read that finds `rows`. */
function record(run: Run, rows: Record<string, number> = run.rows): Op[] {
  const h = history();
  run.told.forEach(({ key, outcome }, i) => h.pay(`pay-${i}`, key, outcome));
  return h.finalPayments(rows).ops();
}

const runs = fc.array(attempt, { minLength: 1, maxLength: 30, size: 'medium' }).map(resolve);

/** The run's history with each target key's rows set to `rows` at the end. */
const withRows = (run: Run, targets: string[], rows: number) =>
  record(run, { ...run.rows, ...Object.fromEntries(targets.map((key) => [key, rows])) });

const INJECTIONS: Record<PaymentsAnomaly, Injection<Run>> = {
  'lost-payment': {
    what: 'acknowledged payments missing at the end',
    targets: (run) => run.acknowledged,
    inject: (run, keys) => withRows(run, keys, 0),
  },
  'double-charge': {
    what: 'keys charged twice',
    targets: (run) => Object.keys(run.rows).filter((key) => run.rows[key] === 1),
    inject: (run, keys) => withRows(run, keys, 2),
  },
  'failed-but-charged': {
    what: 'keys charged although every attempt failed',
    targets: (run) => run.failedOnly,
    inject: (run, keys) => withRows(run, keys, 1),
  },
};

describe('payments checker, proven both ways', () => {
  proveBothWays(
    checkPayments,
    runs,
    { what: 'runs of an idempotent store', history: record },
    INJECTIONS,
  );
});
