import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictException, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseError, type PoolClient } from 'pg';
import { DEFAULT_HOLD_MS, type AppendFailureReason } from '@faultline/contracts';
import type { AppendDto, LockHolderDto } from '@faultline/contracts/dto';
import type { LedgerEntry, LedgerRejection } from '@faultline/history';
import { LedgerEnvironment } from '../config/ledger-environment';
import { type LockGrant, LockTimeout, LockUnavailable } from '../locks/lock-grant';
import { Locks } from '../locks/locks';
import { LedgerMetrics } from './ledger-metrics';
import { FencedWrite, LedgerStore } from './ledger-store';

/**
 * PostgreSQL refused or did not answer (a partition, a failover), as opposed to a bug: a
 * server error, or the driver's own connection errors.
 */
const isStorageFailure = (err: unknown): boolean =>
  err instanceof DatabaseError ||
  (err instanceof Error &&
    (/^(ECONN|ETIMEDOUT|EPIPE|EHOSTUNREACH)/.test(String((err as { code?: unknown }).code)) ||
      /Connection terminated|timeout exceeded when trying to connect|Query read timeout/.test(
        err.message,
      )));

/**
 * An append: take the resource's lock and a storage connection, hold the lock for the request's
 * holdMs (the work done under it, where a pause drill freezes the holder), write on that
 * connection, give both back. Nothing checks the
 * lease before the write: a check would race the pause just the same, which is the lesson.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger('Ledger');
  /** The grants this instance holds now, by resource. */
  private readonly holding = new Map<string, LockGrant>();

  constructor(
    private readonly locks: Locks,
    private readonly store: LedgerStore,
    private readonly metrics: LedgerMetrics,
    private readonly env: LedgerEnvironment,
  ) {}

  async append(resource: string, dto: AppendDto): Promise<LedgerEntry> {
    const waited = performance.now();
    const grant = await this.locks.acquire(dto.lock, resource).catch((err: unknown) => {
      throw this.refusal(dto, err);
    });
    this.metrics.granted(dto.lock, (performance.now() - waited) / 1000);
    this.holding.set(resource, grant);
    let connection: PoolClient | undefined;
    let broken: unknown;
    try {
      connection = await this.store.connect();
      await sleep(dto.holdMs ?? DEFAULT_HOLD_MS);
      const entry = await this.store.append(
        connection,
        { resource, request: dto.request, writer: this.env.FAULTLINE_NODE },
        grant,
      );
      const overrunMs = entry.writtenAtMs - (grant.grantedAtMs + grant.leaseMs);
      if (overrunMs > 0) {
        this.logger.warn(
          `${dto.request} wrote ${Math.round(overrunMs)} ms after its ${dto.lock} lease on ${resource} ended`,
        );
      }
      this.metrics.appended(dto.lock, 'written');
      return entry;
    } catch (err) {
      // A connection that failed may be broken: the pool closes it rather than lend it again.
      if (!(err instanceof FencedWrite)) broken = err;
      throw this.refusal(dto, err);
    } finally {
      connection?.release(broken as Error | undefined);
      this.holding.delete(resource);
      await grant.release();
    }
  }

  /** Whether this instance holds the resource's lock now, and since when. */
  holder(resource: string): LockHolderDto {
    const grant = this.holding.get(resource);
    if (!grant) return { held: false };
    const { mode: lock, token, grantedAtMs, leaseMs } = grant;
    return { held: true, lock, token, grantedAtMs, leaseMs };
  }

  async read(resource: string): Promise<{ entries: LedgerEntry[]; rejections: LedgerRejection[] }> {
    try {
      return await this.store.read(resource);
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      throw new ServiceUnavailableException({
        error: 'storage-unavailable',
        message: (err as Error).message,
      });
    }
  }

  /** A lock or storage refusal as the API's answer; anything else is a bug and stays one. */
  private refusal(dto: AppendDto, err: unknown): unknown {
    const answer = (reason: AppendFailureReason, extra: object = {}) => {
      this.metrics.appended(dto.lock, reason);
      return { error: reason, message: (err as Error).message, lock: dto.lock, ...extra };
    };
    // `outcome: failed`: nothing was written, which a client cannot tell from a 503 alone.
    const failed = { outcome: 'failed' };
    if (err instanceof FencedWrite) {
      return new ConflictException(answer('fenced', { rejection: err.rejection }));
    }
    if (err instanceof LockTimeout) {
      return new ServiceUnavailableException(answer('lock-timeout', failed));
    }
    if (err instanceof LockUnavailable) {
      return new ServiceUnavailableException(answer('lock-unavailable', failed));
    }
    if (isStorageFailure(err))
      return new ServiceUnavailableException(answer('storage-unavailable'));
    return err;
  }
}
