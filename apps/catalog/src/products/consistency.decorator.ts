import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Consistency } from '../redis/redis-nodes';

/** The `Consistency` request header: `eventual` (the default: this instance's replica) or `strong` (the primary). */
export const RequestedConsistency = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Consistency => {
    const value = ctx
      .switchToHttp()
      .getRequest<Request>()
      .header('Consistency')
      ?.trim()
      .toLowerCase();
    if (value === undefined || value === '' || value === 'eventual') return 'eventual';
    if (value === 'strong') return 'strong';
    throw new BadRequestException(
      `Consistency header must be eventual or strong, not ${JSON.stringify(value)}`,
    );
  },
);
