import { ApiProperty } from '@nestjs/swagger';
import { IntegerField, TextField } from '../fields';

export const MAX_QUANTITY = 1_000_000_000;
export const MAX_PRICE_CENTS = 1_000_000_000_000;

export class PutProductDto {
  @TextField({ example: 'Espresso cup', maxLength: 200 })
  name!: string;

  @IntegerField({ example: 1_250, minimum: 0, maximum: MAX_PRICE_CENTS })
  priceCents!: number;

  @IntegerField({ example: 40, minimum: 0, maximum: MAX_QUANTITY })
  stock!: number;
}

export class ReserveDto {
  @IntegerField({ example: 2, minimum: 1, maximum: MAX_QUANTITY })
  qty!: number;

  @TextField({ example: 'order-42', maxLength: 200 })
  orderId!: string;
}

export class ReleaseDto {
  @TextField({ example: 'order-42', maxLength: 200 })
  orderId!: string;
}

export class TimestampDto {
  @ApiProperty({ description: 'Wall-clock part, ms since the epoch, from the writer’s clock' })
  wallMs!: number;
  @ApiProperty({ description: 'Logical counter (hlc ordering; 0 with wall ordering)' })
  logical!: number;
}

export class ProductDto {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() priceCents!: number;
  @ApiProperty() stock!: number;
  @ApiProperty({ description: 'Incremented by every applied write and reservation' })
  version!: number;
  @ApiProperty({
    format: 'date-time',
    description: 'The last write’s timestamp, as its writer’s clock read it',
  })
  updatedAt!: string;
  @ApiProperty({ type: TimestampDto }) timestamp!: TimestampDto;
  @ApiProperty({ description: 'The instance whose write is stored' }) writer!: string;
}

export class ReservationDto {
  @ApiProperty() sku!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty() qty!: number;
  @ApiProperty({ description: 'Stock left after this reservation (now, for a repeat)' })
  stock!: number;
  @ApiProperty({ description: 'True when this orderId had already reserved' }) replayed!: boolean;
}

export class ReleaseResultDto {
  @ApiProperty() sku!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({
    description: 'The quantity this order had reserved and got back (0 if it never reserved)',
  })
  released!: number;
  @ApiProperty({ description: 'Stock after the release (now, for a repeat)' })
  stock!: number;
  @ApiProperty({ description: 'True when this orderId had already been released' })
  replayed!: boolean;
}
