/**
 * The ledger API (the consensus lab): writers append entries to a resource under a lock, in one
 * of three modes. `redlock`: Redlock on the Redis primary, no token. `etcd-lease`: an etcd key
 * bound to a lease, its revision recorded but not checked. `etcd-fenced`: the same lock, and the
 * storage refuses an entry whose token (the key's revision) is lower than one it has accepted.
 */
export const LOCK_MODES = ['redlock', 'etcd-lease', 'etcd-fenced'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** A resource's name: 1–64 lowercase letters, digits or '-'. */
export const RESOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** How long an append may hold its lock before writing (the work done under it). */
export const MAX_HOLD_MS = 10_000;
export const DEFAULT_HOLD_MS = 100;

/**
 * Why an append did not land, or may not have: 409 `fenced`; 503 `lock-timeout` and
 * `lock-unavailable`, which wrote nothing; 503 `storage-unavailable`, which may have written
 * (PostgreSQL did not answer the commit).
 */
export type AppendFailureReason =
  'fenced' | 'lock-timeout' | 'lock-unavailable' | 'storage-unavailable';

/**
 * The register API (the consensus lab's ledger instances serve it too): one etcd key per
 * register, written and read through the one member a request names, so a client on the
 * minority side of a partition can be seen failing. Reads are linearizable (etcd's default:
 * the member confirms with the leader that it is up to date).
 */
export const MAX_REGISTER_VALUE = 2 ** 31 - 1;

/** Why a register request did not complete (503); a write's may still commit. */
export type RegisterFailureReason = 'no-leader' | 'timeout' | 'unavailable';

/** ETCD_MEMBERS, as the ledger and the workload read it: `etcd-0=http://host:port,…`. */
export const ETCD_MEMBERS_FORMAT =
  /^[a-z0-9-]+=https?:\/\/[^\s,=]+:\d+(,[a-z0-9-]+=https?:\/\/[^\s,=]+:\d+)*$/;
export const ETCD_MEMBERS_MESSAGE =
  'ETCD_MEMBERS must be name=http://host:port pairs separated by commas';

/** ETCD_MEMBERS as a map from member name to URL, in the order given. */
export const etcdMemberUrls = (text: string): Map<string, string> =>
  new Map(text.split(',').map((pair) => pair.split('=', 2) as [string, string]));
