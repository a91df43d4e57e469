import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CommitModule } from '../commit/commit.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { TransfersController } from './transfers.controller';
import { TransfersService } from './transfers.service';

@Module({
  imports: [AccountsModule, CommitModule, IdempotencyModule],
  controllers: [TransfersController],
  providers: [TransfersService],
})
export class TransfersModule {}
