import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CONSISTENCY_LEVEL_HEADER,
  CONSISTENCY_LEVELS,
  type ConsistencyLevel,
  COORDINATOR_HEADER,
} from '@faultline/contracts';
import { AddItemDto, CartDto, CartWriteDto, ReplaceCartDto } from '@faultline/contracts/dto';
import { CartNamePipe } from './cart-name.pipe';
import { CartsService } from './carts.service';
import { RequestedConsistencyLevel } from './consistency-level.decorator';

const LEVEL_HEADER = {
  name: CONSISTENCY_LEVEL_HEADER,
  required: false,
  enum: CONSISTENCY_LEVELS,
  description:
    'How many of the 3 replicas must answer: ONE, QUORUM (2) or ALL; default CARTS_CONSISTENCY. ' +
    'W + R > 3 (QUORUM writes and reads) means every read sees every acknowledged write',
};

const coordinated = <T extends { coordinator: string }>(res: Response, answer: T): T => {
  res.setHeader(COORDINATOR_HEADER, answer.coordinator);
  return answer;
};

@ApiTags('carts')
@ApiHeader(LEVEL_HEADER)
@ApiBadRequestResponse({ description: 'A bad cart or item name, or an unknown consistency level' })
@ApiServiceUnavailableResponse({
  description:
    'Too few replicas: `unavailable` (not attempted; required and alive are Cassandra’s counts), ' +
    '`write-timeout` (may have happened), `read-timeout`, `no-host-available`',
})
@Controller('carts')
export class CartsController {
  constructor(private readonly carts: CartsService) {}

  @Get(':cart')
  @ApiOkResponse({ type: CartDto })
  async read(
    @Param('cart', CartNamePipe) cart: string,
    @RequestedConsistencyLevel() consistency: ConsistencyLevel | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CartDto> {
    return coordinated(res, await this.carts.read(cart, consistency));
  }

  @Post(':cart/items')
  @HttpCode(200)
  @ApiOkResponse({ type: CartWriteDto, description: 'Added; concurrent adds all survive' })
  async add(
    @Param('cart', CartNamePipe) cart: string,
    @Body() dto: AddItemDto,
    @RequestedConsistencyLevel() consistency: ConsistencyLevel | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CartWriteDto> {
    return coordinated(res, await this.carts.add(cart, dto.item, consistency));
  }

  @Put(':cart')
  @ApiOkResponse({
    type: CartWriteDto,
    description: 'Replaced, last-write-wins: a replace with a larger timestamp may still win',
  })
  async replace(
    @Param('cart', CartNamePipe) cart: string,
    @Body() dto: ReplaceCartDto,
    @RequestedConsistencyLevel() consistency: ConsistencyLevel | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CartWriteDto> {
    return coordinated(res, await this.carts.replace(cart, dto.items, consistency));
  }

  @Get(':cart/replicas/:member')
  @ApiOkResponse({
    type: CartDto,
    description: 'What one member holds (a ONE read it coordinates and serves itself)',
  })
  async replica(
    @Param('cart', CartNamePipe) cart: string,
    @Param('member') member: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CartDto> {
    return coordinated(res, await this.carts.readReplica(cart, member));
  }
}
