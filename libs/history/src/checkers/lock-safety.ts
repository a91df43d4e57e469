import { type CheckerResult, Findings, type StatValue } from '../checker-result';
import { increment, type Tally } from '../compose';
import { type History, outcome, type Pair, pairs } from '../history';
import {
  fields,
  type LedgerAppendRequest,
  type LedgerEntry,
  type LedgerFinalReadOk,
  type LedgerRejection,
  OPERATIONS,
  record,
} from '../operations';

/** The anomalies the lock-safety checker knows. */
export type LockSafetyAnomaly = 'stale-write' | 'lost-append' | 'fenced-write';

/** How many stale writes and refusals the stats describe in words. */
const DESCRIBED = 5;

/**
 * Whether grant `a` came after grant `b`: by fencing token when both have one (an etcd
 * revision, one total order), else by the writers' grant times (Redlock has no token; the
 * writers share the machine's clock).
 */
const grantedAfter = (a: LedgerEntry, b: LedgerEntry): boolean =>
  a.token !== null && b.token !== null ? a.token > b.token : a.grantedAtMs > b.grantedAtMs;

/** A grant in words: its token, else when it was granted, in seconds after `originMs`. */
const grantOf = (e: LedgerEntry | LedgerRejection, originMs: number): string =>
  e.token === null
    ? `granted ${((e.grantedAtMs - originMs) / 1000).toFixed(1)} s in`
    : `token ${e.token}`;

/**
 * Mutual exclusion as the storage saw it: each resource's entries, in the order the storage
 * took them, must come from grants in the order they were granted. An entry that lands after
 * an entry of a later grant is a `stale-write`: its writer still acted on a lock that had
 * passed to another (a holder paused past its lease, then resumed and wrote). This is the
 * failure a fencing token exists for (M. Kleppmann, "How to do distributed locking", 2016):
 * under `etcd-fenced` the storage refuses such a write and keeps the refusal, which this
 * checker reports as `fenced-write` without it invalidating anything (the lock did its job).
 *
 * Also: an append acknowledged ok whose entry the final read lacks is a `lost-append`.
 * Judged on the final reads (`ledger-final-read`), whose entries are the storage's own record;
 * the appends link each entry back to the operation that made it. 'unknown' without a final
 * read.
 */
export function checkLockSafety(history: History): CheckerResult {
  const findings = new Findings<LockSafetyAnomaly>();
  const all = pairs(history);
  const appends = all.filter((p) => p.invoke.f === OPERATIONS.ledgerAppend);
  const byRequest = new Map<string, Pair>();
  const appendCounts: Tally = {};
  for (const pair of appends) {
    const request = fields<LedgerAppendRequest>(pair.invoke.value)?.request;
    if (typeof request === 'string') byRequest.set(request, pair);
    increment(appendCounts, outcome(pair));
  }
  let malformed = 0;
  const finals = all
    .filter((p) => p.invoke.f === OPERATIONS.ledgerFinalRead && outcome(p) === 'ok')
    .flatMap((pair) => {
      const read = finalLedger(pair.completion!.value);
      malformed += read ? read.malformed : 1;
      return read ? [{ pair, ledger: read.ledger }] : [];
    });

  const opsOf = (request: string, fallback: Pair) => {
    const pair = byRequest.get(request) ?? fallback;
    return [pair.invoke, pair.completion];
  };
  const staleWrites: string[] = [];
  const refusals: string[] = [];
  const writers: Tally = {};
  const locks: Tally = {};
  let entries = 0;
  let maxLeaseOverrunMs = 0;
  for (const { pair, ledger } of finals) {
    increment(locks, ledger.lock);
    const origin = Math.min(...ledger.entries.map((e) => e.grantedAtMs));
    let latest: LedgerEntry | undefined;
    for (const entry of ledger.entries) {
      entries++;
      increment(writers, entry.writer);
      maxLeaseOverrunMs = Math.max(
        maxLeaseOverrunMs,
        entry.writtenAtMs - (entry.grantedAtMs + entry.leaseMs),
      );
      if (latest && grantedAfter(latest, entry)) {
        findings.add('stale-write', [
          ...opsOf(entry.request, pair),
          ...opsOf(latest.request, pair),
        ]);
        if (staleWrites.length < DESCRIBED) {
          staleWrites.push(
            `${entry.writer}'s ${entry.request} (${grantOf(entry, origin)}, lease ${entry.leaseMs} ms) landed ` +
              `${Math.round(entry.writtenAtMs - entry.grantedAtMs)} ms after its grant, after ` +
              `${latest.writer}'s ${latest.request} (${grantOf(latest, origin)}) had written: the lock had passed on`,
          );
        }
      }
      if (!latest || grantedAfter(entry, latest)) latest = entry;
    }
    for (const rejection of ledger.rejections) {
      findings.add('fenced-write', opsOf(rejection.request, pair), false);
      if (refusals.length < DESCRIBED) {
        refusals.push(
          `${rejection.writer}'s ${rejection.request} (token ${rejection.token}) refused: the storage had accepted token ${rejection.fence}`,
        );
      }
    }
    const landed = new Set(ledger.entries.map((e) => e.request));
    for (const append of appends) {
      const request = fields<LedgerAppendRequest>(append.invoke.value);
      if (request?.resource !== ledger.resource || outcome(append) !== 'ok') continue;
      if (!landed.has(String(request.request)))
        findings.add('lost-append', [append.invoke, append.completion]);
    }
  }
  const stats: Record<string, StatValue> = {
    resources: finals.length,
    locks,
    entries,
    writers,
    appends: appendCounts,
    staleWrites: findings.count('stale-write'),
    fencedWrites: findings.count('fenced-write'),
    maxLeaseOverrunMs: Math.round(Math.max(0, maxLeaseOverrunMs)),
    malformed,
    ...(staleWrites.length ? { staleWriteExamples: staleWrites } : {}),
    ...(refusals.length ? { fencedWriteExamples: refusals } : {}),
  };
  if (finals.length === 0) {
    return findings.result('lock-safety', 'unknown', {
      ...stats,
      note: 'no final read of the ledger',
    });
  }
  return findings.result('lock-safety', !findings.invalidating, stats);
}

/**
 * A final read's value, if it has the shape of one, and how many of its entries and refusals
 * did not (skipped).
 */
function finalLedger(value: unknown): { ledger: LedgerFinalReadOk; malformed: number } | undefined {
  const read = fields<LedgerFinalReadOk>(value);
  if (typeof read?.resource !== 'string' || typeof read.lock !== 'string') return undefined;
  if (!Array.isArray(read.entries) || !Array.isArray(read.rejections)) return undefined;
  const entries = read.entries.filter(isEntry).sort((a, b) => a.seq - b.seq);
  const rejections = read.rejections.filter(isRejection);
  const malformed =
    read.entries.length - entries.length + read.rejections.length - rejections.length;
  return { ledger: { resource: read.resource, lock: read.lock, entries, rejections }, malformed };
}

const isEntry = (value: unknown): value is LedgerEntry => {
  const e = record(value);
  return (
    typeof e?.seq === 'number' &&
    typeof e.request === 'string' &&
    typeof e.writer === 'string' &&
    (e.token === null || typeof e.token === 'number') &&
    typeof e.grantedAtMs === 'number' &&
    typeof e.leaseMs === 'number' &&
    typeof e.writtenAtMs === 'number'
  );
};

const isRejection = (value: unknown): value is LedgerRejection => {
  const r = record(value);
  return (
    typeof r?.request === 'string' &&
    typeof r.writer === 'string' &&
    typeof r.token === 'number' &&
    typeof r.fence === 'number'
  );
};
