import { outcome, type Pair } from './history';
/**
 * The functions (`Op.f`) the workload records and the values the checkers read, as types for the
 * recorder's callers. The checkers read values defensively: a value of the wrong shape is skipped
 * and counted (stat `malformed`), never trusted.
 */

/**
 * The functions (`Op.f`) the workload records and the checkers match on, named once. The request
 * each one's invoke carries and the value its ok completion answers are the types below.
 */
export const OPERATIONS = {
  // Bank (payments service).
  transfer: 'transfer',
  readBalances: 'read-balances',
  // Payments.
  pay: 'pay',
  finalPayments: 'final-payments',
  // Orders.
  order: 'order',
  finalOrders: 'final-orders',
  finalOrderEffects: 'final-order-effects',
  // Catalog.
  write: 'write',
  read: 'read',
  finalRead: 'final-read',
  // Carts (the quorum lab).
  cartAdd: 'cart-add',
  cartReplace: 'cart-replace',
  cartRead: 'cart-read',
  cartFinalRead: 'cart-final-read',
  // Ledger (the consensus lab): appends under a lock, and the ledger as the storage kept it.
  ledgerAppend: 'ledger-append',
  ledgerFinalRead: 'ledger-final-read',
  // A register in etcd (the consensus lab): linearizable writes and reads of one key.
  registerWrite: 'register-write',
  registerRead: 'register-read',
  // Each etcd member's own view of the Raft group (the workload asks every member directly).
  raftStatus: 'raft-status',
  // Nemesis.
  drill: 'drill',
  heal: 'heal',
} as const;

/** An operation's name, as `Op.f` records it. */
export type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];

/** Monotonic nanoseconds per second. */
export const NANOS_PER_SECOND = 1e9;

/** A catalog write's timestamp (libs/clock's HlcTimestamp). */
export interface WriteTimestamp {
  wallMs: number;
  logical: number;
}

// Bank (payments service): transfers between accounts and whole-bank reads.
export interface TransferRequest {
  from: string;
  to: string;
  amount: number;
  key: string;
}
export interface TransferOk {
  id: string;
}
export interface ReadBalancesOk {
  balances: Record<string, number>;
}

// Payments: idempotent charges.
export interface PayRequest {
  key: string;
  accountId: string;
  amount: number;
}
export interface PayOk {
  id: string;
}
/** How many payment rows exist per idempotency key, for every key the workload used. */
export interface FinalPaymentsOk {
  byKey: Record<string, number>;
}

// Orders: the saga (orders → catalog reservations → payments charges).
export interface OrderItem {
  sku: string;
  qty: number;
}
/** `POST /orders` with Idempotency-Key `key`; a retry after an info reuses the key (a new invoke). */
export interface OrderRequest {
  key: string;
  items: OrderItem[];
  accountId: string;
}
/** The 202: the order was accepted (its saga runs from there). */
export interface OrderOk {
  orderId: string;
}
export type OrderState = 'pending' | 'stock_reserved' | 'charged' | 'confirmed' | 'cancelled';
/** An order as `GET /orders/:id` showed it at the end. */
export interface FinalOrder {
  state: OrderState;
  reason?: string;
  items: OrderItem[];
  amount: number;
  accountId: string;
}
/**
 * Every accepted order read once after heal (and after waiting for the sagas to finish):
 * `null` when the service answered 404; an order whose read failed is left out.
 */
export interface FinalOrdersOk {
  orders: Record<string, FinalOrder | null>;
}
/**
 * What the sagas did to the other services, read after final-orders: each order sku's stock
 * (strong read) against what the run set up, the payment rows under each order's key
 * `order-<orderId>`, and each orders account's balance against its opening balance. The skus and
 * accounts are the orders' own: nothing else in the run touches them. A value that could not be
 * read is left out.
 */
export interface FinalOrderEffectsOk {
  stock: Record<string, { initial: number; final: number }>;
  charges: Record<string, number>;
  balances: Record<string, { initial: number; final: number }>;
}

