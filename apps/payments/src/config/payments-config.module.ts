import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { PaymentsEnvironment } from './payments-environment';

/** Provides the validated PaymentsEnvironment; an invalid one stops the app at start. */
@Global()
@Module({
  providers: [
    {
      provide: PaymentsEnvironment,
      useFactory: () => validateEnvironment(PaymentsEnvironment, process.env),
    },
  ],
  exports: [PaymentsEnvironment],
})
export class PaymentsConfigModule {}
