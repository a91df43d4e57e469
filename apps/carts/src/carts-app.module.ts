import { Module } from '@nestjs/common';
import { ClockModule } from '@faultline/clock';
import { TelemetryModule } from '@faultline/telemetry';
import { CartsModule } from './carts/carts.module';
import { CartsConfigModule } from './config/carts-config.module';
import { RingModule } from './ring/ring.module';
import { RingReadiness } from './ring/ring-readiness';

@Module({
  imports: [
    CartsConfigModule,
    TelemetryModule.forRoot({
      service: 'carts',
      readiness: [RingReadiness],
      imports: [RingModule],
    }),
    ClockModule.forRoot({ node: process.env.FAULTLINE_NODE ?? 'carts' }),
    CartsModule,
  ],
})
export class CartsAppModule {}
