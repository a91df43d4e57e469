import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { IDEMPOTENCY_HEADER } from '../idempotency/idempotency-key.decorator';
import { IndeterminateCommit } from './sync-commit-timeout';

/**
 * pg's errors carry a SQLSTATE `code`; connection failures carry a Node errno code, or none:
 * a connection that ends mid-transaction fails that query with "Connection terminated", and
 * the client's next query with "… is not queryable" (seen as a 500 during a switchover).
 */
export const isDatabaseError = (err: unknown): err is Error & { code?: string } =>
  err instanceof Error &&
  !(err instanceof HttpException) &&
  (typeof (err as { code?: unknown }).code === 'string' ||
    /Connection terminated|timeout exceeded when trying to connect|is not queryable/.test(
      err.message,
    ));

/**
 * Turns the CP refusal into its contract: 503 with outcome `indeterminate` and the key
 * to retry with. A database failure before COMMIT is 503 with outcome `failed` (nothing
 * was applied); never a 500.
 */
@Catch()
export class CommitExceptionFilter extends BaseExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Payments');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const idempotencyKey = req.header(IDEMPOTENCY_HEADER) ?? null;
    if (exception instanceof IndeterminateCommit) {
      this.logger.warn(`${req.method} ${req.url}: ${exception.message}; outcome indeterminate`);
      res.status(503).json({
        error: exception.error,
        outcome: 'indeterminate',
        idempotencyKey,
        message: `${exception.message}: the transaction may have committed; retry with the same ${IDEMPOTENCY_HEADER}`,
      });
      return;
    }
    if (isDatabaseError(exception)) {
      // Raised before COMMIT was sent: the transaction was rolled back or never began.
      this.logger.error(
        `${req.method} ${req.url}: database error ${exception.code ?? ''} ${exception.message}`,
      );
      res.status(503).json({
        error: 'database_unavailable',
        outcome: 'failed',
        idempotencyKey,
        message: `the database could not complete the request (${exception.message}); nothing was applied`,
      });
      return;
    }
    super.catch(exception, host);
  }
}
