import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Pool } from 'pg';
import { PaymentsEnvironment } from '../config/payments-environment';
import { runMigrations } from './migrations';
import { connectionConfig, PG_POOL } from './pg-pool';
import { PostgresReadiness } from './postgres-readiness';

@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    const applied = await runMigrations(this.pool);
    this.logger.log(
      `schema migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [PaymentsEnvironment],
      useFactory: (env: PaymentsEnvironment) => {
        const pool = new Pool({ ...connectionConfig(env), max: env.PAYMENTS_POOL_SIZE });
        // An idle client losing its connection must not crash the process.
        pool.on('error', (err) =>
          new Logger('Database').warn(`idle connection lost: ${err.message}`),
        );
        return pool;
      },
    },
    DatabaseLifecycle,
    PostgresReadiness,
  ],
  exports: [PG_POOL, PostgresReadiness],
})
export class DatabaseModule {}
