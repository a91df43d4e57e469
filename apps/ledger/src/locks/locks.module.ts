import { Module } from '@nestjs/common';
import { EtcdLeaseLocks } from './etcd-lease-locks';
import { Locks } from './locks';
import { RedlockLocks } from './redlock-locks';

@Module({ providers: [RedlockLocks, EtcdLeaseLocks, Locks], exports: [Locks] })
export class LocksModule {}