// Catalog.
export type ReadConsistency = 'eventual' | 'strong';
export interface CatalogWriteRequest {
  sku: string;
  name: string;
}
export interface CatalogWriteOk {
  sku: string;
  version: number;
  timestamp: WriteTimestamp;
  writer: string;
}
export interface CatalogWriteRejected {
  reason: 'lww_rejected';
  sku: string;
  writeTimestamp: WriteTimestamp;
  storedTimestamp: WriteTimestamp;
  /** Optional: the writer of the stored write (the catalog's 409 says it). */
  storedWriter?: string;
  /** Optional: the writer of this write (else the node that refused it is taken). */
  writer?: string;
}
export interface CatalogReadRequest {
  sku: string;
  consistency: ReadConsistency;
}
/** A read's answer; a 404 is ok with version 0. `Op.node` = the datastore node that served it. */
export interface CatalogReadOk {
  sku: string;
  version: number;
  timestamp?: WriteTimestamp;
  name?: string;
  /** Optional: the writer of the version read, when the workload records it. */
  writer?: string;
}
/** `Op.node` = the datastore node read (each replica and the primary). */
export interface FinalReadOk {
  sku: string;
  version: number;
}

// Carts (the quorum lab): the Dynamo paper's shopping cart on a Cassandra ring, written by the
// carts nodes with `USING TIMESTAMP` from their own clocks. Every request states its consistency
// level. Every item name and every replace's item list is unique in a run, so a set of items
// tells which replace wrote it. A fail with Cassandra's Unavailable (`CartUnavailable`) certainly
// did not happen; a timeout is an info (it may have).
export const CART_CONSISTENCIES = ['ONE', 'QUORUM', 'ALL'] as const;
export type CartConsistency = (typeof CART_CONSISTENCIES)[number];

/** Replicas a consistency level waits for, of a ring with `replicationFactor` replicas. */
export function replicasFor(consistency: CartConsistency, replicationFactor: number): number {
  switch (consistency) {
    case 'ONE':
      return 1;
    case 'QUORUM':
      return Math.floor(replicationFactor / 2) + 1;
    case 'ALL':
      return replicationFactor;
  }
}
/** Adds one item to the cart's set: concurrent adds both survive. */
export interface CartAddRequest {
  cart: string;
  item: string;
  consistency: CartConsistency;
}
/** Overwrites the cart's whole set: the write with the larger timestamp wins. */
export interface CartReplaceRequest {
  cart: string;
  items: string[];
  consistency: CartConsistency;
}
/** An ok add or replace: the write's timestamp (µs since the epoch, the writer's clock) and writer (carts node). */
export interface CartWriteOk {
  cart: string;
  timestampMicros: number;
  writer: string;
}
export interface CartReadRequest {
  cart: string;
  consistency: CartConsistency;
}
/** The answer of a read and of a final read. */
export interface CartReadOk {
  cart: string;
  items: string[];
}
/** A final read of one replica's own data (a ONE read that replica coordinates and serves); Op.node = that replica. */
export interface CartFinalReadRequest {
  cart: string;
  replica: string;
}
/** The fail value of a cart operation Cassandra refused as Unavailable: too few replicas alive. */
export interface CartUnavailable {
  reason: 'unavailable';
  required: number;
  alive: number;
}

// Nemesis.
export interface DrillRequest {
  kind: string;
  target: string;
  params?: Record<string, unknown>;
}
export interface DrillOk {
  id: string;
}

// ---- reading values defensively (for the checkers) ----

// Ledger (the consensus lab): a writer takes the resource's lock, holds it for a while, and
// appends an entry; the storage (PostgreSQL) stamps each entry with its position and time. In
// the fenced mode the storage refuses an entry whose token is lower than one it has accepted,
// and keeps the refusal. Times are epoch milliseconds: the grant on the writer's real clock,
// the landing on the storage's.

