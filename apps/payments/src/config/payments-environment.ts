import { IsInt, Max, Min } from 'class-validator';
import { PostgresVariables } from '@faultline/postgres';

/**
 * The payments service's configuration, validated at start-up. PostgreSQL is reached
 * with libpq's own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), which
 * `pg` reads itself.
 */
export class PaymentsEnvironment extends PostgresVariables {
  /** How long a commit may wait for a synchronous standby before the request answers 503. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  PAYMENTS_COMMIT_TIMEOUT_MS: number = 2000;

  /**
   * As many connections as the concurrent clients it is measured with (npm run bench: 16): with
   * fewer, requests queue for a connection inside the service and the tail grows (p99 2.5x
   * pgbench's with 10, 1.9x with 16).
   */
  @IsInt()
  @Min(2)
  @Max(100)
  PAYMENTS_POOL_SIZE: number = 16;

  /** How long an Idempotency-Key is remembered, measured on the database's clock. */
  @IsInt()
  @Min(60)
  PAYMENTS_IDEMPOTENCY_TTL_SECONDS: number = 86_400;
}
