import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClockModule } from '@faultline/clock';
import { TelemetryModule } from '@faultline/telemetry';
import { AccountsModule } from './accounts/accounts.module';
import { CommitExceptionFilter } from './commit/commit-exception.filter';
import { PaymentsConfigModule } from './config/payments-config.module';
import { DatabaseModule } from './database/database.module';
import { PostgresReadiness } from './database/postgres-readiness';
import { PaymentsModule } from './payments/payments.module';
import { TransfersModule } from './transfers/transfers.module';

@Module({
  imports: [
    PaymentsConfigModule,
    TelemetryModule.forRoot({
      service: 'payments',
      readiness: [PostgresReadiness],
      imports: [DatabaseModule],
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
