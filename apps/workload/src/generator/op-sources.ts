import { OPERATIONS, type ReadConsistency } from '@faultline/history';
import type {
  CatalogReadOp,
  CatalogWriteOp,
  OrderOp,
  PayOp,
  ReadBalancesOp,
  TransferOp,
} from './generated-ops';
import type { Random } from './random';

/** How many of each thing a run sets up: the generated operations refer to them by index. */
export interface WorkbenchShape {
  bankAccounts: number;
  skus: number;
  orderSkus: number;
}

/** A process's operations, one after another. */
export type OpGenerator<O> = () => O;

/** Makes a process's generator from its own random stream (and its name, for written values). */
export type OpSource<O> = (
  random: Random,
  shape: WorkbenchShape,
  process: string,
) => OpGenerator<O>;

/** Transfers of 1–50 between two distinct bank accounts. */
export const transfers: OpSource<TransferOp> = (random, shape) => () => {
  const [from, to] = random.distinct(shape.bankAccounts, 2) as [number, number];
  return {
    f: OPERATIONS.transfer,
    value: { from, to, amount: random.int(1, 50), key: random.uuid() },
  };
};

/** Reads of every bank balance in one snapshot. */
export const balanceReads: OpSource<ReadBalancesOp> = () => () => ({
  f: OPERATIONS.readBalances,
  value: null,
});

/** Payments of 1–20, each under a key of its own. */
export const payments: OpSource<PayOp> = (random) => () => ({
  f: OPERATIONS.pay,
  value: { key: random.uuid(), amount: random.int(1, 20) },
});

/** Writes of a random product, named `<process>-<n>` so every written value is unique. */
export const catalogWrites: OpSource<CatalogWriteOp> = (random, shape, process) => {
  let written = 0;
  return () => ({
    f: OPERATIONS.write,
    value: { sku: random.int(0, shape.skus - 1), name: `${process}-${++written}` },
  });
};

/** Reads of a random product at one consistency. */
export const catalogReads =
  (consistency: ReadConsistency): OpSource<CatalogReadOp> =>
  (random, shape) =>
  () => ({ f: OPERATIONS.read, value: { sku: random.int(0, shape.skus - 1), consistency } });

/** Orders of 1–2 of the orders' products, 1–2 of each, each under a key of its own. */
export const orders: OpSource<OrderOp> = (random, shape) => () => {
  const skus = random.distinct(shape.orderSkus, random.int(1, Math.min(2, shape.orderSkus)));
  return {
    f: OPERATIONS.order,
    value: { key: random.uuid(), items: skus.map((sku) => ({ sku, qty: random.int(1, 2) })) },
  };
};
