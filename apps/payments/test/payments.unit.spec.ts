import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundException } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { AccountsService } from '../src/accounts/accounts.service';
import { isDatabaseError } from '../src/commit/commit-exception.filter';
import type { SyncCommit, WorkResult } from '../src/commit/sync-commit';
import type { EffectResponse, IdempotencyStore } from '../src/idempotency/idempotency-store';
import { PaymentsService } from '../src/payments/payments.service';

const ACCOUNT = '6f1c1e1e-0000-4000-8000-000000000001';
const paymentRow = {
  id: '6f1c1e1e-0000-4000-8000-0000000000aa',
  account_id: ACCOUNT,
  amount: 50,
  reference: 'r',
  idempotency_key: 'k',
  created_at: new Date('2026-01-01T00:00:00Z'),
};

/**
 * The service over a transaction whose debit statement answers `debits` in turn (a row: the
 * debit applied) and whose account, once locked, holds `lockedBalance`: the branch a real
 * database reaches only when a credit commits between the debit and the lock.
 */
function service(debits: boolean[], lockedBalance: number) {
  const statements: string[] = [];
  const tx = {
    query: async (sql: string) => {
      statements.push(sql.trim().split(/\s+/)[0]!);
      return { rows: debits.shift() ? [paymentRow] : [] };
    },
  } as unknown as PoolClient;
  const commit = {
    transaction: async <T>(work: (tx: PoolClient) => Promise<WorkResult<T>>) =>
      (await work(tx)).value,
  } as unknown as SyncCommit;
  const idempotency = {
    once: async (
      _tx: PoolClient,
      _s: string,
      _k: string,
      _b: unknown,
      effect: () => Promise<EffectResponse>,
    ) => {
      const response = await effect();
      return {
        value: { status: response.status, body: response.body, replayed: false },
        outcome: response.outcome,
      };
    },
  } as unknown as IdempotencyStore;
  const locked: string[][] = [];
  const accounts = {
    lockForUpdate: async (_tx: PoolClient, ids: string[]) => {
      locked.push(ids);
      return new Map([
        [ACCOUNT, { id: ACCOUNT, owner: 'o', balance: lockedBalance, createdAt: '' }],
      ]);
    },
  } as unknown as AccountsService;
  const payments = new PaymentsService({} as Pool, commit, accounts, idempotency);
  return { payments, statements, locked };
}

const dto = { accountId: ACCOUNT, amount: 50, reference: 'r' };

describe('charging an account for a payment', () => {
  it('debits and inserts in one statement when the balance covers it, without a separate lock', async () => {
    const { payments, statements, locked } = service([true], 0);
    const response = await payments.create('k', dto);
    assert.equal(response.status, 201);
    assert.deepEqual(statements, ['WITH']);
    assert.deepEqual(locked, []);
  });

  it('refuses with the locked balance when nothing was debited and the balance is short', async () => {
    const { payments, locked } = service([false], 20);
    const response = await payments.create('k', dto);
    assert.equal(response.status, 409);
    assert.deepEqual(response.body, {
      ...(response.body as object),
      error: 'insufficient_funds',
      balance: 20,
      wouldLeave: -30,
    });
    assert.deepEqual(locked, [[ACCOUNT]]);
  });

  it('debits again under the lock when a credit landed between the debit and the lock', async () => {
    const { payments, statements } = service([false, true], 80);
    const response = await payments.create('k', dto);
    assert.equal(response.status, 201);
    assert.equal((response.body as { id: string }).id, paymentRow.id);
    assert.deepEqual(statements, ['WITH', 'WITH']);
  });
});

describe('database errors (503, nothing applied) vs the rest (500)', () => {
  it("counts pg's SQLSTATE and errno errors, and its connection-state errors without a code", () => {
    const coded = Object.assign(new Error('read-only transaction'), { code: '25006' });
    for (const err of [
      coded,
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Client was closed and is not queryable'),
    ]) {
      assert.ok(isDatabaseError(err), err.message);
    }
    assert.ok(
      !isDatabaseError(new TypeError("Cannot read properties of undefined (reading 'id')")),
    );
    assert.ok(!isDatabaseError(new NotFoundException('account x does not exist')));
  });
});
