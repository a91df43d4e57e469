import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What an operation's record says: `invoke` starts it; `ok` it happened; `fail` it certainly did
 * not happen; `info` it is indeterminate (the client cannot know, e.g. a 503 or a timeout).
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** The three ways an invoke completes. */
export type CompletionType = Exclude<OpType, 'invoke'>;

/** One record of a history: an invoke, or the completion of the same process's invoke. */
export interface Op {
  /** Position in the history, assigned by the recorder: 0, 1, 2, … in real-time order. */
  index: number;
  /** The client: 'payments-1', 'catalog-a-writer', 'nemesis', … */
  process: string;
  type: OpType;
  /** The function: one of OPERATIONS ('transfer', 'read-balances', 'pay', 'write', …). */
  f: string;
  /** invoke: the request; ok/fail/info: what was seen (null when nothing). */
  value: unknown;
  /** The service node that answered, or the datastore node that served a read. */
  node?: string;
  /** Monotonic nanoseconds (process.hrtime.bigint() as a number), non-decreasing with index. */
  time: number;
  /** fail/info: why. */
  error?: string;
  /**
   * The W3C trace id (32 lowercase hex) of the requests the operation made, on its invoke and its
   * completion alike, so an example that shows either links to the trace; absent when untraced.
   */
  trace?: string;
}

/** A history: operations in index order. */
export type History = readonly Op[];

/** An invoke and its completion; `completion` is undefined when the run ended first (= info). */
export interface Pair {
  invoke: Op;
  completion?: Op;
}

/** What an invoke's outcome counts as: a missing completion is indeterminate. */
export function outcome(pair: Pair): CompletionType {
  return (pair.completion?.type as CompletionType | undefined) ?? 'info';
}

/** A monotonic clock in nanoseconds. */
export type MonotonicTime = () => number;

/** The default time source: process.hrtime.bigint() as a number of nanoseconds. */
export const monotonicNanos: MonotonicTime = () => Number(process.hrtime.bigint());

/** What a recorder may be told besides the value. */
export interface OpExtra {
  node?: string;
  error?: string;
  trace?: string;
}

export interface HistoryRecorderOptions {
  /** The time source (monotonic ns); `monotonicNanos` by default. */
  now?: MonotonicTime;
  /**
   * Streams every op, as one JSON line, to this file (created or truncated; its directory is
   * created, and the constructor throws if it cannot be). Write errors surface in flush/close.
   */
  file?: string;
}

/**
 * Records a history: `invoke` then `complete` (or `ok`/`fail`/`info`) per process, assigning
 * each op its index and time. Keeps every op in memory (`history()`) and, given a file, streams
 * them as JSON Lines; `flush()` waits until what was recorded is written, `close()` ends the file.
 *
 * Enforces the model: a process has at most one outstanding invoke, and a completion answers the
 * process's outstanding invoke (its `f` is taken from it). Times never go backwards, even if the
 * time source does.
 */
export class HistoryRecorder {
  private readonly ops: Op[] = [];
  private readonly open = new Map<string, Op>();
  private readonly now: MonotonicTime;
  private readonly stream?: WriteStream;
  private lastTime = -Infinity;
  private pendingWrites = 0;
  private waiters: (() => void)[] = [];
  private streamError?: Error;
  private closed = false;

  constructor(options: HistoryRecorderOptions = {}) {
    this.now = options.now ?? monotonicNanos;
    if (options.file !== undefined) {
      mkdirSync(dirname(options.file), { recursive: true });
      this.stream = createWriteStream(options.file, { flags: 'w', encoding: 'utf8' });
      this.stream.on('error', (err) => {
        this.streamError ??= err;
        this.release();
      });
    }
  }

  /** Starts an operation of `process`; throws if the process already has one outstanding. */
  invoke(process: string, f: string, value: unknown, extra: OpExtra = {}): Op {
    const outstanding = this.open.get(process);
    if (outstanding) {
      throw new Error(
        `process ${process} already has an outstanding invoke (${outstanding.f} at index ${outstanding.index})`,
      );
    }
    const op = this.append(process, 'invoke', f, value, extra);
    this.open.set(process, op);
    return op;
  }

  /**
   * Completes the outstanding invoke of a process (given by name or by its invoke op); throws if
   * there is none, or if the op given is not the outstanding one.
   */
  complete(invocation: Op | string, type: CompletionType, value?: unknown, extra?: OpExtra): Op {
    const process = typeof invocation === 'string' ? invocation : invocation.process;
    const invoke = this.open.get(process);
    if (!invoke) throw new Error(`process ${process} has no outstanding invoke to complete`);
    if (typeof invocation !== 'string' && invocation.index !== invoke.index) {
      throw new Error(
        `op ${invocation.index} of ${process} is not outstanding (index ${invoke.index} is)`,
      );
    }
    if (!['ok', 'fail', 'info'].includes(type)) throw new Error(`not a completion type: ${type}`);
    this.open.delete(process);
    return this.append(process, type, invoke.f, value, extra ?? {});
  }

  ok(invocation: Op | string, value?: unknown, extra?: OpExtra): Op {
    return this.complete(invocation, 'ok', value, extra);
  }

