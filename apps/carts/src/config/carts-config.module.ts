import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { CartsEnvironment } from './carts-environment';

/** Provides the validated CartsEnvironment; an invalid one stops the app at start. */
@Global()
@Module({
  providers: [
    {
      provide: CartsEnvironment,
      useFactory: () => validateEnvironment(CartsEnvironment, process.env),
    },
  ],
  exports: [CartsEnvironment],
})
export class CartsConfigModule {}
