import { type CheckerResult, Findings, type Validity } from '../checker-result';
import { type History, type Op, outcome, type Pair, pairs } from '../history';
import {
  compareTimestamps,
  finiteNumber,
  record,
  text,
  timestamp as readTimestamp,
  type WriteTimestamp,
} from '../operations';

/** A write as last-writer-wins orders it: by timestamp, then by writer. */
interface Stamped {
  timestamp: WriteTimestamp;
  writer?: string;
}

interface OkWrite extends Stamped {
  pair: Pair;
  completion: Op;
  name?: string;
}

/** The order the catalog's LWW script keeps: timestamp, then writer (unknown writers lowest). */
function order(a: Stamped, b: Stamped): number {
  const byTime = compareTimestamps(a.timestamp, b.timestamp);
  if (byTime !== 0) return byTime;
  if (a.writer === b.writer) return 0;
  if (a.writer === undefined) return -1;
  if (b.writer === undefined) return 1;
  return a.writer < b.writer ? -1 : 1;
}

/**
 * Whether an earlier write keeps a later one out under LWW: its timestamp is newer, or equal
 * from a greater writer (an equal timestamp from the same writer is a repeat and applies; with a
 * writer unknown, an equal timestamp counts as keeping it out).
 */
function keepsOut(earlier: Stamped, later: Stamped): boolean {
  const byTime = compareTimestamps(earlier.timestamp, later.timestamp);
  if (byTime !== 0) return byTime > 0;
  if (earlier.writer === undefined || later.writer === undefined) return true;
  return later.writer < earlier.writer;
}

function sameTimestamp(a: WriteTimestamp, b: WriteTimestamp): boolean {
  return compareTimestamps(a, b) === 0;
}

/** Whether a read's value is this write's: same timestamp, and same name and writer if known. */
function shows(read: Record<string, unknown>, write: OkWrite): boolean {
  const ts = readTimestamp(read.timestamp);
  if (!ts || !sameTimestamp(ts, write.timestamp)) return false;
  const name = text(read.name);
  const writer = text(read.writer);
  if (name !== undefined && write.name !== undefined && name !== write.name) return false;
  if (writer !== undefined && write.writer !== undefined && writer !== write.writer) return false;
  return true;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * The lost-update checker: last-writer-wins under clock skew. For each sku, a write W2 that is
 * causally after an ok write W1 — W1 had completed and W2's process had seen W1's version (or a
 * newer one) before invoking W2, as a read-modify-write does — is lost when
 *
 * - W2 is refused (`fail` with reason `lww_rejected`) and W1 keeps it out: W1's timestamp is
 *   newer than W2's `writeTimestamp` (without one: W1's timestamp is the `storedTimestamp`); or
 * - W2 is ok but W1 orders after it, and no read invoked after W2 completed shows W2 while some
 *   such read shows W1 (W1 replaced it). Reads are matched to writes by timestamp (and name and
 *   writer when both sides have them).
 *
 * Each lost W2 counts once (anomaly `lost-update`). Writes that are not ok or refused (info,
 * unfinished, other failures) are neither W1 nor W2. A refusal by a write W2 had not seen is
 * concurrent and fine (stat `lww-rejected-concurrent`): no clock orders writes that do not know
 * of each other, which is why the HLC only promises causal order.
 * Valid 'unknown' when no write was ok or refused.
 */
