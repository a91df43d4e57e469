import { ApiProperty } from '@nestjs/swagger';
import { IntegerField, TextField } from '../fields';
import { MAX_AMOUNT } from './money';

export class CreateAccountDto {
  @TextField({ example: 'alice', maxLength: 200 })
  owner!: string;

  @IntegerField({
    description: 'Opening balance in minor units',
    example: 10_000,
    minimum: 0,
    maximum: MAX_AMOUNT,
  })
  initialBalance!: number;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() owner!: string;
  @ApiProperty({ description: 'Balance in minor units, read on the primary' }) balance!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
