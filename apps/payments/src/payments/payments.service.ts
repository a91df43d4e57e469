import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { AccountsService } from '../accounts/accounts.service';
import { SyncCommit } from '../commit/sync-commit';
import { PG_POOL } from '@faultline/postgres';
import {
  created,
  type EffectResponse,
  IdempotencyStore,
  type RecordedResponse,
  rejected,
} from '../idempotency/idempotency-store';
import { insufficientFunds } from '../insufficient-funds';
import type { CreatePaymentDto, PaymentDto, RefundDto } from '@faultline/contracts/dto';

interface PaymentRow {
  id: string;
  account_id: string;
  amount: number;
  reference: string;
  idempotency_key: string;
  created_at: Date;
  /** From the payment's refund, if any (LEFT JOIN); absent on a fresh insert. */
  refunded_at?: Date | null;
}

const toDto = (row: PaymentRow): PaymentDto => ({
  id: row.id,
  accountId: row.account_id,
  amount: row.amount,
  reference: row.reference,
  idempotencyKey: row.idempotency_key,
  createdAt: row.created_at.toISOString(),
  refundedAt: row.refunded_at ? row.refunded_at.toISOString() : null,
});

const COLUMNS = 'id, account_id, amount, reference, idempotency_key, created_at';
/** A payment with its refund's time, if it was refunded. */
const SELECT_PAYMENTS = `SELECT p.id, p.account_id, p.amount, p.reference, p.idempotency_key, p.created_at,
         r.created_at AS refunded_at
  FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id`;

/** The 409 body for a second refund of a payment; it is recorded under the key. */
const alreadyRefunded = (paymentId: string, refundId: string) => ({
  statusCode: 409,
  error: 'already_refunded',
  message: `payment ${paymentId} was already refunded by refund ${refundId}`,
  paymentId,
  refundId,
});

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
      this.idempotency.once(tx, 'payment', key, dto, () => this.charge(tx, key, dto)),
    );
  }

  /**
   * Debits the account and inserts the payment in one statement (one round trip instead of
   * lock, check, debit and insert: issue 18). The debit's condition is re-checked on the row's
   * latest version once its lock is held, so concurrent payments never overdraw. When nothing
   * was debited the account is missing (404) or short of funds: locked now, its balance says
   * which, and if a credit landed in between, the debit is tried again under the lock.
   */
  private async charge(
    tx: PoolClient,
    key: string,
    dto: CreatePaymentDto,
  ): Promise<EffectResponse> {
    const { rows } = await tx.query<PaymentRow>(
      `WITH debited AS (
         UPDATE accounts SET balance = balance - $2 WHERE id = $1 AND balance >= $2 RETURNING id)
       INSERT INTO payments (account_id, amount, reference, idempotency_key)
       SELECT id, $2, $3, $4 FROM debited RETURNING ${COLUMNS}`,
      [dto.accountId, dto.amount, dto.reference, key],
    );
    if (rows[0]) return created(toDto(rows[0]));
    const account = (await this.accounts.lockForUpdate(tx, [dto.accountId])).get(dto.accountId)!;
    if (account.balance < dto.amount) {
      return rejected(insufficientFunds(account.id, account.balance, dto.amount));
    }
    return this.charge(tx, key, dto);
  }

  /**
   * Credits a payment's amount back to its account, at most once per payment (a saga's
   * compensation): the payment row is locked, so concurrent refunds of one payment
   * serialize, and the second finds the first's refund (409, recorded under its key).
   * The credit, the refund row and the key's record commit together.
   */
  refund(key: string, paymentId: string): Promise<RecordedResponse> {
    return this.commit.transaction((tx) =>
      this.idempotency.once(tx, 'refund', key, { paymentId }, async () => {
        const payments = await tx.query<PaymentRow>(
          `SELECT ${COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
          [paymentId],
        );
        const payment = payments.rows[0];
        if (!payment) throw new NotFoundException(`payment ${paymentId} does not exist`);
        const existing = await tx.query<{ id: string }>(
          'SELECT id FROM refunds WHERE payment_id = $1',
          [paymentId],
        );
        if (existing.rows[0]) return rejected(alreadyRefunded(paymentId, existing.rows[0].id));
        await this.accounts.lockForUpdate(tx, [payment.account_id]);
        await this.accounts.adjustBalance(tx, payment.account_id, payment.amount);
        const { rows } = await tx.query<{ id: string; created_at: Date }>(
          `INSERT INTO refunds (payment_id, amount, idempotency_key)
           VALUES ($1, $2, $3) RETURNING id, created_at`,
          [paymentId, payment.amount, key],
        );
        const refund: RefundDto = {
          id: rows[0]!.id,
          paymentId,
          accountId: payment.account_id,
          amount: payment.amount,
          createdAt: rows[0]!.created_at.toISOString(),
        };
        return created(refund);
      }),
    );
  }

  /** Every payment made under an idempotency key: how a client resolves an indeterminate one. */
  async findByKey(key: string): Promise<PaymentDto[]> {
    const { rows } = await this.pool.query<PaymentRow>(
      `${SELECT_PAYMENTS} WHERE p.idempotency_key = $1 ORDER BY p.created_at`,
      [key],
    );
    return rows.map(toDto);
  }

  async get(id: string): Promise<PaymentDto> {
    const { rows } = await this.pool.query<PaymentRow>(`${SELECT_PAYMENTS} WHERE p.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundException(`payment ${id} does not exist`);
    return toDto(rows[0]!);
  }
}
