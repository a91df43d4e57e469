import { type CheckerResult, Findings, type Validity } from '../checker-result';
import { increment, type Tally } from '../compose';
import { type History, outcome, type Pair, pairs } from '../history';
import {
  append,
  type CatalogReadRequest,
  type CatalogWriteOk,
  fields,
  type FinalReadOk,
  finiteNumber,
  OPERATIONS,
  text,
} from '../operations';

/** The anomalies the lost-writes checker knows. */
export type LostWritesAnomaly = 'lost-write';

/** An acknowledged catalog write and the version the primary gave it. */
interface Acknowledged {
  pair: Pair;
  sku: string;
  version: number;
}

/** The version the catalog's primary holds for a sku after convergence (a strong final read). */
interface Final {
  pair: Pair;
  version: number;
}

const isStrongFinalRead = (pair: Pair): boolean =>
  pair.invoke.f === OPERATIONS.finalRead &&
  fields<CatalogReadRequest>(pair.invoke.value)?.consistency === 'strong';

/**
 * The lost-writes checker: acknowledged catalog writes the store later forgot, as a Redis split
 * brain loses them (an old primary acknowledges writes its replicas never get, and drops them
 * when it rejoins as a replica). Each ok write increments the sku's version on the primary, so
 * one history of the store gives each version of a sku to one write. A write is lost
 * (anomaly `lost-write`, invalid) when
 *
 * - its version is above the version the strong final read finds (nothing newer replaced it:
 *   the store went back), or
 * - another ok write got the same version: two primaries each acknowledged a write on the same
 *   state. The one invoked last is the one the store kept (the old primary's writes come before
 *   the new primary's reuse their versions); the others are lost.
 *
 * Valid 'unknown' when some sku written ok has no strong final read.
 */
export function checkLostWrites(history: History): CheckerResult {
  const findings = new Findings<LostWritesAnomaly>();
  const { bySku, finals, malformed } = readWrites(history);
  let acknowledged = 0;
  let unchecked = 0;
  const lostBySku: Tally = {};
  const lost = (write: Acknowledged, evidence: Pair) => {
    increment(lostBySku, write.sku);
    const { invoke, completion } = write.pair;
    findings.add('lost-write', [invoke, completion, evidence.invoke, evidence.completion]);
  };
  for (const [sku, writes] of bySku) {
    acknowledged += writes.length;
    const final = finals.get(sku);
    if (!final) {
      unchecked++;
      continue;
    }
    const byVersion = new Map<number, Acknowledged[]>();
    for (const write of writes) append(byVersion, write.version, write);
    for (const [version, same] of byVersion) {
      if (version > final.version) {
        for (const write of same) lost(write, final.pair);
        continue;
      }
      const kept = same.reduce((a, b) => (b.pair.invoke.index > a.pair.invoke.index ? b : a));
      for (const write of same.filter((w) => w !== kept)) lost(write, kept.pair);
    }
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (unchecked > 0) valid = 'unknown';
  else valid = true;

  return findings.result('lost-writes', valid, {
    'writes-acknowledged': acknowledged,
    'writes-lost': findings.count('lost-write'),
    'writes-malformed': malformed,
    'lost-by-sku': lostBySku,
    'skus-unchecked': unchecked,
  });
}

/** The ok writes by sku, and each sku's strong final read. */
function readWrites(history: History) {
  const bySku = new Map<string, Acknowledged[]>();
  const finals = new Map<string, Final>();
  let malformed = 0;
  for (const pair of pairs(history)) {
    const final = isStrongFinalRead(pair);
    if (outcome(pair) !== 'ok' || (!final && pair.invoke.f !== OPERATIONS.write)) continue;
    const value = fields<CatalogWriteOk | FinalReadOk>(pair.completion?.value);
    const sku = text(value?.sku);
    const version = finiteNumber(value?.version);
    if (sku === undefined || version === undefined) {
      if (!final) malformed++;
    } else if (final) {
      finals.set(sku, { pair, version });
    } else {
      append(bySku, sku, { pair, sku, version });
    }
  }
  return { bySku, finals, malformed };
}
