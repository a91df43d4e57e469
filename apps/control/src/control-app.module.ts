import { Module } from '@nestjs/common';
import { ClockModule } from '@faultline/clock';
import { TelemetryModule } from '@faultline/telemetry';
import { ControlConfigModule } from './config/control-config.module';
import { ConsoleModule } from './console/console.module';
import { DrillsModule } from './drills/drills.module';
import { ObserverModule } from './observer/observer.module';
import { RunsModule } from './runs/runs.module';
import { TopologyApiModule } from './topology/topology-api.module';

@Module({
  imports: [
    ControlConfigModule,
    TelemetryModule.forRoot({ service: 'control' }),
    // Control's clock is the reference the observer measures every service's skew against.
    ClockModule.forRoot({ node: 'control' }),
    DrillsModule,
    TopologyApiModule,
    ObserverModule,
    RunsModule,
    ConsoleModule,
  ],
})
export class ControlAppModule {}
