import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestedConsistency } from './consistency.decorator';
import {
  ProductDto,
  PutProductDto,
  ReleaseDto,
  ReleaseResultDto,
  ReservationDto,
  ReserveDto,
} from '@faultline/contracts/dto';
import { ProductsService, type Served } from './products.service';
import type { Consistency } from '../redis/redis-nodes';
import { SkuPipe } from './sku.pipe';

const CONSISTENCY_HEADER = {
  name: 'Consistency',
  required: false,
  description: 'eventual (default): this instance’s replica, maybe stale; strong: the primary',
};

const served = <T>(res: Response, answer: Served<T>): T => {
  res.setHeader('X-Served-By', answer.servedBy);
  return answer.value;
};

@ApiTags('products')
@ApiServiceUnavailableResponse({ description: 'The Redis node the request needs did not answer' })
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Put(':sku')
  @ApiOkResponse({ type: ProductDto })
  @ApiConflictResponse({ description: 'Lost last-writer-wins: both timestamps in the body' })
  put(@Param('sku', SkuPipe) sku: string, @Body() dto: PutProductDto): Promise<ProductDto> {
    return this.products.put(sku, dto);
  }

  @Get()
  @ApiHeader(CONSISTENCY_HEADER)
  @ApiOkResponse({ type: ProductDto, isArray: true })
  async list(
    @RequestedConsistency() consistency: Consistency,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProductDto[]> {
    return served(res, await this.products.list(consistency));
  }

  @Get(':sku')
  @ApiHeader(CONSISTENCY_HEADER)
  @ApiOkResponse({ type: ProductDto })
  async get(
    @Param('sku', SkuPipe) sku: string,
    @RequestedConsistency() consistency: Consistency,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProductDto> {
    return served(res, await this.products.get(sku, consistency));
  }

  @Post(':sku/reserve')
  @HttpCode(200)
  @ApiOkResponse({ type: ReservationDto })
  @ApiNotFoundResponse({ description: 'No such product' })
  @ApiConflictResponse({
    description:
      'Not enough stock (insufficient_stock), or the orderId was released (reservation_released)',
  })
  @ApiUnprocessableEntityResponse({ description: 'The orderId already reserved another quantity' })
  reserve(@Param('sku', SkuPipe) sku: string, @Body() dto: ReserveDto): Promise<ReservationDto> {
    return this.products.reserve(sku, dto.qty, dto.orderId);
  }

  @Post(':sku/release')
  @HttpCode(200)
  @ApiOkResponse({
    type: ReleaseResultDto,
    description:
      'The order’s reserved quantity is back in stock, once; an order that never reserved releases 0 and can no longer reserve',
  })
  @ApiNotFoundResponse({ description: 'No such product' })
  release(@Param('sku', SkuPipe) sku: string, @Body() dto: ReleaseDto): Promise<ReleaseResultDto> {
    return this.products.release(sku, dto.orderId);
  }
}
