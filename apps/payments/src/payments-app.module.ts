import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { join } from 'node:path';
import { ClockModule } from '@faultline/clock';
import { PostgresModule, PostgresReadiness } from '@faultline/postgres';
import { TelemetryModule } from '@faultline/telemetry';
import { AccountsModule } from './accounts/accounts.module';
import { CommitExceptionFilter } from './commit/commit-exception.filter';
import { PaymentsConfigModule } from './config/payments-config.module';
import { PaymentsEnvironment } from './config/payments-environment';
import { PaymentsModule } from './payments/payments.module';
import { TransfersModule } from './transfers/transfers.module';

/** Its own schema in the cluster; the pool is as large as PAYMENTS_POOL_SIZE. */
const database = PostgresModule.forRoot({
  environment: PaymentsEnvironment,
  schema: 'payments',
  applicationName: 'payments',
  migrationsDir: join(__dirname, '..', 'migrations'),
  poolSize: (env) => (env as PaymentsEnvironment).PAYMENTS_POOL_SIZE,
});

@Module({
  imports: [
    PaymentsConfigModule,
    database,
    TelemetryModule.forRoot({
      service: 'payments',
      readiness: [PostgresReadiness],
      imports: [database],
    }),
    // The shared clock (and its /internal/clock drill endpoint); key expiry uses the database's clock.
    ClockModule.forRoot({ node: process.env.FAULTLINE_NODE ?? 'payments' }),
    AccountsModule,
    TransfersModule,
    PaymentsModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: CommitExceptionFilter }],
})
export class PaymentsAppModule {}