  fail(invocation: Op | string, value?: unknown, extra?: OpExtra): Op {
    return this.complete(invocation, 'fail', value, extra);
  }

  info(invocation: Op | string, value?: unknown, extra?: OpExtra): Op {
    return this.complete(invocation, 'info', value, extra);
  }

  /** A copy of the ops recorded so far. */
  history(): Op[] {
    return [...this.ops];
  }

  /** How many ops were recorded. */
  get size(): number {
    return this.ops.length;
  }

  /** The invokes still waiting for their completion. */
  outstanding(): Op[] {
    return [...this.open.values()];
  }

  /** Resolves once every op recorded so far is written to the file; rejects on a write error. */
  async flush(): Promise<void> {
    if (this.pendingWrites > 0 && !this.streamError) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.streamError) throw this.streamError;
  }

  /** Flushes and closes the file; recording afterwards throws. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.flush();
    this.closed = true;
    const stream = this.stream;
    if (stream && !this.streamError) {
      await new Promise<void>((resolve) => {
        stream.once('close', resolve);
        stream.once('error', () => resolve());
        stream.end();
      });
    }
    if (this.streamError) throw this.streamError;
  }

  private append(process: string, type: OpType, f: string, value: unknown, extra: OpExtra): Op {
    if (this.closed) throw new Error('the history recorder is closed');
    this.lastTime = Math.max(this.lastTime, this.now());
    // Built field by field so that the JSON lines keep this order and omit absent fields.
    const op = { index: this.ops.length, process, type, f, value: value ?? null } as Op;
    if (extra.node !== undefined) op.node = extra.node;
    op.time = this.lastTime;
    if (extra.error !== undefined) op.error = extra.error;
    if (extra.trace !== undefined) op.trace = extra.trace;
    this.ops.push(op);
    if (this.stream && !this.streamError) {
      this.pendingWrites++;
      this.stream.write(`${JSON.stringify(op)}\n`, () => {
        this.pendingWrites--;
        if (this.pendingWrites === 0) this.release();
      });
    }
    return op;
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A history as JSON Lines, one op per line (each line ends with a newline). */
export function formatHistory(history: History): string {
  return history.map((op) => `${JSON.stringify(op)}\n`).join('');
}

const OP_TYPES: readonly string[] = ['invoke', 'ok', 'fail', 'info'];

function toOp(parsed: unknown, line: number): Op {
  const fail = (what: string): never => {
    throw new Error(`history line ${line}: ${what}`);
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('not an object');
  }
  const o = parsed as Record<string, unknown>;
  if (!Number.isInteger(o.index)) fail('index is not an integer');
  if (typeof o.process !== 'string') fail('process is not a string');
  if (typeof o.type !== 'string' || !OP_TYPES.includes(o.type)) fail(`bad type ${String(o.type)}`);
  if (typeof o.f !== 'string') fail('f is not a string');
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) fail('time is not a number');
  if (o.node !== undefined && typeof o.node !== 'string') fail('node is not a string');
  if (o.error !== undefined && typeof o.error !== 'string') fail('error is not a string');
  if (o.trace !== undefined && typeof o.trace !== 'string') fail('trace is not a string');
  const op = {
    index: o.index as number,
    process: o.process as string,
    type: o.type as OpType,
    f: o.f as string,
    value: o.value ?? null,
  } as Op;
  if (o.node !== undefined) op.node = o.node as string;
  op.time = o.time as number;
  if (o.error !== undefined) op.error = o.error as string;
  if (o.trace !== undefined) op.trace = o.trace as string;
  return op;
}

/**
 * Parses a JSON Lines history. Blank lines are skipped; a bad line throws an Error naming its
 * line number, except a last line without its newline that is not JSON: that is a write cut short
 * (the recorder ends every line with one), and it is dropped.
 */
export function parseHistory(text: string): Op[] {
  const lines = text.split('\n');
  const ops: Op[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // truncated tail
      throw new Error(`history line ${i + 1}: not JSON`);
    }
    ops.push(toOp(parsed, i + 1));
  });
  return ops;
}

/** Reads a JSON Lines history file (see parseHistory). */
export async function readHistory(file: string): Promise<Op[]> {
  return parseHistory(await readFile(file, 'utf8'));
}

/**
 * Pairs every invoke with the completion of the same process that follows it, in invoke order.
 * An invoke whose process never completed it gets no completion (count it as info). Completions
 * that answer no invoke are ignored. A history out of index order is sorted first.
 */
export function pairs(history: History): Pair[] {
  let ops = history;
  for (let i = 1; i < ops.length; i++) {
    if (ops[i]!.index < ops[i - 1]!.index) {
      ops = [...history].sort((a, b) => a.index - b.index);
      break;
    }
  }
  const result: Pair[] = [];
  const open = new Map<string, Pair>();
  for (const op of ops) {
    if (op.type === 'invoke') {
      const pair: Pair = { invoke: op };
      result.push(pair);
      open.set(op.process, pair);
    } else {
      const pair = open.get(op.process);
      if (pair && pair.invoke.f === op.f) {
        pair.completion = op;
        open.delete(op.process);
      }
    }
  }
  return result;
}
