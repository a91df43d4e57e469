import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CatalogEnvironment } from '../config/catalog-environment';

export type Consistency = 'eventual' | 'strong';

/** A Redis node the catalog talks to, with the name it reports in X-Served-By. */
export interface RedisNode {
  name: string;
  redis: Redis;
}

const connect = (url: string): Redis => {
  const redis = new Redis(url, {
    // A request fails in bounded time when its node is cut off, instead of queueing.
    commandTimeout: 2_000,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
  });
  redis.on('error', () => undefined);
  return redis;
};

/** The primary (writes, strong reads) and this instance's replica (eventual reads). */
@Injectable()
export class RedisNodes implements OnApplicationShutdown {
  readonly primary: RedisNode;
  readonly replica: RedisNode;

  constructor(@Inject(CatalogEnvironment) env: CatalogEnvironment) {
    this.primary = { name: env.REDIS_PRIMARY_NODE, redis: connect(env.REDIS_PRIMARY_URL) };
    this.replica = { name: env.REDIS_REPLICA_NODE, redis: connect(env.REDIS_REPLICA_URL) };
  }

  forReads(consistency: Consistency): RedisNode {
    return consistency === 'strong' ? this.primary : this.replica;
  }

  onApplicationShutdown(): void {
    this.primary.redis.disconnect();
    this.replica.redis.disconnect();
  }
}
