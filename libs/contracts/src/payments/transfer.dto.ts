import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IntegerField } from '../fields';
import { MAX_AMOUNT } from './money';

export class CreateTransferDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  from!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  to!: string;

  @IntegerField({ description: 'Minor units', example: 250, minimum: 1, maximum: MAX_AMOUNT })
  amount!: number;
}

export class TransferDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) from!: string;
  @ApiProperty({ format: 'uuid' }) to!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
