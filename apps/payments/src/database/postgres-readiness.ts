import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ReadinessCheck } from '@faultline/telemetry';
import { PG_POOL } from './pg-pool';

/** Ready when the primary answers a query through the service's link. */
@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
