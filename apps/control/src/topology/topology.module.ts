import { Module } from '@nestjs/common';
import { RoleChanges } from './role-changes';
import { TopologySource } from './topology-source';

@Module({ providers: [TopologySource, RoleChanges], exports: [TopologySource, RoleChanges] })
export class TopologyModule {}
