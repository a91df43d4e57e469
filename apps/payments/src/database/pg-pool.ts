import type { PoolConfig } from 'pg';
import { types } from 'pg';
import type { PaymentsEnvironment } from '../config/payments-environment';
import { SCHEMA } from './migrations';

export const PG_POOL = Symbol('PG_POOL');

/** Amounts are bigint columns: parse them as numbers (they stay below 2^53 by validation). */
const parseInt8 = (value: string): number => Number(value);

/** Connection settings shared by the pool and the one-off connections that cancel a commit. */
export function connectionConfig(env: PaymentsEnvironment): PoolConfig {
  return {
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
    application_name: 'payments',
    connectionTimeoutMillis: 3_000,
    // Lock waits and slow statements end; the wait for a synchronous standby does not
    // (statement_timeout does not apply to it), which is why SyncCommit bounds it itself.
    options: `-c statement_timeout=5000 -c search_path=${SCHEMA}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === types.builtins.INT8
          ? parseInt8
          : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
    },
  };
}
