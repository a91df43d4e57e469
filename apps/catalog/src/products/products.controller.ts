import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestedConsistency } from './consistency.decorator';
import { ProductDto, PutProductDto, ReservationDto, ReserveDto } from './product.dto';
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
  @ApiConflictResponse({ description: 'Not enough stock' })
  @ApiUnprocessableEntityResponse({ description: 'The orderId already reserved another quantity' })
  reserve(@Param('sku', SkuPipe) sku: string, @Body() dto: ReserveDto): Promise<ReservationDto> {
    return this.products.reserve(sku, dto.qty, dto.orderId);
  }
}
