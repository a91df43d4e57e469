import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_AMOUNT } from './money';

export class CreateAccountDto {
  @ApiProperty({ example: 'alice', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  owner!: string;

  @ApiProperty({
    type: 'integer',
    description: 'Opening balance in minor units',
    example: 10_000,
    minimum: 0,
    maximum: MAX_AMOUNT,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT)
  initialBalance!: number;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() owner!: string;
  @ApiProperty({ description: 'Balance in minor units, read on the primary' }) balance!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
