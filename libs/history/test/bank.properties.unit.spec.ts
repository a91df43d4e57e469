import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkBank } from '../src/checkers/bank';
import type { Op } from '../src/history';
import { OPERATIONS, type ReadBalancesOk, type TransferRequest } from '../src/operations';
import { history, type Outcome } from './builder';
import { assertFlagged, assertValid, RUNS, withTargets, withValue } from './properties';

const ACCOUNTS = ['a', 'b', 'c', 'd'];
const OPENING = 100;
const TOTAL = ACCOUNTS.length * OPENING;
const CLIENTS = ['bank-1', 'bank-2', 'bank-3'];

/** A transfer by one of the clients, or a whole-bank read. */
type Step =
  | {
      client: number;
      transfer: TransferRequest;
      /** What the client is told; an indeterminate transfer may have happened or not. */
      outcome: Outcome;
      happened: boolean;
      /** How many steps later it takes effect (and completes). */
      delay: number;
    }
  | { read: true };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    client: fc.nat({ max: CLIENTS.length - 1 }),
    transfer: fc.record({
      from: fc.constantFrom(...ACCOUNTS),
      to: fc.constantFrom(...ACCOUNTS),
      amount: fc.integer({ min: 1, max: 120 }),
      key: fc.uuid(),
    }),
    outcome: fc.constantFrom<Outcome>('ok', 'ok', 'fail', 'info', 'open'),
    happened: fc.boolean(),
    delay: fc.nat({ max: 3 }),
  }),
  fc.constant({ read: true as const }),
);

/**
 * Runs concurrent transfers against a bank that conserves the total: a transfer takes effect at
 * once, some steps after its invoke (reads in between see the balances before it), unless it would
 * overdraw (then it fails) or the client's outcome says it did not happen. A client with a transfer
 * in flight skips its next ones.
 */
function play(steps: Step[]): { ops: Op[]; reads: Op[] } {
  const h = history();
  const balances: Record<string, number> = Object.fromEntries(ACCOUNTS.map((a) => [a, OPENING]));
  const read = () => h.readBalances('bank-reader', { ...balances });
  const pending: { due: number; client: string; s: Extract<Step, { client: number }> }[] = [];
  const settle = (now: number) => {
    for (const p of pending.filter((p) => p.due <= now)) {
      pending.splice(pending.indexOf(p), 1);
      const { from, to, amount } = p.s.transfer;
      const funded = balances[from]! >= amount && from !== to;
      const applied = funded && (p.s.outcome === 'ok' || p.s.happened) && p.s.outcome !== 'fail';
      if (applied)
        [balances[from], balances[to]] = [balances[from]! - amount, balances[to]! + amount];
      if (p.s.outcome === 'open') continue;
      const type = !funded ? 'fail' : p.s.outcome;
      h.complete(p.client, type, type === 'ok' ? { id: p.s.transfer.key } : null);
    }
  };
  read();
  steps.forEach((s, now) => {
    settle(now);
    if ('read' in s) {
      read();
      return;
    }
    const client = CLIENTS[s.client]!;
    if (h.recorder.outstanding().some((op) => op.process === client)) return;
    h.invoke(client, OPERATIONS.transfer, s.transfer);
    pending.push({ due: now + s.delay, client, s });
  });
  settle(Infinity);
  read();
  const ops = h.ops();
  return { ops, reads: ops.filter((op) => op.f === OPERATIONS.readBalances && op.type === 'ok') };
}

const runs = fc.array(step, { maxLength: 40, size: 'medium' }).map(play);

/** Per target read: which accounts to disturb, and by how much. */
interface Disturbance {
  account: number;
  other: number;
  amount: number;
}
const disturbances: fc.Arbitrary<Disturbance[]> = fc.array(
  fc.record({
    account: fc.nat({ max: ACCOUNTS.length - 1 }),
    other: fc.integer({ min: 1, max: ACCOUNTS.length - 1 }),
    amount: fc.integer({ min: 1, max: 50 }),
  }),
  { minLength: 3, maxLength: 3 },
);

/** The history with each target read's balances changed by `change`. */
function disturb(
  ops: Op[],
  targets: Op[],
  changes: Disturbance[],
  change: (balances: Record<string, number>, x: string, y: string, amount: number) => void,
): Op[] {
  let disturbed = ops;
  targets.forEach((read, i) => {
    const { account, other, amount } = changes[i]!;
    const balances = { ...(read.value as ReadBalancesOk).balances };
    const x = ACCOUNTS[account]!;
    const y = ACCOUNTS[(account + other) % ACCOUNTS.length]!;
    change(balances, x, y, amount);
    disturbed = withValue(disturbed, read, { balances });
  });
  return disturbed;
}

describe('bank checker, proven both ways', () => {
  it('property: concurrent transfers on a bank that conserves the total are valid', () => {
    fc.assert(
      fc.property(runs, ({ ops }) => assertValid(checkBank(ops, { total: TOTAL }))),
      RUNS,
    );
  });

  it('property: k reads whose total changed are k wrong-totals', () => {
    const cases = withTargets(runs, (run) => run.reads);
    fc.assert(
      fc.property(cases, disturbances, ({ run, targets }, changes) => {
        const ops = disturb(run.ops, targets, changes, (b, x, _y, amount) => (b[x]! += amount));
        assertFlagged(checkBank(ops, { total: TOTAL }), { 'wrong-total': targets.length });
      }),
      RUNS,
    );
  });

  it('property: k reads with an overdrawn account (total kept) are k negative-balances', () => {
    const cases = withTargets(runs, (run) => run.reads);
    fc.assert(
      fc.property(cases, disturbances, ({ run, targets }, changes) => {
        const ops = disturb(run.ops, targets, changes, (b, x, y, amount) => {
          [b[x], b[y]] = [-amount, b[y]! + b[x]! + amount];
        });
        assertFlagged(checkBank(ops, { total: TOTAL }), { 'negative-balance': targets.length });
      }),
      RUNS,
    );
  });
});
