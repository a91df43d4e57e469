import { BadRequestException, Body, Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKey } from '../idempotency/idempotency-key.decorator';
import { IdempotentCreate } from '../idempotency/idempotent-create.decorator';
import { respondWith } from '../idempotency/respond';
import { uuidParam } from '../uuid-param';
import { CreatePaymentDto, PaymentDto, RefundDto } from '@faultline/contracts/dto';
import { PaymentsService } from './payments.service';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @IdempotentCreate(PaymentDto, 'payment')
  async create(
    @IdempotencyKey() key: string,
    @Body() dto: CreatePaymentDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return respondWith(res, await this.payments.create(key, dto));
  }

  @IdempotentCreate(RefundDto, 'refund', {
    path: ':id/refund',
    conflict: 'The payment was already refunded (already_refunded, naming the refund)',
  })
  @ApiNotFoundResponse({ description: 'No such payment' })
  async refund(
    @IdempotencyKey() key: string,
    @Param('id', uuidParam('id')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return respondWith(res, await this.payments.refund(key, id));
  }

  @Get()
  @ApiOkResponse({
    type: PaymentDto,
    isArray: true,
    description: 'The payments made under this key (0 or 1)',
  })
  findByKey(@Query('idempotencyKey') key: string | undefined): Promise<PaymentDto[]> {
    if (!key) throw new BadRequestException('idempotencyKey query parameter is required');
    return this.payments.findByKey(key);
  }

  @Get(':id')
  @ApiOkResponse({ type: PaymentDto })
  get(@Param('id', uuidParam('id')) id: string): Promise<PaymentDto> {
    return this.payments.get(id);
  }
}
