import { Module } from '@nestjs/common';
import { CommitMetrics } from './commit-metrics';
import { SyncCommit } from './sync-commit';

@Module({
  providers: [SyncCommit, CommitMetrics],
  exports: [SyncCommit],
})
export class CommitModule {}
