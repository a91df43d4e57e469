import { Module } from '@nestjs/common';
import { LocksModule } from '../locks/locks.module';
import { LedgerController } from './ledger.controller';
import { LedgerMetrics } from './ledger-metrics';
import { LedgerService } from './ledger.service';
import { LedgerStore } from './ledger-store';

@Module({
  imports: [LocksModule],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerStore, LedgerMetrics],
})
export class LedgerModule {}
