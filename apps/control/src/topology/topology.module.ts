import { Module } from '@nestjs/common';
import { TopologySource } from './topology-source';

@Module({ providers: [TopologySource], exports: [TopologySource] })
export class TopologyModule {}
