import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { RunsController } from './runs.controller';

@Module({ imports: [TopologyModule], controllers: [RunsController] })
export class RunsModule {}
