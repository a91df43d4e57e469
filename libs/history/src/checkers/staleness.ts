import { type CheckerResult, Findings, type StatValue, type Validity } from '../checker-result';
import { type History, type Op, type Pair, pairs } from '../history';
import { finiteNumber, NANOS_PER_SECOND, record, seconds, text } from '../operations';

export interface StalenessOptions {
  /** The longest the eventual reads may stay stale after the last heal; 10 s by default. */
  convergenceLimitSeconds?: number;
  /** Told of every stale read with its age (live metrics record them as a histogram). */
  onStaleRead?: (ageSeconds: number, read: Op) => void;
}

/** An ok write: its version became current on the primary by its completion. */
interface Written {
  version: number;
  pair: Pair;
  completion: Op;
}

interface Read {
  sku: string;
  version: number;
  consistency: string;
  node: string;
  pair: Pair;
  completion: Op;
}

/** The sku an operation is about: the completion's, else the request's. */
function skuOf(pair: Pair): string | undefined {
  return text(record(pair.completion?.value)?.sku) ?? text(record(pair.invoke.value)?.sku);
}

/** The sku a catalog operation names and the version it saw; undefined when either is missing. */
function observed(pair: Pair, completion: Op): { sku: string; version: number } | undefined {
  const sku = skuOf(pair);
  const version = finiteNumber(record(completion.value)?.version);
  return sku === undefined || version === undefined ? undefined : { sku, version };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * The staleness checker for the catalog. Per sku, a read is stale when it returns a version older
 * than the newest version whose write completed ok before the read was invoked; its age is the
 * read's invoke time minus the completion time of the first ok write newer than what it read.
 * Writes that are not ok (fail, info, unfinished) never make a read stale.
 *
 * Anomalies: `stale-read` (eventual reads: reported, valid — the catalog promises only eventual
 * consistency), `stale-strong-read` (invalid), `monotonic-read-violation` (a process reads a sku
 * at a version below one it read before: reported, valid), `not-converged` (an eventual read
 * invoked after the last heal was still stale more than the limit after it: invalid),
 * `final-read-behind` (a final-read on some node below the newest ok write version: invalid).
 * Valid 'unknown' when there is no ok read nor final-read.
 */
export function checkStaleness(history: History, options: StalenessOptions = {}): CheckerResult {
  const limitSeconds = options.convergenceLimitSeconds ?? 10;
  const findings = new Findings();
  const writes = new Map<string, Written[]>();
  const reads: Read[] = [];
  const finalReads: Read[] = [];
  const unavailable = { reads: 0, 'final-reads': 0, writes: 0 };
  let malformed = 0;
  let heal: Pair | undefined;

  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    switch (invoke.f) {
      case 'heal':
        if (completion?.type === 'ok' && (!heal || completion.index > heal.completion!.index)) {
          heal = pair;
        }
        break;
      case 'write': {
        if (completion?.type !== 'ok') {
          unavailable.writes++;
          break;
        }
        const seen = observed(pair, completion);
        if (!seen) {
          malformed++;
          break;
        }
        const { sku, version } = seen;
        const list = writes.get(sku) ?? [];
        list.push({ version, pair, completion });
        writes.set(sku, list);
        break;
      }
      case 'read':
      case 'final-read': {
        const final = invoke.f === 'final-read';
        if (completion?.type !== 'ok') {
          unavailable[final ? 'final-reads' : 'reads']++;
          break;
        }
        const seen = observed(pair, completion);
        if (!seen) {
          malformed++;
          break;
        }
        const { sku, version } = seen;
        const consistency = text(record(invoke.value)?.consistency) ?? 'eventual';
        const node = completion.node ?? 'unknown';
        (final ? finalReads : reads).push({ sku, version, consistency, node, pair, completion });
        break;
      }
    }
  }

  // Per sku, ok writes in completion order with the running maximum version, so that the newest
  // version completed before an instant, and the first write above a version, are binary searches.
  const bySku = new Map<string, { written: Written[]; maxVersion: number[] }>();
  for (const [sku, list] of writes) {
    list.sort((a, b) => a.completion.index - b.completion.index);
    const maxVersion: number[] = [];
    for (const w of list) maxVersion.push(Math.max(maxVersion.at(-1) ?? -Infinity, w.version));
    bySku.set(sku, { written: list, maxVersion });
  }
  /** How many of the sku's ok writes completed before index `before`. */
  const completedBefore = (written: Written[], before: number): number => {
    let lo = 0;
    let hi = written.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (written[mid]!.completion.index < before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const ages: number[] = [];
  const stale = { eventual: 0, strong: 0 };
  const staleByNode: Record<string, number> = {};
  const readsByNode: Record<string, number> = {};
  const consistencies = { eventual: 0, strong: 0 };
  const staleAfterHeal: Read[] = [];
  let readsAfterHeal = 0;

  for (const read of reads) {
    increment(readsByNode, read.node);
    const strong = read.consistency === 'strong';
    consistencies[strong ? 'strong' : 'eventual']++;
    const afterHeal = heal !== undefined && read.pair.invoke.index > heal.completion!.index;
    if (afterHeal && !strong) readsAfterHeal++;
    const sku = bySku.get(read.sku);
    if (!sku) continue;
    const n = completedBefore(sku.written, read.pair.invoke.index);
    if (n === 0 || sku.maxVersion[n - 1]! <= read.version) continue;
    // The first write newer than the version read: the first index where the running max exceeds it.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sku.maxVersion[mid]! > read.version) hi = mid;
      else lo = mid + 1;
    }
    const newer = sku.written[lo]!;
    ages.push(read.pair.invoke.time - newer.completion.time);
    options.onStaleRead?.(seconds(ages.at(-1)!), read.completion);
    increment(staleByNode, read.node);
    stale[strong ? 'strong' : 'eventual']++;
    const ops = [newer.pair.invoke, newer.completion, read.pair.invoke, read.completion];
    if (strong) findings.add('stale-strong-read', ops);
    else findings.add('stale-read', ops, false);
    if (afterHeal && !strong) staleAfterHeal.push(read);
  }

  // Monotonic reads, per process and sku, in the order the process read.
  const seen = new Map<string, Read>();
  const violationsByProcess: Record<string, number> = {};
  for (const read of reads) {
    const key = JSON.stringify([read.pair.invoke.process, read.sku]);
    const before = seen.get(key);
    if (before && read.version < before.version) {
      increment(violationsByProcess, read.pair.invoke.process);
      const ops = [before.pair.invoke, before.completion, read.pair.invoke, read.completion];
      findings.add('monotonic-read-violation', ops, false);
    }
    if (!before || read.version > before.version) seen.set(key, read);
  }

  // Convergence after the last heal.
  const convergence: Record<string, StatValue> = {};
  if (!heal) {
    convergence.convergence = 'not judged: no heal';
  } else {
    let last: Read | undefined;
    for (const read of staleAfterHeal) {
      if (!last || read.completion.time > last.completion.time) last = read;
    }
    const nanos = last ? Math.max(0, last.completion.time - heal.completion!.time) : 0;
    const converged = nanos <= limitSeconds * NANOS_PER_SECOND;
    if (!converged) {
      findings.add('not-converged', [
        heal.invoke,
        heal.completion,
        last!.pair.invoke,
        last!.completion,
      ]);
    }
    convergence.convergence =
      readsAfterHeal === 0
        ? 'not observed: no eventual read after heal'
        : converged
          ? 'converged'
          : 'not converged';
    convergence['convergence-seconds'] = seconds(nanos);
    convergence['eventual-reads-after-heal'] = readsAfterHeal;
    convergence['stale-reads-after-heal'] = staleAfterHeal.length;
  }

  // Final reads: every node must hold at least the newest ok write of each sku.
  const finalBehindByNode: Record<string, number> = {};
  for (const read of finalReads) {
    const sku = bySku.get(read.sku);
    if (!sku) continue;
    const newest = sku.written.reduce((a, b) => (b.version > a.version ? b : a));
    if (read.version < newest.version) {
      increment(finalBehindByNode, read.node);
      findings.add('final-read-behind', [
        newest.pair.invoke,
        newest.completion,
        read.pair.invoke,
        read.completion,
      ]);
    }
  }

  let valid: Validity;
  if (findings.invalidating) valid = false;
  else if (reads.length === 0 && finalReads.length === 0) valid = 'unknown';
  else valid = true;

  ages.sort((a, b) => a - b);
  const staleCount = stale.eventual + stale.strong;
  let writesOk = 0;
  for (const list of writes.values()) writesOk += list.length;
  return findings.result('staleness', valid, {
    reads: reads.length,
    'reads-eventual': consistencies.eventual,
    'reads-strong': consistencies.strong,
    'reads-unavailable': unavailable.reads,
    'writes-ok': writesOk,
    'writes-not-ok': unavailable.writes,
    malformed,
    stale: staleCount,
    'stale-eventual': stale.eventual,
    'stale-strong': stale.strong,
    'stale-ratio': reads.length === 0 ? 0 : Math.round((staleCount / reads.length) * 1e6) / 1e6,
    'stale-age-max-seconds': seconds(ages.at(-1) ?? 0),
    'stale-age-p99-seconds': seconds(percentile(ages, 0.99)),
    'stale-by-node': staleByNode,
    'reads-by-node': readsByNode,
    'monotonic-read-violations': findings.count('monotonic-read-violation'),
    'monotonic-read-violations-by-process': violationsByProcess,
    'convergence-limit-seconds': limitSeconds,
    ...convergence,
    'final-reads': finalReads.length,
    'final-reads-unavailable': unavailable['final-reads'],
    'final-reads-behind-by-node': finalBehindByNode,
  });
}
