import { type CheckerResult, Findings, type StatValue, type Validity } from '../checker-result';
import { type History, outcome, type Pair, pairs } from '../history';
import {
  append,
  fields,
  finiteNumber,
  OPERATIONS,
  type RegisterReadOk,
  type RegisterReadRequest,
  type RegisterWriteRequest,
  seconds,
  text,
} from '../operations';

/** The anomalies the register linearizability checker knows. */
export type RegisterLinearizabilityAnomaly = 'nonlinearizable';

export interface RegisterLinearizabilityOptions {
  /**
   * The most configurations the search of one key may explore before it gives up and calls the
   * key undecided; 1 000 000 by default.
   */
  maxSearchStates?: number;
}

export const DEFAULT_MAX_SEARCH_STATES = 1_000_000;

/** How many invoke + completion pairs an example shows: the bad read and the writes around it. */
const EXAMPLE_PAIRS = 6;

/** A register's value: null until the key is first written. */
type RegisterValue = number | null;

/** An operation the search places: an ok read, or a write that may have happened. */
interface RegisterOp {
  kind: 'read' | 'write';
  value: RegisterValue;
  pair: Pair;
  /** Whether it completed ok; a write that did not may take effect at any time after its invoke. */
  ok: boolean;
}

/** One key's subhistory. */
interface RegisterKey {
  key: string;
  /** Ok reads and the writes that may have happened (ok, info, never completed), in invoke order. */
  ops: RegisterOp[];
  /** Writes that certainly did not happen: not searched, only cited. */
  failedWrites: RegisterOp[];
}

interface Registers {
  keys: Map<string, RegisterKey>;
  writes: Record<'ok' | 'info' | 'fail', number>;
  reads: number;
  malformed: number;
}

type SearchOutcome =
  | { verdict: 'linearizable' | 'undecided'; states: number }
  | { verdict: 'nonlinearizable'; states: number; culprit: RegisterOp };

/**
 * The linearizability checker for single registers (etcd keys written with unique values and read
 * linearizably): is there one order of the operations, each placed between its invoke and its
 * completion, in which every ok read returns the last value written before it?
 *
 * Linearizability is compositional (Herlihy & Wing's locality, the P-compositionality Porcupine
 * uses): a history is linearizable iff each key's subhistory is, so each key is searched on its
 * own, its register starting at null. An ok write happened between its invoke and its completion;
 * a failed write never happened and is dropped; an info write, or one never completed, may have
 * happened at any time after its invoke (its completion is taken at +infinity, and placing it
 * last is as good as leaving it out). Ok reads must return the register's value where they are
 * placed; failed and info reads tell nothing and are dropped.
 *
 * The search is Wing & Gong's, with Lowe's just-in-time linearization and a memo of the
 * configurations already explored (the set of linearized operations as a bitset, and the
 * register's value), as Porcupine and Knossos implement it:
 * - J. M. Wing, C. Gong, "Testing and verifying concurrent objects", JPDC 17(1), 1993.
 * - G. Lowe, "Testing for linearizability", Concurrency and Computation: Practice and
 *   Experience 29(4), 2017.
 * - Porcupine, A. Athalye: https://github.com/anishathalye/porcupine
 * - Knossos, K. Kingsbury: https://github.com/jepsen-io/knossos
 *
 * Anomaly `nonlinearizable` (invalid), one per key that does not linearize; its example is the
 * read the search could never place (the one whose completion no linearization reaches) with the
 * writes it could have seen, and stat `explanation` says why in words for the first such key
 * (times in seconds since the history's first op).
 * A key whose search explores more than `maxSearchStates` configurations is undecided
 * (`undecidedKeys`): valid 'unknown' unless another key is nonlinearizable. Valid 'unknown' too
 * when no register read completed ok: there is nothing to judge.
 */
