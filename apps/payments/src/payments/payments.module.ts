import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CommitModule } from '../commit/commit.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  imports: [AccountsModule, CommitModule, IdempotencyModule],
  controllers: [PaymentsController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
