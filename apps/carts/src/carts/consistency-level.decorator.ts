import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import {
  CONSISTENCY_LEVEL_HEADER,
  CONSISTENCY_LEVELS,
  type ConsistencyLevel,
} from '@faultline/contracts';

/** The `Consistency-Level` request header (ONE, QUORUM or ALL, any case); undefined when absent. */
export const RequestedConsistencyLevel = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ConsistencyLevel | undefined => {
    const raw = ctx.switchToHttp().getRequest<Request>().header(CONSISTENCY_LEVEL_HEADER);
    const value = raw?.trim().toUpperCase();
    if (value === undefined || value === '') return undefined;
    if ((CONSISTENCY_LEVELS as readonly string[]).includes(value)) return value as ConsistencyLevel;
    throw new BadRequestException(
      `${CONSISTENCY_LEVEL_HEADER} must be one of ${CONSISTENCY_LEVELS.join(', ')}, not ${JSON.stringify(raw)}`,
    );
  },
);
