import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { CommitMetrics } from './commit-metrics';
import { SyncCommit } from './sync-commit';

@Module({
  imports: [DatabaseModule],
  providers: [SyncCommit, CommitMetrics],
  exports: [SyncCommit],
})
export class CommitModule {}
