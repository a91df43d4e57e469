import { Injectable } from '@nestjs/common';
import type { LockMode } from '@faultline/contracts';
import { LedgerEnvironment } from '../config/ledger-environment';
import { EtcdLeaseLocks } from './etcd-lease-locks';
import type { LockGrant } from './lock-grant';
import { RedlockLocks } from './redlock-locks';

/** A resource's lock in the mode an append asks for. */
@Injectable()
export class Locks {
  constructor(
    private readonly redlock: RedlockLocks,
    private readonly etcd: EtcdLeaseLocks,
    private readonly env: LedgerEnvironment,
  ) {}

  acquire(mode: LockMode, resource: string): Promise<LockGrant> {
    const timeoutMs = this.env.LEDGER_ACQUIRE_TIMEOUT_MS;
    return mode === 'redlock'
      ? this.redlock.acquire(resource, timeoutMs)
      : this.etcd.acquire(mode, resource, timeoutMs);
  }
}
