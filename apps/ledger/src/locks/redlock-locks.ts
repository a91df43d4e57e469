import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ExecutionError, Redlock, ResourceLockedError } from '@sesamecare-oss/redlock';
import Redis from 'ioredis';
import { LedgerEnvironment } from '../config/ledger-environment';
import { type LockGrant, LockTimeout, LockUnavailable } from './lock-grant';

/** How often a waiting writer asks again (Redlock has no wait of its own). */
const RETRY_DELAY_MS = 50;

/**
 * Redlock (Redis's distributed lock algorithm), via @sesamecare-oss/redlock, the maintained
 * fork of the `redlock` package for ioredis 5 and later: SET NX PX on the Redis primary. The key
 * expires after the lease and nothing renews it; a holder that pauses past it does not know.
 */
@Injectable()
export class RedlockLocks implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly redlock: Redlock;
  private readonly leaseMs: number;

  constructor(env: LedgerEnvironment) {
    this.redis = new Redis(env.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
    });
    this.redis.on('error', () => undefined);
    this.redlock = new Redlock([this.redis], { retryCount: 0 });
    this.leaseMs = env.LEDGER_LEASE_SECONDS * 1000;
  }

  async acquire(resource: string, timeoutMs: number): Promise<LockGrant> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const lock = await this.redlock.acquire([`ledger:${resource}`], this.leaseMs);
        return {
          mode: 'redlock',
          token: null,
          grantedAtMs: Date.now(),
          leaseMs: this.leaseMs,
          release: async () => {
            await lock.release().catch(() => undefined);
          },
        };
      } catch (err) {
        // Held by another writer: the vote went against. Anything else is Redis failing.
        const held =
          err instanceof ExecutionError &&
          (await Promise.all(err.attempts)).every((a) =>
            [...a.votesAgainst.values()].every((e) => e instanceof ResourceLockedError),
          );
        if (!held) throw new LockUnavailable(`Redis: ${(err as Error).message}`);
        if (Date.now() >= deadline) {
          throw new LockTimeout(`the redlock on ${resource} was held for all of ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      }
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
