import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';
import type { ReadinessCheck } from '@faultline/telemetry';
import { connectionConfig, type PostgresEnvironment, type SchemaOptions } from './connection';
import { runMigrations } from './migrations';

export const PG_POOL = Symbol('PG_POOL');
/** The PoolConfig the pool was made from, for connections opened beside it. */
export const PG_CONNECTION = Symbol('PG_CONNECTION');
const PG_OPTIONS = Symbol('PG_OPTIONS');

export interface PostgresOptions extends SchemaOptions {
  /** The service's validated environment class (it has the PG* variables). */
  environment: Type<PostgresEnvironment>;
  /** The compiled migrations folder. */
  migrationsDir: string;
  /** The pool's size, from the validated environment; 10 by default. */
  poolSize?: (env: PostgresEnvironment) => number;
}

@Injectable()
class PostgresLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PG_OPTIONS) private readonly options: PostgresOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await runMigrations(this.pool, this.options.schema, this.options.migrationsDir);
    this.logger.log(
      `schema migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** Ready when the primary answers a query through the service's link. */
@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

/** A service's PostgreSQL: the pool (PG_POOL), its schema migrated at start, readiness. */
@Module({})
export class PostgresModule {
  static forRoot(options: PostgresOptions): DynamicModule {
    return {
      module: PostgresModule,
      global: true,
      providers: [
        { provide: PG_OPTIONS, useValue: options },
        {
          provide: PG_CONNECTION,
          inject: [options.environment],
          useFactory: (env: PostgresEnvironment): PoolConfig => connectionConfig(env, options),
        },
        {
          provide: PG_POOL,
          inject: [PG_CONNECTION, options.environment],
          useFactory: (config: PoolConfig, env: PostgresEnvironment) => {
            const pool = new Pool({ ...config, max: options.poolSize?.(env) ?? 10 });
            const logger = new Logger('Database');
            // An idle client losing its connection must not crash the process.
            pool.on('error', (err) => logger.warn(`idle connection lost: ${err.message}`));
            // Nor a checked-out one between two queries (a failover closes every connection):
            // pg emits that as an 'error' event, and the client's next query fails instead.
            pool.on('connect', (client) =>
              client.on('error', (err) => logger.warn(`connection lost: ${err.message}`)),
            );
            return pool;
          },
        },
        PostgresLifecycle,
        PostgresReadiness,
      ],
      exports: [PG_POOL, PG_CONNECTION, PostgresReadiness],
    };
  }
}
