import { Module } from '@nestjs/common';
import { CartsSchema } from './carts-schema';
import { RingReadiness } from './ring-readiness';
import { RingSession } from './ring-session';

@Module({
  providers: [RingSession, CartsSchema, RingReadiness],
  exports: [RingSession, RingReadiness],
})
export class RingModule {}
