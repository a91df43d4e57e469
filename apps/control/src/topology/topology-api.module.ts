import { Module } from '@nestjs/common';
import { DrillsModule } from '../drills/drills.module';
import { TopologyController } from './topology.controller';
import { TopologyModule } from './topology.module';

/** GET /topology: the topology with the faults the drills put on it. */
@Module({ imports: [TopologyModule, DrillsModule], controllers: [TopologyController] })
export class TopologyApiModule {}
