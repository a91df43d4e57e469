import { Injectable, type OnModuleInit } from '@nestjs/common';
import { types } from 'cassandra-driver';
import { RingSession } from './ring-session';

export const KEYSPACE = 'carts';
export const CARTS_TABLE = `${KEYSPACE}.carts`;
/** Every member holds every cart: ONE, QUORUM and ALL mean 1, 2 and 3 replicas. */
export const REPLICATION_FACTOR = 3;
/**
 * The table's id, fixed: two instances that create it at once (as their pods start together in
 * Kubernetes) then create the same table, where random ids would leave the members disagreeing
 * on which one holds the data.
 */
const TABLE_ID = '6661756c-746c-696e-6500-636172747321';

/**
 * The keyspace and table, created at start when missing (the driver waits until every member
 * agrees on the schema). A cart's items are a set: each element is a cell of its own with its
 * own timestamp, so two concurrent adds both survive, while replacing the whole set is one
 * last-write-wins write. No speculative retry: a ONE read stays on the replica it was sent to.
 */
@Injectable()
export class CartsSchema implements OnModuleInit {
  constructor(private readonly ring: RingSession) {}

  async onModuleInit(): Promise<void> {
    await this.ring.connect();
    const ddl = { consistency: types.consistencies.all, prepare: false };
    await this.ring.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = ` +
        `{'class': 'SimpleStrategy', 'replication_factor': ${REPLICATION_FACTOR}}`,
      [],
      ddl,
    );
    await this.ring.execute(
      `CREATE TABLE IF NOT EXISTS ${CARTS_TABLE} (cart text PRIMARY KEY, items set<text>) ` +
        `WITH speculative_retry = 'NONE' AND ID = '${TABLE_ID}'`,
      [],
      ddl,
    );
  }
}