export function checkLostUpdates(history: History): CheckerResult {
  const findings = new Findings();
  const all = pairs(history);
  const outcomes = { ok: 0, fail: 0, info: 0 };
  const okBySku = new Map<string, OkWrite[]>();
  const readsBySku = new Map<string, Pair[]>();
  const refused: { pair: Pair; sku: string }[] = [];
  const skuOf = (pair: Pair): string | undefined =>
    text(record(pair.completion?.value)?.sku) ?? text(record(pair.invoke.value)?.sku);
  let malformed = 0;
  // The versions each process saw of each sku (its ok reads and writes), in completion order.
  const seen = new Map<string, { index: number; version: number }[]>();
  const see = (pair: Pair, sku: string): void => {
    const version = finiteNumber(record(pair.completion?.value)?.version);
    if (version === undefined) return;
    const key = `${pair.invoke.process}\u0000${sku}`;
    seen.set(key, [...(seen.get(key) ?? []), { index: pair.completion!.index, version }]);
  };

  for (const pair of all) {
    const { invoke, completion } = pair;
    if (invoke.f === 'read' && completion?.type === 'ok') {
      const sku = skuOf(pair);
      if (sku === undefined) continue;
      see(pair, sku);
      const list = readsBySku.get(sku) ?? [];
      list.push(pair);
      readsBySku.set(sku, list);
      continue;
    }
    if (invoke.f !== 'write') continue;
    outcomes[outcome(pair)]++;
    const sku = skuOf(pair);
    const value = record(completion?.value);
    if (completion?.type === 'ok') {
      const ts = readTimestamp(value?.timestamp);
      if (sku === undefined || !ts) {
        malformed++;
        continue;
      }
      see(pair, sku);
      const list = okBySku.get(sku) ?? [];
      list.push({
        timestamp: ts,
        writer: text(value?.writer) ?? completion.node,
        name: text(record(invoke.value)?.name),
        pair,
        completion,
      });
      okBySku.set(sku, list);
    } else if (completion?.type === 'fail' && text(value?.reason) === 'lww_rejected') {
      if (sku === undefined) malformed++;
      else refused.push({ pair, sku });
    }
  }

  // Per sku, ok writes in completion order with the running LWW maximum.
  const bySku = new Map<string, { written: OkWrite[]; best: OkWrite[] }>();
  for (const [sku, list] of okBySku) {
    list.sort((a, b) => a.completion.index - b.completion.index);
    const best: OkWrite[] = [];
    for (const w of list) {
      const prev = best.at(-1);
      best.push(prev && order(prev, w) >= 0 ? prev : w);
    }
    bySku.set(sku, { written: list, best });
  }
  /** The ok writes of a sku that completed before index `before`, and the LWW-newest of them. */
  const completedBefore = (
    sku: string,
    before: number,
  ): { done: () => OkWrite[]; best?: OkWrite } => {
    const s = bySku.get(sku);
    if (!s) return { done: () => [] };
    let lo = 0;
    let hi = s.written.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.written[mid]!.completion.index < before) lo = mid + 1;
      else hi = mid;
    }
    return { done: () => s.written.slice(0, lo), best: lo > 0 ? s.best[lo - 1] : undefined };
  };

  /**
   * Whether W2 is causally after W1: W2's process had seen W1's version (or a newer one) of the
   * sku before it invoked W2. Without versions to compare, real-time order is taken as causal.
   */
  const sawBefore = (w2: Pair, sku: string, w1: OkWrite): boolean => {
    const version = finiteNumber(record(w1.completion.value)?.version);
    if (version === undefined) return true;
    const views = seen.get(`${w2.invoke.process}\u0000${sku}`) ?? [];
    return views.some((v) => v.index < w2.invoke.index && v.version >= version);
  };

  const lostByProcess: Record<string, number> = {};
  const lostByNode: Record<string, number> = {};
  const lost = (w2: Pair, evidence: (Op | undefined)[]): void => {
    increment(lostByProcess, w2.invoke.process);
    increment(lostByNode, w2.completion?.node ?? w2.invoke.node ?? 'unknown');
    findings.add('lost-update', evidence);
  };

  // Refused writes.
  let concurrent = 0;
  for (const { pair, sku } of refused) {
    const value = record(pair.completion!.value)!;
    const { done, best } = completedBefore(sku, pair.invoke.index);
    const written = readTimestamp(value.writeTimestamp);
    let w1: OkWrite | undefined;
    if (written) {
      const w2: Stamped = {
        timestamp: written,
        writer: text(value.writer) ?? pair.completion!.node,
      };
      if (best && keepsOut(best, w2)) {
        w1 = done()
          .filter((w) => keepsOut(w, w2) && sawBefore(pair, sku, w))
          .at(-1);
      }
    } else {
      const stored = readTimestamp(value.storedTimestamp);
      const storedWriter = text(value.storedWriter);
      w1 = stored
        ? done().find(
            (w) =>
              sameTimestamp(w.timestamp, stored) &&
              (storedWriter === undefined || w.writer === undefined || w.writer === storedWriter) &&
              sawBefore(pair, sku, w),
          )
        : undefined;
    }
    if (w1) lost(pair, [w1.pair.invoke, w1.completion, pair.invoke, pair.completion]);
    else concurrent++;
  }

  // Acknowledged writes that an earlier write replaced.
  let unobserved = 0;
  for (const [sku, { written }] of bySku) {
    for (const w2 of written) {
      const { done, best } = completedBefore(sku, w2.pair.invoke.index);
      if (!best || !keepsOut(best, w2)) continue; // the usual case, checked in O(log n)
      const beaters = done().filter((w1) => keepsOut(w1, w2) && sawBefore(w2.pair, sku, w1));
      const after = (readsBySku.get(sku) ?? []).filter((r) => r.invoke.index > w2.completion.index);
      const values = after.map((r) => record(r.completion!.value) ?? {});
      if (values.some((v) => shows(v, w2))) continue;
      const i = values.findIndex((v) => beaters.some((w1) => shows(v, w1)));
      if (i < 0) {
        unobserved++;
        continue;
      }
      const read = after[i]!;
      const w1 = beaters.find((w) => shows(values[i]!, w))!;
      lost(w2.pair, [
        w1.pair.invoke,
        w1.completion,
        w2.pair.invoke,
        w2.completion,
        read.invoke,
        read.completion,
      ]);
    }
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (outcomes.ok === 0 && refused.length === 0) valid = 'unknown';
  else valid = true;

  return findings.result('lost-updates', valid, {
    'writes-ok': outcomes.ok,
    'writes-fail': outcomes.fail,
    'writes-info': outcomes.info,
    'writes-malformed': malformed,
    'lww-rejected': refused.length,
    'lww-rejected-concurrent': concurrent,
    'lost-updates-by-process': lostByProcess,
    'lost-updates-by-node': lostByNode,
    'ok-writes-replaced-unobserved': unobserved,
  });
}
