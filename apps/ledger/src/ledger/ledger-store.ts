import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@faultline/postgres';
import type { LedgerEntry, LedgerRejection } from '@faultline/history';
import type { LockGrant } from '../locks/lock-grant';

/** The storage refused the write: a higher token than its own had been accepted (409). */
export class FencedWrite extends Error {
  constructor(readonly rejection: LedgerRejection) {
    super(
      `fenced: token ${rejection.token} is lower than ${rejection.fence}, which the storage has accepted; the lock had passed to another writer`,
    );
  }
}

const ENTRY_COLUMNS = `seq, request, writer, lock, token,
  (extract(epoch FROM granted_at) * 1000)::float8 AS "grantedAtMs", lease_ms AS "leaseMs",
  (extract(epoch FROM written_at) * 1000)::float8 AS "writtenAtMs"`;
const REJECTION_COLUMNS = `request, writer, token, fence,
  (extract(epoch FROM granted_at) * 1000)::float8 AS "grantedAtMs", lease_ms AS "leaseMs",
  (extract(epoch FROM rejected_at) * 1000)::float8 AS "rejectedAtMs"`;

export interface AppendWrite {
  resource: string;
  request: string;
  writer: string;
}

/**
 * The ledger in PostgreSQL. An entry is stamped by the storage (its position and its clock).
 * A fenced write locks the resource's fence row, and lands only if its token is at least the
 * highest accepted so far; otherwise the refusal is kept instead, in the same transaction.
 */
@Injectable()
export class LedgerStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * A connection for one grant's critical section, taken as the lock is: the write then leaves
   * on a connection already open. One opened at write time could find the pause drill holding
   * the link (Kubernetes) and time out, so the late write the lesson is about would never be
   * sent; and /ready's query, on the same pool, could have taken the idle one meanwhile.
   */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async append(connection: PoolClient, write: AppendWrite, grant: LockGrant): Promise<LedgerEntry> {
    if (grant.mode !== 'etcd-fenced') return this.insert(connection, write, grant);
    try {
      await connection.query('BEGIN');
      await connection.query(
        'INSERT INTO fences (resource, token) VALUES ($1, 0) ON CONFLICT (resource) DO NOTHING',
        [write.resource],
      );
      const [{ token: fence }] = (
        await connection.query<{ token: number }>(
          'SELECT token FROM fences WHERE resource = $1 FOR UPDATE',
          [write.resource],
        )
      ).rows as [{ token: number }];
      const token = grant.token!;
      if (token < fence) {
        const rejection = (
          await connection.query<LedgerRejection>(
            `INSERT INTO rejections (resource, request, writer, token, fence, granted_at, lease_ms)
             VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7) RETURNING ${REJECTION_COLUMNS}`,
            [
              write.resource,
              write.request,
              write.writer,
              token,
              fence,
              grant.grantedAtMs,
              grant.leaseMs,
            ],
          )
        ).rows[0]!;
        await connection.query('COMMIT');
        throw new FencedWrite(rejection);
      }
      await connection.query('UPDATE fences SET token = $2 WHERE resource = $1', [
        write.resource,
        token,
      ]);
      const entry = await this.insert(connection, write, grant);
      await connection.query('COMMIT');
      return entry;
    } catch (err) {
      if (!(err instanceof FencedWrite)) await connection.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async insert(
    db: Pick<Pool, 'query'>,
    write: AppendWrite,
    grant: LockGrant,
  ): Promise<LedgerEntry> {
    const { rows } = await db.query<LedgerEntry>(
      `INSERT INTO entries (resource, request, writer, lock, token, granted_at, lease_ms)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7) RETURNING ${ENTRY_COLUMNS}`,
      [
        write.resource,
        write.request,
        write.writer,
        grant.mode,
        grant.token,
        grant.grantedAtMs,
        grant.leaseMs,
      ],
    );
    return rows[0]!;
  }

  /** Every entry and refusal of a resource, in the storage's order. */
  async read(resource: string): Promise<{ entries: LedgerEntry[]; rejections: LedgerRejection[] }> {
    const entries = await this.pool.query<LedgerEntry>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE resource = $1 ORDER BY seq`,
      [resource],
    );
    const rejections = await this.pool.query<LedgerRejection>(
      `SELECT ${REJECTION_COLUMNS} FROM rejections WHERE resource = $1 ORDER BY id`,
      [resource],
    );
    return { entries: entries.rows, rejections: rejections.rows };
  }
}
