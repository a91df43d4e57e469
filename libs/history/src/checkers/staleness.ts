import type { CheckerResult, StatValue } from '../checker-result';
import { type Check, compose, increment, type Tally } from '../compose';
import { type History, type Op, type Pair, pairs } from '../history';
import {
  append,
  type CatalogReadOk,
  type CatalogReadRequest,
  fields,
  finiteNumber,
  NANOS_PER_SECOND,
  OPERATIONS,
  seconds,
  skuOf,
  text,
} from '../operations';

export interface StalenessOptions {
  /** The longest the eventual reads may stay stale after the last heal; 10 s by default. */
  convergenceLimitSeconds?: number;
  /** Told of every stale read with its age (live metrics record them as a histogram). */
  onStaleRead?: (ageSeconds: number, read: Op) => void;
}

/** The anomalies the staleness checker knows. */
export type StalenessAnomaly =
  | 'stale-read'
  | 'stale-strong-read'
  | 'monotonic-read-violation'
  | 'not-converged'
  | 'final-read-behind';

/** An ok write: its version became current on the primary by its completion. */
interface Written {
  version: number;
  pair: Pair;
  completion: Op;
}

interface Read {
  sku: string;
  version: number;
  strong: boolean;
  node: string;
  pair: Pair;
  completion: Op;
  /** The first ok write newer than the version read that completed before the read was invoked. */
  newer?: Written;
}

/** The catalog's history as the staleness checks read it. */
interface Catalog {
  reads: Read[];
  finalReads: Read[];
  /** Per sku, its ok write of the highest version (the first such, in completion order). */
  newest: Map<string, Written>;
  /** The last ok heal. */
  heal?: Pair;
  writesOk: number;
  unavailable: { reads: number; 'final-reads': number; writes: number };
  malformed: number;
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
  return compose<Catalog, StalenessAnomaly>('staleness', {
    operations,
    'stale reads': staleReads(options.onStaleRead),
    'monotonic reads': monotonicReads,
    convergence: convergence(limitSeconds),
    'final state': finalState,
  })(readCatalog(history));
}

function readCatalog(history: History): Catalog {
  const writes = new Map<string, Written[]>();
  const catalog: Catalog = {
    reads: [],
    finalReads: [],
    newest: new Map(),
    writesOk: 0,
    unavailable: { reads: 0, 'final-reads': 0, writes: 0 },
    malformed: 0,
  };
  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === OPERATIONS.heal) {
      const last = catalog.heal?.completion;
      if (completion?.type === 'ok' && (!last || completion.index > last.index)) {
        catalog.heal = pair;
      }
      continue;
    }
    const final = invoke.f === OPERATIONS.finalRead;
    if (!final && invoke.f !== OPERATIONS.read && invoke.f !== OPERATIONS.write) continue;
    const unavailable = invoke.f === OPERATIONS.write ? 'writes' : final ? 'final-reads' : 'reads';
    if (completion?.type !== 'ok') {
      catalog.unavailable[unavailable]++;
      continue;
    }
    const sku = skuOf(pair);
    const version = finiteNumber(fields<CatalogReadOk>(completion.value)?.version);
    if (sku === undefined || version === undefined) {
      catalog.malformed++;
    } else if (invoke.f === OPERATIONS.write) {
      append(writes, sku, { version, pair, completion });
      catalog.writesOk++;
    } else {
      const consistency = text(fields<CatalogReadRequest>(invoke.value)?.consistency);
      const node = completion.node ?? 'unknown';
      const read = { sku, version, strong: consistency === 'strong', node, pair, completion };
      (final ? catalog.finalReads : catalog.reads).push(read);
    }
  }
  const timelines = new Map([...writes].map(([sku, list]) => [sku, new WriteTimeline(list)]));
  for (const [sku, timeline] of timelines) catalog.newest.set(sku, timeline.newest());
  for (const read of catalog.reads) {
    read.newer = timelines.get(read.sku)?.newerThan(read.version, read.pair.invoke.index);
  }
  return catalog;
}

/**
 * A sku's ok writes in completion order with the running maximum version, so that the newest
 * version completed before an instant, and the first write above a version, are binary searches.
 */
class WriteTimeline {
  private readonly written: Written[];
  private readonly maxVersion: number[] = [];

  constructor(written: Written[]) {
    this.written = [...written].sort((a, b) => a.completion.index - b.completion.index);
    for (const w of this.written) {
      this.maxVersion.push(Math.max(this.maxVersion.at(-1) ?? -Infinity, w.version));
    }
  }

  newest(): Written {
    return this.written.reduce((a, b) => (b.version > a.version ? b : a));
  }

  /** The first write above `version` among those completed before index `before`. */
  newerThan(version: number, before: number): Written | undefined {
    const n = this.firstIndex((i) => this.written[i]!.completion.index >= before);
    if (n === 0 || this.maxVersion[n - 1]! <= version) return undefined;
    return this.written[this.firstIndex((i) => this.maxVersion[i]! > version)];
  }

