import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { ReportsController } from './reports.controller';
import { RunsController } from './runs.controller';
import { WorkloadClient } from './workload-client';

/** Scenario runs and their reports, passed on to the workload. */
@Module({
  imports: [TopologyModule],
  controllers: [RunsController, ReportsController],
  providers: [WorkloadClient],
})
export class RunsModule {}
