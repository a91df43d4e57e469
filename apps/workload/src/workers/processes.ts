import type { CatalogInstance } from '../clients/catalog-client';
import type { CatalogOp, OrdersOp, PaymentsOp } from '../generator/generated-ops';
import {
  balanceReads,
  catalogReads,
  catalogWrites,
  type OpGenerator,
  type OpSource,
  orders,
  payments,
  transfers,
  type WorkbenchShape,
} from '../generator/op-sources';
import { Random } from '../generator/random';

/** A client process of a run: its name (`Op.process`), its operations, and the client they go to. */
export type ProcessSpec =
  | { name: string; client: 'payments'; ops: OpSource<PaymentsOp> }
  | { name: string; client: CatalogInstance; ops: OpSource<CatalogOp> }
  | { name: string; client: 'orders'; ops: OpSource<OrdersOp> };

/** Every process of a run: each does one thing, at the run's rate. */
export const PROCESSES: readonly ProcessSpec[] = [
  { name: 'bank-1', client: 'payments', ops: transfers },
  { name: 'bank-2', client: 'payments', ops: transfers },
  { name: 'bank-reader', client: 'payments', ops: balanceReads },
  { name: 'payer', client: 'payments', ops: payments },
  { name: 'catalog-a-writer', client: 'catalog-a', ops: catalogWrites },
  { name: 'catalog-b-writer', client: 'catalog-b', ops: catalogWrites },
  { name: 'catalog-a-reader', client: 'catalog-a', ops: catalogReads('eventual') },
  { name: 'catalog-b-reader', client: 'catalog-b', ops: catalogReads('eventual') },
  { name: 'catalog-strong-reader', client: 'catalog-a', ops: catalogReads('strong') },
  { name: 'orderer', client: 'orders', ops: orders },
];

/** A process's generator: its operations depend on the run's seed and the process's name only. */
export const generatorOf = <O>(
  process: { name: string; ops: OpSource<O> },
  seed: number,
  shape: WorkbenchShape,
): OpGenerator<O> => process.ops(new Random(seed, process.name), shape, process.name);
