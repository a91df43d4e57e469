import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsRegistry } from '@faultline/telemetry';
import { Clock } from './clock';
import { ClockController } from './clock.controller';
import { CLOCK_OFFSET_GAUGE, createClockOffsetGauge } from './clock-offset-gauge';
import { CLOCK_OPTIONS, type ClockOptions } from './clock-options';
import { HybridLogicalClock } from './hybrid-logical-clock';

/**
 * The node's Clock and HybridLogicalClock, the offset metric and the /internal clock endpoints;
 * imported once by a service's root module, next to TelemetryModule (whose MetricsRegistry it
 * uses). Global, so there is a single clock per process.
 */
@Module({})
export class ClockModule {
  static forRoot(options: ClockOptions): DynamicModule {
    return {
      module: ClockModule,
      global: true,
      controllers: [ClockController],
      providers: [
        { provide: CLOCK_OPTIONS, useValue: options },
        Clock,
        {
          provide: HybridLogicalClock,
          useFactory: (clock: Clock) => new HybridLogicalClock(() => clock.now()),
          inject: [Clock],
        },
        // Nothing injects it: providing it registers the gauge.
        {
          provide: CLOCK_OFFSET_GAUGE,
          useFactory: createClockOffsetGauge,
          inject: [MetricsRegistry, Clock, CLOCK_OPTIONS],
        },
      ],
      exports: [Clock, HybridLogicalClock],
    };
  }
}
