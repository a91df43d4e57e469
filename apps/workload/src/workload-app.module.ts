import { Module } from '@nestjs/common';
import { TelemetryModule } from '@faultline/telemetry';
import { WorkloadConfigModule } from './config/workload-config.module';
import { LiveModule } from './live/live.module';
import { ReportsModule } from './reports/reports.module';
import { RunsModule } from './runs/runs.module';

@Module({
  imports: [
    WorkloadConfigModule,
    TelemetryModule.forRoot({ service: 'workload' }),
    RunsModule,
    ReportsModule,
    LiveModule,
  ],
})
export class WorkloadAppModule {}