/** `POST /ledger/appends`: `request` is the op's own id, kept with the entry or the refusal. */
export interface LedgerAppendRequest {
  request: string;
  resource: string;
  lock: string;
  holdMs: number;
}
/** An entry as the storage kept it. */
export interface LedgerEntry {
  seq: number;
  request: string;
  writer: string;
  /** The lock mode it was written under. */
  lock: string;
  /** The lock's fencing token (the etcd key's revision); null for a lock without one (Redlock). */
  token: number | null;
  grantedAtMs: number;
  leaseMs: number;
  writtenAtMs: number;
}
/** A write the storage refused: its token was lower than `fence`, the highest it had accepted. */
export interface LedgerRejection {
  request: string;
  writer: string;
  token: number;
  fence: number;
  grantedAtMs: number;
  leaseMs: number;
  rejectedAtMs: number;
}
/** The ok of an append: the entry landed. A refused one fails with `{ rejection }`. */
export interface LedgerAppendOk {
  entry: LedgerEntry;
}
export interface LedgerAppendRejected {
  rejection: LedgerRejection;
}
/** Every entry and refusal of a resource, in the storage's order, read after heal. */
export interface LedgerFinalReadOk {
  resource: string;
  lock: string;
  entries: LedgerEntry[];
  rejections: LedgerRejection[];
}

// Register (the consensus lab): one etcd key per register, written with unique values and read
// linearizably (a quorum read); `null` reads a key never written.
export interface RegisterWriteRequest {
  key: string;
  value: number;
}
export interface RegisterReadRequest {
  key: string;
}
export interface RegisterReadOk {
  value: number | null;
}
/** `raft-status` of one member: the leader it follows (null: none) in its term. */
export interface RaftStatusRequest {
  member: string;
}
export interface RaftStatusOk {
  member: string;
  leader: string | null;
  term: number;
  index: number;
}

export type Json = Record<string, unknown>;

export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/**
 * A value read as the payload type `T` names its fields: the names are checked against `T`, the
 * values stay unknown until read defensively (`finiteNumber`, `text`, …).
 */
export type Unchecked<T> = { readonly [K in keyof T]?: unknown };

/** The fields of a value that should be a `T`; undefined when it is not an object at all. */
export function fields<T>(value: unknown): Unchecked<T> | undefined {
  return record(value) as Unchecked<T> | undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function timestamp(value: unknown): WriteTimestamp | undefined {
  const o = record(value);
  const wallMs = finiteNumber(o?.wallMs);
  const logical = finiteNumber(o?.logical);
  return wallMs === undefined || logical === undefined ? undefined : { wallMs, logical };
}

/** The order of write timestamps (as compareHlc): by wallMs, then logical. */
export function compareTimestamps(a: WriteTimestamp, b: WriteTimestamp): number {
  return a.wallMs - b.wallMs || a.logical - b.logical;
}

/** Seconds, rounded to the microsecond, from nanoseconds. */
export function seconds(nanos: number): number {
  return Math.round(nanos / 1e3) / 1e6;
}

/**
 * Counts an attempt of an idempotent operation by its outcome and files it under the
 * request's `key`; false when the request names no key.
 */
export function groupByKey(
  pair: Pair,
  attempts: Record<'ok' | 'fail' | 'info', number>,
  byKey: Map<string, Pair[]>,
): boolean {
  attempts[outcome(pair)]++;
  const key = text(fields<PayRequest | OrderRequest>(pair.invoke.value)?.key);
  if (key === undefined) return false;
  append(byKey, key, pair);
  return true;
}

/** Adds `item` to the list filed under `key`. */
export function append<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** The sku a catalog operation is about: the completion's, else the request's. */
export function skuOf(pair: Pair): string | undefined {
  return (
    text(fields<CatalogWriteOk | CatalogReadOk>(pair.completion?.value)?.sku) ??
    text(fields<CatalogWriteRequest | CatalogReadRequest>(pair.invoke.value)?.sku)
  );
}
