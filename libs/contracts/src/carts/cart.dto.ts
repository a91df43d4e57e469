import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';
import { TextField } from '../fields';
import { CART_NAME, CONSISTENCY_LEVELS, MAX_CART_ITEMS } from './carts';

const ITEM_RULE = "1-64 letters, digits, '.', '_' or '-'";

export class AddItemDto {
  @Matches(CART_NAME, { message: `item must be ${ITEM_RULE}` })
  @TextField({ example: 'espresso-cup', maxLength: 64 })
  item!: string;
}

export class ReplaceCartDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_CART_ITEMS,
    example: ['espresso-cup', 'milk-jug'],
    description: `The whole cart; each item ${ITEM_RULE}`,
  })
  @IsArray()
  @ArrayMaxSize(MAX_CART_ITEMS)
  @IsString({ each: true })
  @Matches(CART_NAME, { each: true, message: `each item must be ${ITEM_RULE}` })
  items!: string[];
}

export class CartDto {
  @ApiProperty() cart!: string;
  @ApiProperty({ type: [String], description: 'The items, sorted' }) items!: string[];
  @ApiProperty({ enum: CONSISTENCY_LEVELS }) consistency!: string;
  @ApiProperty({ description: 'The Cassandra member that coordinated the read' })
  coordinator!: string;
}

export class CartWriteDto {
  @ApiProperty() cart!: string;
  @ApiProperty({
    description:
      'The write’s timestamp, µs since the epoch, from this instance’s clock (skew included): last-write-wins orders by it',
  })
  timestampMicros!: number;
  @ApiProperty({ description: 'The carts instance that wrote' }) writer!: string;
  @ApiProperty({ enum: CONSISTENCY_LEVELS }) consistency!: string;
  @ApiProperty({ description: 'The Cassandra member that coordinated the write' })
  coordinator!: string;
}
