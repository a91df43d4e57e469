import { readdirSync, readFileSync } from 'node:fs';
import { procStatFields } from '@faultline/topology';

/** CPU and memory of a set of process trees over a window: what a topology costs the machine. */
export interface Footprint {
  seconds: number;
  /** Whole cores used on average (1 is one core), all trees together. */
  cores: number;
  /** Resident memory at the end of the window, all processes together. */
  rssMiB: number;
  /**
   * The same, with each shared page divided among the processes that map it (PSS): RSS counts
   * PostgreSQL's shared buffers once per backend, PSS once in all.
   */
  pssMiB: number;
  byRoot: Record<string, { cores: number; rssMiB: number; pssMiB: number }>;
}

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

interface ProcessSample {
  ppid: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** Proportional set size from smaps_rollup, 0 for a process that has gone. */
function pssBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function sampleProcesses(): Map<number, ProcessSample> {
  const samples = new Map<number, ProcessSample>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // Undefined: exited between listing and reading.
    const fields = procStatFields(Number(entry));
    if (!fields) continue;
    samples.set(Number(entry), {
      ppid: Number(fields[1]),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      rssBytes: Number(fields[21]) * PAGE_BYTES,
    });
  }
  return samples;
}

/** The root a process descends from (itself included), if any. */
function rootOf(
  pid: number,
  samples: Map<number, ProcessSample>,
  roots: Map<number, string>,
): string | undefined {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    const root = roots.get(p);
    if (root !== undefined) return root;
    const parent = samples.get(p)?.ppid;
    if (parent === undefined) return undefined;
    p = parent;
  }
  return undefined;
}

/**
 * Measures the trees under `roots` (pid -> name) for `seconds`: CPU from /proc's utime + stime
 * of every process in them (a PostgreSQL backend counts for its server), RSS and PSS at the end.
 * Processes that exit within the window are not counted.
 */
export async function measureFootprint(
  roots: Map<number, string>,
  seconds: number,
): Promise<Footprint> {
  const before = sampleProcesses();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const after = sampleProcesses();
  const byRoot: Footprint['byRoot'] = {};
  for (const [pid, sample] of after) {
    const root = rootOf(pid, after, roots);
    if (root === undefined) continue;
    const entry = (byRoot[root] ??= { cores: 0, rssMiB: 0, pssMiB: 0 });
    entry.cores += (sample.cpuSeconds - (before.get(pid)?.cpuSeconds ?? 0)) / elapsed;
    entry.rssMiB += sample.rssBytes / 2 ** 20;
    entry.pssMiB += pssBytes(pid) / 2 ** 20;
  }
  const all = Object.values(byRoot);
  return {
    seconds: elapsed,
    cores: all.reduce((sum, e) => sum + e.cores, 0),
    rssMiB: all.reduce((sum, e) => sum + e.rssMiB, 0),
    pssMiB: all.reduce((sum, e) => sum + e.pssMiB, 0),
    byRoot,
  };
}
