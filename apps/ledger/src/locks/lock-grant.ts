import type { LockMode } from '@faultline/contracts';

/** A lock held: what an entry records of it, and how to give it back. */
export interface LockGrant {
  mode: LockMode;
  /** The fencing token (the etcd key's revision); null for a lock without one (Redlock). */
  token: number | null;
  /** When it was granted, on this process's real clock (a clock-skew drill does not move it). */
  grantedAtMs: number;
  leaseMs: number;
  /** Gives it back; a lock whose lease ended meanwhile is already gone, which is no error. */
  release(): Promise<void>;
}

/** The lock was held by another writer for the whole wait: nothing was written (503). */
export class LockTimeout extends Error {}

/** The lock service could not be asked (Redis or etcd down or cut off): nothing was written (503). */
export class LockUnavailable extends Error {}
