import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool } from 'pg';
import { AccountsService } from '../accounts/accounts.service';
import { SyncCommit } from '../commit/sync-commit';
import { PG_POOL } from '../database/pg-pool';
import {
  created,
  IdempotencyStore,
  type RecordedResponse,
  rejected,
} from '../idempotency/idempotency-store';
import { insufficientFunds } from '../insufficient-funds';
import type { CreatePaymentDto, PaymentDto } from './payment.dto';

interface PaymentRow {
  id: string;
  account_id: string;
  amount: number;
  reference: string;
  idempotency_key: string;
  created_at: Date;
}

const toDto = (row: PaymentRow): PaymentDto => ({
  id: row.id,
  accountId: row.account_id,
  amount: row.amount,
  reference: row.reference,
  idempotencyKey: row.idempotency_key,
  createdAt: row.created_at.toISOString(),
});

const COLUMNS = 'id, account_id, amount, reference, idempotency_key, created_at';

@Injectable()
export class PaymentsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly commit: SyncCommit,
    private readonly accounts: AccountsService,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** Charges an account once per key: the debit, the payment row and the key's record commit together. */
  create(key: string, dto: CreatePaymentDto): Promise<RecordedResponse> {
    return this.commit.transaction((tx) =>
      this.idempotency.once(tx, 'payment', key, dto, async () => {
        const account = (await this.accounts.lockForUpdate(tx, [dto.accountId])).get(
          dto.accountId,
        )!;
        if (account.balance < dto.amount) {
          return rejected(insufficientFunds(account.id, account.balance, dto.amount));
        }
        await this.accounts.adjustBalance(tx, dto.accountId, -dto.amount);
        const { rows } = await tx.query<PaymentRow>(
          `INSERT INTO payments (account_id, amount, reference, idempotency_key)
           VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [dto.accountId, dto.amount, dto.reference, key],
        );
        return created(toDto(rows[0]!));
      }),
    );
  }

  /** Every payment made under an idempotency key: how a client resolves an indeterminate one. */
  async findByKey(key: string): Promise<PaymentDto[]> {
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT ${COLUMNS} FROM payments WHERE idempotency_key = $1 ORDER BY created_at`,
      [key],
    );
    return rows.map(toDto);
  }

  async get(id: string): Promise<PaymentDto> {
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT ${COLUMNS} FROM payments WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`payment ${id} does not exist`);
    return toDto(rows[0]!);
  }
}
