import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IntegerField } from '../fields';

/** What a sku may be: 1-64 letters, digits, '.', '_' or '-', not starting with a punctuation mark. */
const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class OrderItemDto {
  @ApiProperty({ example: 'cup-1', pattern: SKU_PATTERN.source })
  @Matches(SKU_PATTERN, {
    message: "sku must be 1-64 letters, digits, '.', '_' or '-'",
  })
  sku!: string;

  @IntegerField({ example: 2, minimum: 1, maximum: 1000 })
  qty!: number;
}

export class PlaceOrderDto {
  @ApiProperty({ type: OrderItemDto, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiProperty({ format: 'uuid', description: 'The payments account charged' })
  @IsUUID()
  accountId!: string;
}

/** pending → stock_reserved → charged → confirmed, or cancelled with a reason. */
export type OrderState = 'pending' | 'stock_reserved' | 'charged' | 'confirmed' | 'cancelled';
export const TERMINAL_STATES: readonly OrderState[] = ['confirmed', 'cancelled'];

export class OrderStepDto {
  @ApiProperty() step!: string;
  @ApiProperty() outcome!: string;
  @ApiProperty({ required: false }) detail?: unknown;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: ['pending', 'stock_reserved', 'charged', 'confirmed', 'cancelled'] })
  state!: OrderState;
  @ApiProperty({ required: false }) reason?: string;
  @ApiProperty({ type: OrderItemDto, isArray: true }) items!: OrderItemDto[];
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ description: 'Minor units' }) amount!: number;
  @ApiProperty({ type: OrderStepDto, isArray: true }) steps!: OrderStepDto[];
}
