import type { ConsistencyLevel } from '@faultline/contracts';
import type { CheckerName } from '@faultline/history';
import type { CartsInstance } from '../clients/carts-client';

/** One process of a carts scenario: what it does, through which instance, at which level. */
export interface CartsProcess {
  name: string;
  instance: CartsInstance;
  op: 'add' | 'replace' | 'read';
  consistency: ConsistencyLevel;
  /** The group of carts it works on (a random one of the group each time). */
  group: string;
}

/** A quorum-lab scenario's load: its carts, its processes and the checkers that judge it. */
export interface CartsWorkload {
  /** How many carts each group has. */
  groups: Readonly<Record<string, number>>;
  processes: readonly CartsProcess[];
  checkers: readonly CheckerName[];
}

/** The run's carts of a group: named after the run, so runs never share a cart. */
export const cartsOf = (runTag: string, group: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${runTag}-${group}-${i}`);
