import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { ControlEnvironment } from './control-environment';

/** Provides the validated ControlEnvironment; an invalid one stops the app at start. */
@Global()
@Module({
  providers: [
    {
      provide: ControlEnvironment,
      useFactory: () => validateEnvironment(ControlEnvironment, process.env),
    },
  ],
  exports: [ControlEnvironment],
})
export class ControlConfigModule {}
