import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** GET /reports: the scenario reports the workload wrote. */
@Module({
  imports: [TopologyModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
