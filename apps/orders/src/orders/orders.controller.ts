import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrderDto, PlaceOrderDto } from '@faultline/contracts/dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiAcceptedResponse({ description: '{orderId, state: "pending"}: the saga runs from here' })
  place(@Headers('idempotency-key') key: string | undefined, @Body() dto: PlaceOrderDto) {
    if (!key || key.length > 255)
      throw new BadRequestException('Idempotency-Key header is required (1-255 characters)');
    return this.orders.place(key, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderDto })
  get(
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') }),
    )
    id: string,
  ): Promise<OrderDto> {
    return this.orders.get(id);
  }
}
