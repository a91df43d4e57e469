import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const MAX_KEY_LENGTH = 255;

/** The request's Idempotency-Key header: required, 1–255 printable ASCII characters. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const key = ctx.switchToHttp().getRequest<Request>().header(IDEMPOTENCY_HEADER);
  if (key === undefined || key.trim() === '') {
    throw new BadRequestException(`${IDEMPOTENCY_HEADER} header is required`);
  }
  if (key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new BadRequestException(
      `${IDEMPOTENCY_HEADER} header must be 1-${MAX_KEY_LENGTH} printable ASCII characters without spaces`,
    );
  }
  return key;
});
