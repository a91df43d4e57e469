import type { OPERATIONS, ReadConsistency } from '@faultline/history';

/**
 * The operations the generators make, as Jepsen's `{f, value}`: what to do, not how. What the
 * run set up on the servers (accounts, products) is named by index, and a key is the generator's
 * own: the client resolves both into the request it performs and records.
 */
export interface TransferOp {
  f: typeof OPERATIONS.transfer;
  /** Indexes into the run's bank accounts, never equal. */
  value: { from: number; to: number; amount: number; key: string };
}
export interface ReadBalancesOp {
  f: typeof OPERATIONS.readBalances;
  value: null;
}
export interface PayOp {
  f: typeof OPERATIONS.pay;
  value: { key: string; amount: number };
}
export interface CatalogWriteOp {
  f: typeof OPERATIONS.write;
  /** `sku`: an index into the run's catalog products. */
  value: { sku: number; name: string };
}
export interface CatalogReadOp {
  f: typeof OPERATIONS.read;
  value: { sku: number; consistency: ReadConsistency };
}
export interface OrderOp {
  f: typeof OPERATIONS.order;
  /** `sku`: an index into the orders' own products, each at most once. */
  value: { key: string; items: { sku: number; qty: number }[] };
}

export type PaymentsOp = TransferOp | ReadBalancesOp | PayOp;
export type CatalogOp = CatalogWriteOp | CatalogReadOp;
export type OrdersOp = OrderOp;
export type GeneratedOp = PaymentsOp | CatalogOp | OrdersOp;
