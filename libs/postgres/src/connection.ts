import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { type PoolConfig, types } from 'pg';

/** libpq's own variables, which `pg` also reads: how every service names its database. */
export interface PostgresEnvironment {
  PGHOST: string;
  PGPORT: number;
  PGUSER: string;
  PGPASSWORD?: string;
  PGDATABASE: string;
}

/** The variables' rules, which a service's environment class extends. */
export class PostgresVariables implements PostgresEnvironment {
  @IsString() @IsNotEmpty() PGHOST!: string;
  @IsInt() @Min(1) @Max(65535) PGPORT: number = 5432;
  @IsString() @IsNotEmpty() PGUSER!: string;
  @IsString() @IsOptional() PGPASSWORD?: string;
  @IsString() @IsNotEmpty() PGDATABASE!: string;
}

export interface SchemaOptions {
  /** The service's own schema (the search path), created by its first migration run. */
  schema: string;
  /** Shows in pg_stat_activity, so a service's backends can be told apart. */
  applicationName: string;
}

/** Amounts are bigint columns: parse them as numbers (they stay below 2^53 by validation). */
const parseInt8 = (value: string): number => Number(value);

/** Connection settings for a service's pool and any one-off connection it opens. */
export function connectionConfig(env: PostgresEnvironment, options: SchemaOptions): PoolConfig {
  return {
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
    application_name: options.applicationName,
    connectionTimeoutMillis: 3_000,
    // Lock waits and slow statements end; the wait for a synchronous standby does not
    // (statement_timeout does not apply to it), which is why payments bounds it itself.
    options: `-c statement_timeout=5000 -c search_path=${options.schema}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === types.builtins.INT8
          ? parseInt8
          : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
    },
  };
}
