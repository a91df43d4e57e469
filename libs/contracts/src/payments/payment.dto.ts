import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IntegerField, TextField } from '../fields';
import { MAX_AMOUNT } from './money';

export class CreatePaymentDto {
  @ApiProperty({ format: 'uuid', description: 'The account charged' })
  @IsUUID()
  accountId!: string;

  @IntegerField({ description: 'Minor units', example: 1_999, minimum: 1, maximum: MAX_AMOUNT })
  amount!: number;

  @TextField({ example: 'order-42', maxLength: 200 })
  reference!: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() reference!: string;
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the payment was refunded; null when it was not',
  })
  refundedAt!: string | null;
}

export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The payment refunded' }) paymentId!: string;
  @ApiProperty({ format: 'uuid', description: 'The account credited' }) accountId!: string;
  @ApiProperty({ description: 'Minor units: the payment’s whole amount' }) amount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
