import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { DrillMetrics } from './drill-metrics';
import { DrillsController } from './drills.controller';
import { DrillsService } from './drills.service';
import { FaultBackend } from './fault-backend';
import { LocalFaultBackend } from './local-fault-backend';

@Module({
  imports: [TopologyModule],
  controllers: [DrillsController],
  providers: [DrillsService, DrillMetrics, { provide: FaultBackend, useClass: LocalFaultBackend }],
  exports: [DrillsService],
})
export class DrillsModule {}
