import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ClockModule } from '@faultline/clock';
import { PostgresModule, PostgresReadiness } from '@faultline/postgres';
import { TelemetryModule } from '@faultline/telemetry';
import { LedgerConfigModule } from './config/ledger-config.module';
import { LedgerEnvironment } from './config/ledger-environment';
import { LedgerModule } from './ledger/ledger.module';
import { RegistersModule } from './registers/registers.module';

/** Its own schema in the payments cluster: the storage the locks guard. */
const database = PostgresModule.forRoot({
  environment: LedgerEnvironment,
  schema: 'ledger',
  applicationName: 'ledger',
  migrationsDir: join(__dirname, '..', 'migrations'),
});

@Module({
  imports: [
    LedgerConfigModule,
    database,
    TelemetryModule.forRoot({
      service: 'ledger',
      readiness: [PostgresReadiness],
      imports: [database],
    }),
    // The clock-skew drill's endpoint, as every service has; the locks use the real clock.
    ClockModule.forRoot({ node: process.env.FAULTLINE_NODE ?? 'ledger' }),
    LedgerModule,
    RegistersModule,
  ],
})
export class LedgerAppModule {}
