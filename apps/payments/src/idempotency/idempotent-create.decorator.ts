import { applyDecorators, Post, type Type } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiServiceUnavailableResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IDEMPOTENCY_HEADER } from './idempotency-key.decorator';

/** A POST that creates `what` once per Idempotency-Key, with the answers it can give. */
export const IdempotentCreate = (type: Type, what: string) =>
  applyDecorators(
    Post(),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: true,
      description: 'Retry with the same key after a 503',
    }),
    ApiCreatedResponse({ type }),
    ApiConflictResponse({ description: `The ${what} would leave a negative balance` }),
    ApiUnprocessableEntityResponse({ description: 'The key was used with another body' }),
    ApiServiceUnavailableResponse({
      description: 'No synchronous standby confirmed the commit: outcome indeterminate',
    }),
  );
