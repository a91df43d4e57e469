import { applyDecorators, Post, type Type } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiServiceUnavailableResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IDEMPOTENCY_HEADER } from './idempotency-key.decorator';

/** What a route's 409 means, when not a negative balance, and its path under the controller. */
export interface IdempotentCreateOptions {
  path?: string;
  conflict?: string;
}

/** A POST that creates `what` once per Idempotency-Key, with the answers it can give. */
export const IdempotentCreate = (
  type: Type,
  what: string,
  { path, conflict }: IdempotentCreateOptions = {},
) =>
  applyDecorators(
    path === undefined ? Post() : Post(path),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: true,
      description: 'Retry with the same key after a 503',
    }),
    ApiCreatedResponse({ type }),
    ApiConflictResponse({
      description: conflict ?? `The ${what} would leave a negative balance`,
    }),
    ApiUnprocessableEntityResponse({ description: 'The key was used with another body' }),
    ApiServiceUnavailableResponse({
      description: 'No synchronous standby confirmed the commit: outcome indeterminate',
    }),
  );
