import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Etcd3, type Lease } from 'etcd3';
import { within } from '@faultline/service';
import type { LockMode } from '@faultline/contracts';
import { etcdMemberUrls } from '@faultline/contracts';
import { LedgerEnvironment } from '../config/ledger-environment';
import { type LockGrant, LockTimeout, LockUnavailable } from './lock-grant';

/** How often a waiting writer tries the key again. */
const RETRY_DELAY_MS = 50;
/** How long one call to etcd may take: a member cut off from the majority never answers. */
const CALL_TIMEOUT_MS = 2_000;

const withTimeout = <T>(what: string, work: Promise<T>): Promise<T> =>
  within(work, CALL_TIMEOUT_MS, `etcd: ${what}`, LockUnavailable);

/**
 * A lock in etcd: the key `ledger/<resource>`, created only if absent and bound to a lease that
 * the client renews every third of its TTL. A paused holder stops renewing; the lease ends and
 * the key with it, and the next writer creates it at a higher revision. That revision is the
 * grant's fencing token: every later grant's is higher. The `etcd-lease` mode records it, the
 * `etcd-fenced` mode has the storage check it.
 */
@Injectable()
export class EtcdLeaseLocks implements OnApplicationShutdown {
  private readonly etcd: Etcd3;
  private readonly leaseSeconds: number;

  constructor(env: LedgerEnvironment) {
    this.etcd = new Etcd3({
      hosts: [...etcdMemberUrls(env.ETCD_MEMBERS).values()],
      dialTimeout: CALL_TIMEOUT_MS,
    });
    this.leaseSeconds = env.LEDGER_LEASE_SECONDS;
  }

  /** A grant in `mode` (etcd-lease or etcd-fenced: the same lock, fenced or not by the storage). */
  async acquire(
    mode: Exclude<LockMode, 'redlock'>,
    resource: string,
    timeoutMs: number,
  ): Promise<LockGrant> {
    const key = `ledger/${resource}`;
    const deadline = Date.now() + timeoutMs;
    const lease = this.etcd.lease(this.leaseSeconds);
    lease.on('lost', () => undefined);
    try {
      const leaseId = await withTimeout('granting a lease', lease.grant());
      for (;;) {
        const created = await withTimeout(
          `creating ${key}`,
          this.etcd
            .if(key, 'Create', '==', 0)
            .then(this.etcd.put(key).value(leaseId).lease(leaseId))
            .commit(),
        );
        if (created.succeeded) {
          return {
            mode,
            token: Number(created.header.revision),
            grantedAtMs: Date.now(),
            leaseMs: this.leaseSeconds * 1000,
            release: () => this.revoke(lease),
          };
        }
        if (Date.now() >= deadline) {
          throw new LockTimeout(`the lock ${key} was held for all of ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      }
    } catch (err) {
      await this.revoke(lease);
      if (err instanceof LockTimeout || err instanceof LockUnavailable) throw err;
      throw new LockUnavailable(`etcd: ${(err as Error).message}`);
    }
  }

  /** Ends the lease (and the key bound to it); one that already ended is no error. */
  private async revoke(lease: Lease): Promise<void> {
    await withTimeout('revoking a lease', lease.revoke()).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.etcd.close();
  }
}