export function checkRegisterLinearizability(
  history: History,
  options: RegisterLinearizabilityOptions = {},
): CheckerResult {
  const maxSearchStates = options.maxSearchStates ?? DEFAULT_MAX_SEARCH_STATES;
  const registers = readRegisters(history);
  const findings = new Findings<RegisterLinearizabilityAnomaly>();
  const start = history.reduce((min, op) => Math.min(min, op.time), Infinity);
  const nonlinearizableKeys: string[] = [];
  const undecidedKeys: string[] = [];
  let searchStates = 0;
  let explanation: string | null = null;
  for (const register of registers.keys.values()) {
    if (!register.ops.some((op) => op.kind === 'read')) continue;
    const result = search(register.ops, maxSearchStates);
    searchStates += result.states;
    if (result.verdict === 'undecided') undecidedKeys.push(register.key);
    if (result.verdict !== 'nonlinearizable') continue;
    nonlinearizableKeys.push(register.key);
    const evidence = explain(result.culprit, register, start);
    explanation ??= evidence.explanation;
    const ops = evidence.pairs.flatMap((pair) => [pair.invoke, pair.completion]);
    findings.add('nonlinearizable', ops.filter((op) => op !== undefined).sort(byIndex));
  }

  const valid: Validity = findings.invalidating
    ? false
    : registers.reads === 0 || undecidedKeys.length > 0
      ? 'unknown'
      : true;
  const stats: Record<string, StatValue> = {
    keys: registers.keys.size,
    writes: registers.writes,
    reads: registers.reads,
    malformed: registers.malformed,
    searchStates,
    maxSearchStates,
    nonlinearizableKeys,
    undecidedKeys,
    explanation,
    note: registers.reads === 0 ? 'no ok register read: nothing to judge' : null,
  };
  return findings.result('register-linearizability', valid, stats);
}

const byIndex = (a: { index: number }, b: { index: number }): number => a.index - b.index;

/** The register operations by key, read defensively. */
function readRegisters(history: History): Registers {
  const registers: Registers = {
    keys: new Map(),
    writes: { ok: 0, info: 0, fail: 0 },
    reads: 0,
    malformed: 0,
  };
  const registerOf = (key: string): RegisterKey => {
    let register = registers.keys.get(key);
    if (!register) {
      register = { key, ops: [], failedWrites: [] };
      registers.keys.set(key, register);
    }
    return register;
  };
  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === OPERATIONS.registerWrite) {
      const request = fields<RegisterWriteRequest>(invoke.value);
      const key = text(request?.key);
      const value = finiteNumber(request?.value);
      if (key === undefined || value === undefined) {
        registers.malformed++;
        continue;
      }
      const type = outcome(pair);
      registers.writes[type]++;
      const write: RegisterOp = { kind: 'write', value, pair, ok: type === 'ok' };
      if (type === 'fail') registerOf(key).failedWrites.push(write);
      else registerOf(key).ops.push(write);
    } else if (invoke.f === OPERATIONS.registerRead) {
      const key = text(fields<RegisterReadRequest>(invoke.value)?.key);
      if (key === undefined) {
        registers.malformed++;
        continue;
      }
      if (completion?.type !== 'ok') continue;
      const read = fields<RegisterReadOk>(completion.value);
      const value = read?.value === null ? null : finiteNumber(read?.value);
      if (value === undefined) {
        registers.malformed++;
        continue;
      }
      registers.reads++;
      registerOf(key).ops.push({ kind: 'read', value, pair, ok: true });
    }
  }
  return registers;
}

/** A node of the search's list of invokes and completions; the head is a bare Link. */
interface Link {
  next?: Entry;
}

interface Entry extends Link {
  prev: Link;
  /** The op's position in the ops placed. */
  op: number;
  /** The invoke's entry (a call), else the completion's (a return). */
  call: boolean;
  /** Where in the history: the invoke's index, or the op's deadline. */
  position: number;
  /** A call's return. */
  match?: Entry;
}

/** An op the search places, and the position in the history it must be linearized by. */
interface Placed {
  op: RegisterOp;
  deadline: number;
}

/**
 * The ops to search and their deadlines, an ok op's being its completion. Of the writes whose
 * outcome is unknown, one whose value no ok read returned is left out: a linearization with it
 * stays one without it, as no read sees it before the next write. One that is the only write of
 * its value must precede every read that returned the value, so it is linearized by the first
 * completion of those reads (after its invoke); any other may take effect at any time. Neither
 * changes the answer, and both spare the search the configurations where the write is pending.
 */
function toPlace(ops: readonly RegisterOp[]): Placed[] {
  const readsOf = new Map<RegisterValue, RegisterOp[]>();
  const writesOf = new Map<RegisterValue, number>();
  for (const op of ops) {
    if (op.kind === 'read') append(readsOf, op.value, op);
    else writesOf.set(op.value, (writesOf.get(op.value) ?? 0) + 1);
  }
  return ops.flatMap((op): Placed[] => {
    if (op.ok) return [{ op, deadline: op.pair.completion!.index }];
    const seenBy = readsOf.get(op.value);
    if (!seenBy) return [];
    let deadline = Infinity;
    if (writesOf.get(op.value) === 1) {
      for (const read of seenBy) {
        const completed = read.pair.completion!.index;
        if (completed > op.pair.invoke.index) deadline = Math.min(deadline, completed - 0.5);
      }
    }
    return [{ op, deadline }];
  });
}

