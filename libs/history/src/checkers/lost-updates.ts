import type { CheckerResult, Findings } from '../checker-result';
import { type Check, compose, increment, type Tally } from '../compose';
import { type History, type Op, outcome, type Pair, pairs } from '../history';
import {
  append,
  type CatalogReadOk,
  type CatalogWriteOk,
  type CatalogWriteRejected,
  type CatalogWriteRequest,
  compareTimestamps,
  fields,
  finiteNumber,
  OPERATIONS,
  skuOf,
  text,
  timestamp as readTimestamp,
  type Unchecked,
  type WriteTimestamp,
} from '../operations';

/** The anomalies the lost-update checker knows. */
export type LostUpdatesAnomaly = 'lost-update';

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
function shows(read: Unchecked<CatalogReadOk>, write: OkWrite): boolean {
  const ts = readTimestamp(read.timestamp);
  if (!ts || !sameTimestamp(ts, write.timestamp)) return false;
  const name = text(read.name);
  const writer = text(read.writer);
  if (name !== undefined && write.name !== undefined && name !== write.name) return false;
  if (writer !== undefined && write.writer !== undefined && writer !== write.writer) return false;
  return true;
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
  return compose<Writes, LostUpdatesAnomaly>('lost-updates', {
    operations,
    'refused after seeing': refusedAfterSeeing,
    'replaced after acknowledged': replacedAfterAcknowledged,
  })(readWrites(history));
}

/** A sku's ok writes in completion order, with the LWW-newest of each prefix. */
interface SkuWrites {
  written: OkWrite[];
  best: OkWrite[];
}

/** The catalog's writes and reads as the lost-update checks read them. */
interface Writes {
  outcomes: Record<'ok' | 'fail' | 'info', number>;
  malformed: number;
  bySku: Map<string, SkuWrites>;
  readsBySku: Map<string, Pair[]>;
  /** Writes refused by LWW (`fail` with reason `lww_rejected`). */
  refused: { pair: Pair; sku: string }[];
  /** The versions each process saw of each sku (its ok reads and writes), in history order. */
  seen: Map<string, { index: number; version: number }[]>;
}

function readWrites(history: History): Writes {
  const okBySku = new Map<string, OkWrite[]>();
  const model: Writes = {
    outcomes: { ok: 0, fail: 0, info: 0 },
    malformed: 0,
    bySku: new Map(),
    readsBySku: new Map(),
    refused: [],
    seen: new Map(),
  };
  const see = (pair: Pair, sku: string): void => {
    const version = finiteNumber(fields<CatalogReadOk>(pair.completion?.value)?.version);
    if (version === undefined) return;
    append(model.seen, seenKey(pair, sku), { index: pair.completion!.index, version });
  };
  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    const sku = skuOf(pair);
    if (invoke.f === OPERATIONS.read && completion?.type === 'ok') {
      if (sku === undefined) continue;
      see(pair, sku);
      append(model.readsBySku, sku, pair);
      continue;
    }
    if (invoke.f !== OPERATIONS.write) continue;
    model.outcomes[outcome(pair)]++;
    if (completion?.type === 'ok') {
      const value = fields<CatalogWriteOk>(completion.value);
      const ts = readTimestamp(value?.timestamp);
      if (sku === undefined || !ts) {
        model.malformed++;
        continue;
      }
      see(pair, sku);
      const writer = text(value?.writer) ?? completion.node;
      const name = text(fields<CatalogWriteRequest>(invoke.value)?.name);
      append(okBySku, sku, { timestamp: ts, writer, name, pair, completion });
    } else if (
      completion?.type === 'fail' &&
      text(fields<CatalogWriteRejected>(completion.value)?.reason) === 'lww_rejected'
    ) {
      if (sku === undefined) model.malformed++;
      else model.refused.push({ pair, sku });
    }
  }
  for (const [sku, list] of okBySku) model.bySku.set(sku, inCompletionOrder(list));
  return model;
}

function inCompletionOrder(list: OkWrite[]): SkuWrites {
  const written = [...list].sort((a, b) => a.completion.index - b.completion.index);
  const best: OkWrite[] = [];
  for (const w of written) {
    const prev = best.at(-1);
    best.push(prev && order(prev, w) >= 0 ? prev : w);
  }
  return { written, best };
}

const seenKey = (pair: Pair, sku: string): string => `${pair.invoke.process}\u0000${sku}`;

/** The ok writes of a sku that completed before index `before`, and the LWW-newest of them. */
function completedBefore(
  model: Writes,
  sku: string,
  before: number,
): { done: () => OkWrite[]; best?: OkWrite } {
  const s = model.bySku.get(sku);
  if (!s) return { done: () => [] };
  let lo = 0;
  let hi = s.written.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.written[mid]!.completion.index < before) lo = mid + 1;
    else hi = mid;
  }
  return { done: () => s.written.slice(0, lo), best: lo > 0 ? s.best[lo - 1] : undefined };
}

