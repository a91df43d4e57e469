import { type CheckerResult, Findings, type Validity } from '../checker-result';
import { type History, outcome, pairs } from '../history';
import { fields, finiteNumber, OPERATIONS, type ReadBalancesOk, record } from '../operations';

/** The anomalies the bank checker knows. */
export type BankAnomaly = 'wrong-total' | 'negative-balance';

export interface BankOptions {
  /** The sum of all balances, which transfers conserve; undefined: the total is not judged. */
  total?: number;
}

/**
 * The bank checker: every ok `read-balances` sums to `total` (anomaly `wrong-total`) and shows no
 * negative balance (`negative-balance`, counted once per read). Transfers are counted by outcome
 * and never judged one by one: an indeterminate transfer may or may not have happened, and both
 * conserve the total. Valid 'unknown' when no read succeeded (or the total is not given and no
 * balance was negative).
 */
export function checkBank(history: History, options: BankOptions = {}): CheckerResult {
  const { total } = options;
  const findings = new Findings<BankAnomaly>();
  const transfers = { ok: 0, fail: 0, info: 0 };
  const reads = { ok: 0, fail: 0, info: 0 };
  let checked = 0;
  let malformed = 0;
  let minTotal: number | undefined;
  let maxTotal: number | undefined;
  let accounts = 0;

  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === OPERATIONS.transfer) {
      transfers[outcome(pair)]++;
      continue;
    }
    if (invoke.f !== OPERATIONS.readBalances) continue;
    reads[outcome(pair)]++;
    if (completion?.type !== 'ok') continue;
    const balances = record(fields<ReadBalancesOk>(completion.value)?.balances);
    const values = balances ? Object.values(balances).map(finiteNumber) : [];
    if (!balances || values.some((v) => v === undefined)) {
      malformed++;
      continue;
    }
    checked++;
    const amounts = values as number[];
    const sum = amounts.reduce((a, b) => a + b, 0);
    accounts = Math.max(accounts, amounts.length);
    minTotal = Math.min(minTotal ?? sum, sum);
    maxTotal = Math.max(maxTotal ?? sum, sum);
    if (total !== undefined && sum !== total) findings.add('wrong-total', [invoke, completion]);
    if (amounts.some((a) => a < 0)) findings.add('negative-balance', [invoke, completion]);
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (checked === 0 || total === undefined) valid = 'unknown';
  else valid = true;

  return findings.result('bank', valid, {
    total: total ?? 'not given',
    'reads-checked': checked,
    'reads-fail': reads.fail,
    'reads-info': reads.info,
    'reads-malformed': malformed,
    'transfers-ok': transfers.ok,
    'transfers-fail': transfers.fail,
    'transfers-info': transfers.info,
    accounts,
    'min-total-read': minTotal ?? null,
    'max-total-read': maxTotal ?? null,
  });
}
