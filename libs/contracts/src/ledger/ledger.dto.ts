import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IntegerField, TextField } from '../fields';
import {
  DEFAULT_HOLD_MS,
  LOCK_MODES,
  type LockMode,
  MAX_HOLD_MS,
  MAX_REGISTER_VALUE,
} from './ledger';

export class AppendDto {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: "request must be 1-64 letters, digits, '.', '_' or '-'",
  })
  @TextField({
    maxLength: 64,
    example: 'run-1-ledger-a-17',
    description: 'The caller’s id of this append, kept with the entry or the refusal',
  })
  request!: string;

  @ApiProperty({ enum: LOCK_MODES })
  @IsIn(LOCK_MODES, { message: `lock must be one of: ${LOCK_MODES.join(', ')}` })
  lock!: LockMode;

  @IntegerField({
    minimum: 0,
    maximum: MAX_HOLD_MS,
    default: DEFAULT_HOLD_MS,
    optional: true,
    description: 'How long to hold the lock before writing (ms): the work done under it',
    message: `holdMs must be an integer from 0 to ${MAX_HOLD_MS}`,
  })
  holdMs?: number;
}

export class LedgerEntryDto {
  @ApiProperty({ description: 'Position in the storage' }) seq!: number;
  @ApiProperty() request!: string;
  @ApiProperty({ description: 'The ledger instance that wrote it' }) writer!: string;
  @ApiProperty({ enum: LOCK_MODES }) lock!: string;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'The lock’s fencing token (the etcd key’s revision); null under Redlock',
  })
  token!: number | null;
  @ApiProperty({ description: 'When the lock was granted (epoch ms, the writer’s clock)' })
  grantedAtMs!: number;
  @ApiProperty({ description: 'The lock’s lease (ms)' }) leaseMs!: number;
  @ApiProperty({ description: 'When the storage took it (epoch ms, the storage’s clock)' })
  writtenAtMs!: number;
}

export class LedgerRejectionDto {
  @ApiProperty() request!: string;
  @ApiProperty() writer!: string;
  @ApiProperty({ type: 'integer' }) token!: number;
  @ApiProperty({ type: 'integer', description: 'The highest token the storage had accepted' })
  fence!: number;
  @ApiProperty() grantedAtMs!: number;
  @ApiProperty() leaseMs!: number;
  @ApiProperty({ description: 'When the storage refused it (epoch ms, the storage’s clock)' })
  rejectedAtMs!: number;
}

export class AppendedDto {
  @ApiProperty({ type: LedgerEntryDto }) entry!: LedgerEntryDto;
}

export class LedgerDto {
  @ApiProperty() resource!: string;
  @ApiProperty({ type: [LedgerEntryDto], description: 'In the storage’s order' })
  entries!: LedgerEntryDto[];
  @ApiProperty({ type: [LedgerRejectionDto], description: 'Writes the fence refused' })
  rejections!: LedgerRejectionDto[];
}

export class LockHolderDto {
  @ApiProperty({ description: 'Whether this instance holds the lock now' }) held!: boolean;
  @ApiPropertyOptional({ enum: LOCK_MODES }) lock?: LockMode;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) token?: number | null;
  @ApiPropertyOptional({ description: 'When it was granted (epoch ms)' }) grantedAtMs?: number;
  @ApiPropertyOptional() leaseMs?: number;
}

export class RegisterWriteDto {
  @IntegerField({
    minimum: 0,
    maximum: MAX_REGISTER_VALUE,
    description:
      'The value to write (a run writes each value once, so a read tells which write it saw)',
  })
  value!: number;

  @TextField({ maxLength: 64, example: 'etcd-0', description: 'The etcd member to write through' })
  member!: string;
}

export class RegisterDto {
  @ApiProperty() key!: string;
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'null: never written' })
  value!: number | null;
  @ApiProperty({ description: 'The member that served the request' }) member!: string;
}
