import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { SyncCommit } from '../commit/sync-commit';
import { PG_POOL } from '@faultline/postgres';
import type { AccountDto, CreateAccountDto } from '@faultline/contracts/dto';

interface AccountRow {
  id: string;
  owner: string;
  balance: number;
  created_at: Date;
}

const toDto = (row: AccountRow): AccountDto => ({
  id: row.id,
  owner: row.owner,
  balance: row.balance,
  createdAt: row.created_at.toISOString(),
});

@Injectable()
export class AccountsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly commit: SyncCommit,
  ) {}

  create(dto: CreateAccountDto): Promise<AccountDto> {
    return this.commit.transaction(async (tx) => {
      const { rows } = await tx.query<AccountRow>(
        'INSERT INTO accounts (owner, balance) VALUES ($1, $2) RETURNING id, owner, balance, created_at',
        [dto.owner, dto.initialBalance],
      );
      return { value: toDto(rows[0]!), outcome: 'ok' };
    });
  }

  /** Several accounts read in one statement: one snapshot, so their balances add up. */
  async getMany(ids: string[]): Promise<AccountDto[]> {
    const { rows } = await this.pool.query<AccountRow>(
      'SELECT id, owner, balance, created_at FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id',
      [ids],
    );
    return rows.map(toDto);
  }

  async get(id: string): Promise<AccountDto> {
    const { rows } = await this.pool.query<AccountRow>(
      'SELECT id, owner, balance, created_at FROM accounts WHERE id = $1',
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`account ${id} does not exist`);
    return toDto(rows[0]!);
  }

  /**
   * Locks the accounts' rows in id order, so two transfers between the same pair
   * never wait for each other in opposite orders (no deadlock). Unknown ids are 404.
   */
  async lockForUpdate(tx: PoolClient, ids: string[]): Promise<Map<string, AccountDto>> {
    const { rows } = await tx.query<AccountRow>(
      'SELECT id, owner, balance, created_at FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    const accounts = new Map(rows.map((row) => [row.id, toDto(row)]));
    const missing = ids.find((id) => !accounts.has(id));
    if (missing) throw new NotFoundException(`account ${missing} does not exist`);
    return accounts;
  }

  async adjustBalance(tx: PoolClient, id: string, delta: number): Promise<void> {
    await tx.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [id, delta]);
  }
}
