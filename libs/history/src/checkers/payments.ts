import { type CheckerResult, Findings, type Validity } from '../checker-result';
import { type History, type Op, outcome, type Pair, pairs } from '../history';
import {
  fields,
  type FinalPaymentsOk,
  finiteNumber,
  groupByKey,
  OPERATIONS,
  record,
} from '../operations';

/** The anomalies the payments checker knows. */
export type PaymentsAnomaly = 'lost-payment' | 'double-charge' | 'failed-but-charged';

/**
 * The payments checker, against the last ok `final-payments` (payment rows per idempotency key,
 * read after heal):
 *
 * - `lost-payment`: a key with an ok `pay` has no row at the end;
 * - `double-charge`: a key has more than one row (whatever its attempts said);
 * - `failed-but-charged`: every attempt of a key failed (`fail` = certainly did not happen), yet
 *   it has a row;
 * - a key with no ok attempt and at least one indeterminate one (info, or no completion) is
 *   resolved as present once (`indeterminate-present`) or absent (`indeterminate-absent`): both
 *   are fine, neither counts as lost.
 *
 * Valid 'unknown' without a final-payments, or when a key used by `pay` is missing from it (and
 * nothing invalid was found).
 */
export function checkPayments(history: History): CheckerResult {
  const findings = new Findings<PaymentsAnomaly>();
  const { attempts, byKey, malformed, final } = readPayments(history);
  const resolved = {
    acknowledged: 0,
    'indeterminate-present': 0,
    'indeterminate-absent': 0,
    'failed-absent': 0,
    unchecked: 0,
  };
  const finalOps: Op[] = final ? [final.pair.invoke, final.pair.completion!] : [];
  for (const [key, list] of final ? byKey : []) {
    const rows = finiteNumber(final!.byKey[key]);
    if (rows === undefined) {
      resolved.unchecked++;
      continue;
    }
    const all = list.flatMap((p) => (p.completion ? [p.invoke, p.completion] : [p.invoke]));
    const oks = list.filter((p) => outcome(p) === 'ok');
    if (rows > 1) findings.add('double-charge', [...all, ...finalOps]);
    if (oks.length > 0) {
      resolved.acknowledged++;
      if (rows < 1) findings.add('lost-payment', [oks[0]!.invoke, oks[0]!.completion, ...finalOps]);
    } else if (list.some((p) => outcome(p) === 'info')) {
      resolved[rows >= 1 ? 'indeterminate-present' : 'indeterminate-absent']++;
    } else if (rows >= 1) {
      findings.add('failed-but-charged', [...all, ...finalOps]);
    } else {
      resolved['failed-absent']++;
    }
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (!final || resolved.unchecked > 0) valid = 'unknown';
  else valid = true;

  return findings.result('payments', valid, {
    'final-payments': final ? 'present' : 'missing',
    'attempts-ok': attempts.ok,
    'attempts-fail': attempts.fail,
    'attempts-info': attempts.info,
    'attempts-malformed': malformed,
    keys: byKey.size,
    'keys-acknowledged': resolved.acknowledged,
    'indeterminate-present': resolved['indeterminate-present'],
    'indeterminate-absent': resolved['indeterminate-absent'],
    'keys-failed-absent': resolved['failed-absent'],
    'keys-unchecked': final ? resolved.unchecked : byKey.size,
  });
}

/** The `pay` attempts by idempotency key, and the last ok final-payments. */
function readPayments(history: History) {
  const attempts = { ok: 0, fail: 0, info: 0 };
  const byKey = new Map<string, Pair[]>();
  let malformed = 0;
  let final: { pair: Pair; byKey: Record<string, unknown> } | undefined;
  for (const pair of pairs(history)) {
    if (pair.invoke.f === OPERATIONS.finalPayments) {
      const found = record(fields<FinalPaymentsOk>(pair.completion?.value)?.byKey);
      if (pair.completion?.type === 'ok' && found) final = { pair, byKey: found };
    } else if (pair.invoke.f === OPERATIONS.pay && !groupByKey(pair, attempts, byKey)) {
      malformed++;
    }
  }
  return { attempts, byKey, malformed, final };
}
