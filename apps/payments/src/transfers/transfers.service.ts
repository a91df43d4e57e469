import { BadRequestException, Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { SyncCommit } from '../commit/sync-commit';
import {
  created,
  IdempotencyStore,
  type RecordedResponse,
  rejected,
} from '../idempotency/idempotency-store';
import { insufficientFunds } from '../insufficient-funds';
import type { CreateTransferDto, TransferDto } from '@faultline/contracts/dto';

@Injectable()
export class TransfersService {
  constructor(
    private readonly commit: SyncCommit,
    private readonly accounts: AccountsService,
    private readonly idempotency: IdempotencyStore,
  ) {}

  create(key: string, dto: CreateTransferDto): Promise<RecordedResponse> {
    if (dto.from === dto.to)
      throw new BadRequestException('from and to must be different accounts');
    return this.commit.transaction((tx) =>
      this.idempotency.once(tx, 'transfer', key, dto, async () => {
        const from = (await this.accounts.lockForUpdate(tx, [dto.from, dto.to])).get(dto.from)!;
        if (from.balance < dto.amount)
          return rejected(insufficientFunds(from.id, from.balance, dto.amount));
        await this.accounts.adjustBalance(tx, dto.from, -dto.amount);
        await this.accounts.adjustBalance(tx, dto.to, dto.amount);
        const { rows } = await tx.query<{ id: string; created_at: Date }>(
          `INSERT INTO transfers (from_account, to_account, amount, idempotency_key)
           VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
          [dto.from, dto.to, dto.amount, key],
        );
        const transfer: TransferDto = {
          id: rows[0]!.id,
          from: dto.from,
          to: dto.to,
          amount: dto.amount,
          createdAt: rows[0]!.created_at.toISOString(),
        };
        return created(transfer);
      }),
    );
  }
}