  /** The first position where `past` holds (it holds from there on), or the length. */
  private firstIndex(past: (i: number) => boolean): number {
    let lo = 0;
    let hi = this.written.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (past(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** What was read and written; 'unknown' when nothing was read. */
const operations: Check<Catalog> = (catalog) => ({
  valid: catalog.reads.length === 0 && catalog.finalReads.length === 0 ? 'unknown' : undefined,
  stats: {
    reads: catalog.reads.length,
    'reads-eventual': catalog.reads.filter((r) => !r.strong).length,
    'reads-strong': catalog.reads.filter((r) => r.strong).length,
    'reads-unavailable': catalog.unavailable.reads,
    'writes-ok': catalog.writesOk,
    'writes-not-ok': catalog.unavailable.writes,
    malformed: catalog.malformed,
  },
});

/** Stale reads: eventual ones are reported, strong ones are invalid. */
const staleReads =
  (onStaleRead: StalenessOptions['onStaleRead']): Check<Catalog, StalenessAnomaly> =>
  ({ reads }, findings) => {
    const ages: number[] = [];
    const stale = { eventual: 0, strong: 0 };
    const staleByNode: Tally = {};
    const readsByNode: Tally = {};
    for (const read of reads) {
      increment(readsByNode, read.node);
      const newer = read.newer;
      if (!newer) continue;
      ages.push(read.pair.invoke.time - newer.completion.time);
      onStaleRead?.(seconds(ages.at(-1)!), read.completion);
      increment(staleByNode, read.node);
      stale[read.strong ? 'strong' : 'eventual']++;
      const ops = [newer.pair.invoke, newer.completion, read.pair.invoke, read.completion];
      if (read.strong) findings.add('stale-strong-read', ops);
      else findings.add('stale-read', ops, false);
    }
    ages.sort((a, b) => a - b);
    const count = stale.eventual + stale.strong;
    return {
      stats: {
        stale: count,
        'stale-eventual': stale.eventual,
        'stale-strong': stale.strong,
        'stale-ratio': reads.length === 0 ? 0 : Math.round((count / reads.length) * 1e6) / 1e6,
        'stale-age-max-seconds': seconds(ages.at(-1) ?? 0),
        'stale-age-p99-seconds': seconds(percentile(ages, 0.99)),
        'stale-by-node': staleByNode,
        'reads-by-node': readsByNode,
      },
    };
  };

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Monotonic reads, per process and sku, in the order the process read: reported. */
const monotonicReads: Check<Catalog, StalenessAnomaly> = ({ reads }, findings) => {
  const seen = new Map<string, Read>();
  const violationsByProcess: Tally = {};
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
  return {
    stats: {
      'monotonic-read-violations': findings.count('monotonic-read-violation'),
      'monotonic-read-violations-by-process': violationsByProcess,
    },
  };
};

/** The eventual reads after the last heal are fresh again within the limit. */
const convergence =
  (limitSeconds: number): Check<Catalog, StalenessAnomaly> =>
  ({ reads, heal }, findings) => {
    const stats: Record<string, StatValue> = { 'convergence-limit-seconds': limitSeconds };
    if (!heal) return { stats: { ...stats, convergence: 'not judged: no heal' } };
    const healed = heal.completion!;
    const after = reads.filter((r) => !r.strong && r.pair.invoke.index > healed.index);
    let last: Read | undefined;
    for (const read of after.filter((r) => r.newer)) {
      if (!last || read.completion.time > last.completion.time) last = read;
    }
    const nanos = last ? Math.max(0, last.completion.time - healed.time) : 0;
    const converged = nanos <= limitSeconds * NANOS_PER_SECOND;
    if (!converged) {
      findings.add('not-converged', [heal.invoke, healed, last!.pair.invoke, last!.completion]);
    }
    stats.convergence =
      after.length === 0
        ? 'not observed: no eventual read after heal'
        : converged
          ? 'converged'
          : 'not converged';
    stats['convergence-seconds'] = seconds(nanos);
    stats['eventual-reads-after-heal'] = after.length;
    stats['stale-reads-after-heal'] = after.filter((r) => r.newer).length;
    return { stats };
  };

/** Final reads: every node holds at least the newest ok write of each sku. */
const finalState: Check<Catalog, StalenessAnomaly> = (catalog, findings) => {
  const behindByNode: Tally = {};
  for (const read of catalog.finalReads) {
    const newest = catalog.newest.get(read.sku);
    if (!newest || read.version >= newest.version) continue;
    increment(behindByNode, read.node);
    const ops = [newest.pair.invoke, newest.completion, read.pair.invoke, read.completion];
    findings.add('final-read-behind', ops);
  }
  return {
    stats: {
      'final-reads': catalog.finalReads.length,
      'final-reads-unavailable': catalog.unavailable['final-reads'],
      'final-reads-behind-by-node': behindByNode,
    },
  };
};
