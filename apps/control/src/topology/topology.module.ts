import { Module } from '@nestjs/common';
import { DatastoreSessions } from './datastore-sessions';
import { RoleChanges } from './role-changes';
import { TopologySource } from './topology-source';

@Module({
  providers: [TopologySource, RoleChanges, DatastoreSessions],
  exports: [TopologySource, RoleChanges, DatastoreSessions],
})
export class TopologyModule {}