/** The calls and returns of `placed` in history order, as a doubly linked list after `head`. */
function entries(placed: readonly Placed[]): Link {
  const list: Entry[] = [];
  placed.forEach(({ op, deadline }, i) => {
    const ret: Entry = { prev: {}, op: i, call: false, position: deadline };
    list.push({ prev: {}, op: i, call: true, position: op.pair.invoke.index, match: ret }, ret);
  });
  list.sort((a, b) => (a.position === b.position ? 0 : a.position - b.position));
  const head: Link = {};
  let last = head;
  for (const entry of list) {
    entry.prev = last;
    last.next = entry;
    last = entry;
  }
  return head;
}

/** Takes a call and its return out of the list. */
function lift(call: Entry): void {
  const ret = call.match!;
  call.prev.next = call.next;
  call.next!.prev = call.prev;
  ret.prev.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts back what `lift(call)` took out (the last lifted first: dancing links). */
function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev.next = call;
  call.next!.prev = call;
}

/**
 * Wing & Gong's search with Lowe's just-in-time linearization: walk the list from the head; at a
 * call, try to linearize that operation now (a write always can, a read if it returns the
 * register's value) unless that configuration was explored before, and if so lift it and walk
 * again from the head; at a return, the operation completed without being linearized, so undo
 * the last choice and try the next call after it. The key is linearizable when the list empties;
 * not when there is no choice left to undo.
 */
