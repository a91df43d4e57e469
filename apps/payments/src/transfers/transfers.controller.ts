import { Body, Controller, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKey } from '../idempotency/idempotency-key.decorator';
import { IdempotentCreate } from '../idempotency/idempotent-create.decorator';
import { respondWith } from '../idempotency/respond';
import { CreateTransferDto, TransferDto } from '@faultline/contracts/dto';
import { TransfersService } from './transfers.service';

@ApiTags('transfers')
@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @IdempotentCreate(TransferDto, 'transfer')
  async create(
    @IdempotencyKey() key: string,
    @Body() dto: CreateTransferDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return respondWith(res, await this.transfers.create(key, dto));
  }
}
