import { Injectable, Module } from '@nestjs/common';
import { FaultBackendModule } from '../drills/fault-backend.module';
import { TopologyModule } from '../topology/topology.module';
import { FailoverMetrics } from './failover-metrics';
import { PostgresFailover } from './postgres-failover';
import { RedisFailover } from './redis-failover';
import { type FailoverOutcome, type FailoverStore, Switchovers } from './switchovers';

/** Each store's switchover by its own operator. */
@Injectable()
export class StoreSwitchovers extends Switchovers {
  constructor(
    private readonly postgres: PostgresFailover,
    private readonly redis: RedisFailover,
  ) {
    super();
  }

  switchover(store: FailoverStore): Promise<FailoverOutcome> {
    switch (store) {
      case 'pg':
        return this.postgres.failover('switchover');
      case 'redis':
        return this.redis.switchover();
    }
  }
}

/** The operators that move primaries: PostgreSQL's (control decides) and Redis's (Sentinels decide). */
@Module({
  imports: [TopologyModule, FaultBackendModule],
  providers: [
    FailoverMetrics,
    PostgresFailover,
    RedisFailover,
    { provide: Switchovers, useClass: StoreSwitchovers },
  ],
  exports: [Switchovers],
})
export class FailoverModule {}
