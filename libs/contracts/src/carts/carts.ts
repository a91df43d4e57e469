/**
 * The carts API (the quorum lab): every request names the consistency level Cassandra applies
 * to it in this header; without it, the instance's CARTS_CONSISTENCY.
 */
export const CONSISTENCY_LEVEL_HEADER = 'Consistency-Level';

/** The levels a request may ask for, with a replication factor of 3: 1, 2 or 3 replicas. */
export const CONSISTENCY_LEVELS = ['ONE', 'QUORUM', 'ALL'] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/** The Cassandra node that coordinated a request (the driver's choice), as a header too. */
export const COORDINATOR_HEADER = 'X-Coordinator';

/** A cart or item name: 1–64 letters, digits, '.', '_' or '-'. */
export const CART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_CART_ITEMS = 100;

/**
 * Why a request could not be carried out (503). `unavailable`: the coordinator knew too few
 * replicas alive and did not try (a write certainly did not happen), with Cassandra's counts;
 * `write-timeout`/`read-timeout`: too few replicas answered in time (a write may still have
 * happened on some); `no-host-available`: no member could be reached at all.
 */
export type CartFailureReason =
  'unavailable' | 'write-timeout' | 'read-timeout' | 'no-host-available';

export interface CartFailure {
  error: CartFailureReason;
  message: string;
  consistency: ConsistencyLevel;
  /** Replicas the level needs (unavailable: required; timeouts: blockFor). */
  required?: number;
  /** unavailable: replicas the coordinator believed alive; timeouts: replicas that answered. */
  alive?: number;
  received?: number;
}
