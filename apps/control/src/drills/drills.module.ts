import { Module } from '@nestjs/common';
import { FailoverModule } from '../failover/failover.module';
import { ObserverModule } from '../observer/observer.module';
import { TopologyModule } from '../topology/topology.module';
import { DrillMetrics } from './drill-metrics';
import { DrillKindsController } from './drill-kinds.controller';
import { DrillsController } from './drills.controller';
import { DrillsService } from './drills.service';
import { FaultBackendModule } from './fault-backend.module';

@Module({
  imports: [TopologyModule, FaultBackendModule, FailoverModule, ObserverModule],
  controllers: [DrillsController, DrillKindsController],
  providers: [DrillsService, DrillMetrics],
  exports: [DrillsService],
})
export class DrillsModule {}
