import { Module } from '@nestjs/common';
import { CartsEnvironment } from '../config/carts-environment';
import { CartsSchema } from './carts-schema';
import { RingAddresses } from './ring-addresses';
import { RingReadiness } from './ring-readiness';
import { RingSession } from './ring-session';

@Module({
  providers: [
    {
      provide: RingAddresses,
      useFactory: (env: CartsEnvironment) => RingAddresses.resolve(env),
      inject: [CartsEnvironment],
    },
    RingSession,
    CartsSchema,
    RingReadiness,
  ],
  exports: [RingSession, RingReadiness],
})
export class RingModule {}