function search(ops: readonly RegisterOp[], maxStates: number): SearchOutcome {
  const placed = toPlace(ops);
  const head = entries(placed);
  const linearized = new Bitset(placed.length);
  const explored = new ExploredConfigurations(linearized.words.length);
  const stack: { call: Entry; before: RegisterValue }[] = [];
  let state: RegisterValue = null;
  let states = 0;
  // The furthest return the search was stopped at: its read is the one no linearization places.
  let furthest: Entry | undefined;
  let entry = head.next;
  while (entry) {
    if (entry.call) {
      const op = placed[entry.op]!.op;
      if (op.kind === 'write' || op.value === state) {
        const after: RegisterValue = op.kind === 'write' ? op.value : state;
        linearized.add(entry.op);
        if (explored.add(linearized, after)) {
          if (states === maxStates) return { verdict: 'undecided', states };
          states++;
          stack.push({ call: entry, before: state });
          state = after;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized.delete(entry.op);
      }
      entry = entry.next;
    } else {
      if (!furthest || entry.position > furthest.position) furthest = entry;
      const undo = stack.pop();
      if (!undo) return { verdict: 'nonlinearizable', states, culprit: placed[furthest.op]!.op };
      state = undo.before;
      linearized.delete(undo.call.op);
      unlift(undo.call);
      entry = undo.call.next;
    }
  }
  return { verdict: 'linearizable', states };
}

/** A 32-bit mix of an integer (murmur3's finalizer): each op's share of a bitset's hash. */
function mix32(n: number): number {
  let h = n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The set of linearized ops, with a hash kept up to date as it changes (Zobrist hashing). */
class Bitset {
  readonly words: Uint32Array;
  hash = 0;

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  add(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
    this.hash ^= mix32(i + 1);
  }

  delete(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
    this.hash ^= mix32(i + 1);
  }

  /** Whether the bitset stored in `words` from `offset` on is this one. */
  equals(words: Uint32Array, offset: number): boolean {
    return this.words.every((word, i) => word === words[offset + i]);
  }
}

/**
 * The memo: the configurations explored (each one's search failed, or the search would have
 * ended). Kept in flat typed arrays, chained by hash, as a search may keep a million of them.
 */
class ExploredConfigurations {
  /** Each configuration's bitset, `width` words after another's. */
  private bitsets: Uint32Array;
  /** Each configuration's register value, NaN for null. */
  private values: Float64Array;
  /** The next configuration of the same hash, or -1. */
  private chain: Int32Array;
  /** The last configuration added of each hash. */
  private readonly lastOfHash = new Map<number, number>();
  private size = 0;

  constructor(private readonly width: number) {
    this.bitsets = new Uint32Array(1024 * width);
    this.values = new Float64Array(1024);
    this.chain = new Int32Array(1024);
  }

  /** Adds the configuration; false when it was explored already. */
  add(linearized: Bitset, state: RegisterValue): boolean {
    const value = state ?? NaN;
    // Small integers, which a Map keeps unboxed.
    const hash = (linearized.hash ^ mix32(state === null ? 0 : (state | 0) + 1)) & 0x3fffffff;
    const last = this.lastOfHash.get(hash) ?? -1;
    for (let i = last; i >= 0; i = this.chain[i]!) {
      const same = this.values[i] === value || (isNaN(value) && isNaN(this.values[i]!));
      if (same && linearized.equals(this.bitsets, i * this.width)) return false;
    }
    if (this.size === this.values.length) this.grow();
    this.bitsets.set(linearized.words, this.size * this.width);
    this.values[this.size] = value;
    this.chain[this.size] = last;
    this.lastOfHash.set(hash, this.size++);
    return true;
  }

  private grow(): void {
    const bitsets = new Uint32Array(this.bitsets.length * 2);
    bitsets.set(this.bitsets);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    const chain = new Int32Array(this.chain.length * 2);
    chain.set(this.chain);
    [this.bitsets, this.values, this.chain] = [bitsets, values, chain];
  }
}

/** Whether `a` completed ok before `b` was invoked: every linearization places `a` first. */
function precedes(a: RegisterOp, b: RegisterOp): boolean {
  return a.ok && a.pair.completion!.index < b.pair.invoke.index;
}

/**
 * The read no linearization places, the writes it could have seen (of its value, concurrent with
 * it, the last ones completed before it) and, in words, why it cannot be placed.
 */
function explain(
  read: RegisterOp,
  register: RegisterKey,
  start: number,
): { pairs: Pair[]; explanation: string } {
  const at = (nanos: number) => `${seconds(nanos - start)} s`;
  const v = read.value;
  const who = `read by ${read.pair.invoke.process} at ${at(read.pair.invoke.time)} returned ${v}`;
  const writes = register.ops.filter((op) => op.kind === 'write');
  const sources = writes.filter((w) => w.value === v);
  const failedSources = register.failedWrites.filter((w) => w.value === v);
  const before = writes
    .filter((w) => precedes(w, read))
    .sort((a, b) => b.pair.completion!.index - a.pair.completion!.index);
  const concurrent = writes.filter((w) => !precedes(w, read) && !precedes(read, w));
  // With null, the register's initial value, written before everything.
  const overwrites = (w: RegisterOp) => w.value !== v && sources.every((s) => precedes(s, w));

  let explanation: string;
  let cited: RegisterOp[] = [];
  const overwrite = before.find(overwrites);
  // An earlier read of a value whose every write came after every write of this read's value.
  const newerRead = register.ops.find((r) => {
    const written = writes.filter((w) => w.value === r.value);
    return (
      r.kind === 'read' && precedes(r, read) && written.length > 0 && written.every(overwrites)
    );
  });
  if (v !== null && sources.length === 0) {
    cited = failedSources.slice(0, 1);
    explanation =
      failedSources.length > 0
        ? `${who}, but the write of ${v} failed`
        : `${who}, but no write of ${v} exists`;
  } else if (v !== null && sources.every((s) => precedes(read, s))) {
    cited = sources.slice(0, 1);
    explanation = `${who}, but the write of ${v} began only at ${at(sources[0]!.pair.invoke.time)}, after the read completed`;
  } else if (overwrite) {
    cited = [overwrite, ...sources.slice(0, 1)];
    explanation = `${who}, but write ${overwrite.value} completed at ${at(overwrite.pair.completion!.time)} before it began and no later write of ${v} exists`;
  } else if (newerRead) {
    cited = [newerRead, ...sources.slice(0, 1)];
    explanation = `${who}, but read by ${newerRead.pair.invoke.process} completed at ${at(newerRead.pair.completion!.time)} before it began had already returned ${newerRead.value}${v === null ? '' : `, written after write ${v} completed`}`;
  } else {
    explanation = `${who}, which no order of the ${register.ops.length} register operations on ${register.key} allows`;
  }
  const evidence = new Set([read, ...cited, ...sources, ...concurrent, ...before]);
  return {
    pairs: [...evidence].slice(0, EXAMPLE_PAIRS).map((op) => op.pair),
    explanation,
  };
}