/**
 * Whether W2 is causally after W1: W2's process had seen W1's version (or a newer one) of the
 * sku before it invoked W2. Without versions to compare, real-time order is taken as causal.
 */
function sawBefore(model: Writes, w2: Pair, sku: string, w1: OkWrite): boolean {
  const version = finiteNumber(fields<CatalogWriteOk>(w1.completion.value)?.version);
  if (version === undefined) return true;
  const views = model.seen.get(seenKey(w2, sku)) ?? [];
  return views.some((v) => v.index < w2.invoke.index && v.version >= version);
}

/** Counts each lost write W2 as a `lost-update`, by its process and node. */
function lostUpdates(findings: Findings<LostUpdatesAnomaly>) {
  const byProcess: Tally = {};
  const byNode: Tally = {};
  return {
    add(w2: Pair, evidence: (Op | undefined)[]): void {
      increment(byProcess, w2.invoke.process);
      increment(byNode, w2.completion?.node ?? w2.invoke.node ?? 'unknown');
      findings.add('lost-update', evidence);
    },
    stats: () => ({ 'lost-updates-by-process': byProcess, 'lost-updates-by-node': byNode }),
  };
}

/** How writes ended; 'unknown' when none was ok or refused. */
const operations: Check<Writes> = ({ outcomes, malformed, refused }) => ({
  valid: outcomes.ok === 0 && refused.length === 0 ? 'unknown' : undefined,
  stats: {
    'writes-ok': outcomes.ok,
    'writes-fail': outcomes.fail,
    'writes-info': outcomes.info,
    'writes-malformed': malformed,
    'lww-rejected': refused.length,
  },
});

/** Refused writes kept out by an ok write their process had seen. */
const refusedAfterSeeing: Check<Writes, LostUpdatesAnomaly> = (model, findings) => {
  const lost = lostUpdates(findings);
  let concurrent = 0;
  for (const { pair, sku } of model.refused) {
    const w1 = keptOutBy(model, pair, sku);
    if (w1) lost.add(pair, [w1.pair.invoke, w1.completion, pair.invoke, pair.completion]);
    else concurrent++;
  }
  return { stats: { 'lww-rejected-concurrent': concurrent, ...lost.stats() } };
};

/** The ok write a refused write's process had seen that keeps it out, if any. */
function keptOutBy(model: Writes, refused: Pair, sku: string): OkWrite | undefined {
  const value = fields<CatalogWriteRejected>(refused.completion!.value)!;
  const { done, best } = completedBefore(model, sku, refused.invoke.index);
  const written = readTimestamp(value.writeTimestamp);
  if (written) {
    const w2: Stamped = {
      timestamp: written,
      writer: text(value.writer) ?? refused.completion!.node,
    };
    if (!best || !keepsOut(best, w2)) return undefined;
    return done()
      .filter((w) => keepsOut(w, w2) && sawBefore(model, refused, sku, w))
      .at(-1);
  }
  const stored = readTimestamp(value.storedTimestamp);
  const storedWriter = text(value.storedWriter);
  if (!stored) return undefined;
  return done().find(
    (w) =>
      sameTimestamp(w.timestamp, stored) &&
      (storedWriter === undefined || w.writer === undefined || w.writer === storedWriter) &&
      sawBefore(model, refused, sku, w),
  );
}

/** Acknowledged writes that an earlier write they had seen replaced, as later reads show. */
const replacedAfterAcknowledged: Check<Writes, LostUpdatesAnomaly> = (model, findings) => {
  const lost = lostUpdates(findings);
  let unobserved = 0;
  for (const [sku, { written }] of model.bySku) {
    for (const w2 of written) {
      const { done, best } = completedBefore(model, sku, w2.pair.invoke.index);
      if (!best || !keepsOut(best, w2)) continue; // the usual case, checked in O(log n)
      const beaters = done().filter((w1) => keepsOut(w1, w2) && sawBefore(model, w2.pair, sku, w1));
      const after = (model.readsBySku.get(sku) ?? []).filter(
        (r) => r.invoke.index > w2.completion.index,
      );
      const values = after.map((r) => fields<CatalogReadOk>(r.completion!.value) ?? {});
      if (values.some((v) => shows(v, w2))) continue;
      const i = values.findIndex((v) => beaters.some((w1) => shows(v, w1)));
      if (i < 0) {
        unobserved++;
        continue;
      }
      const w1 = beaters.find((w) => shows(values[i]!, w))!;
      const read = after[i]!;
      lost.add(w2.pair, [
        ...[w1.pair.invoke, w1.completion, w2.pair.invoke, w2.completion],
        ...[read.invoke, read.completion],
      ]);
    }
  }
  return { stats: { ...lost.stats(), 'ok-writes-replaced-unobserved': unobserved } };
};
