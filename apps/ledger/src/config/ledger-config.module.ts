import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { LedgerEnvironment } from './ledger-environment';

/** Provides the validated LedgerEnvironment; an invalid one stops the app at start. */
@Global()
@Module({
  providers: [
    {
      provide: LedgerEnvironment,
      useFactory: () => validateEnvironment(LedgerEnvironment, process.env),
    },
  ],
  exports: [LedgerEnvironment],
})
export class LedgerConfigModule {}
