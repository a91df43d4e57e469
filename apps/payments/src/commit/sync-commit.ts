import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, type Pool, type PoolClient, type PoolConfig } from 'pg';
import { PaymentsEnvironment } from '../config/payments-environment';
import { PG_CONNECTION, PG_POOL } from '@faultline/postgres';
import { CommitMetrics, type CommitOutcome } from './commit-metrics';
import { IndeterminateCommit, SyncCommitTimeout } from './sync-commit-timeout';

/** What a unit of work decided, so the commit is counted as an effect or a recorded rejection. */
export interface WorkResult<T> {
  value: T;
  outcome: Extract<CommitOutcome, 'ok' | 'rejected'>;
}

const CANCEL_TIMEOUT_MS = 1_000;

type Settled<T> = { done: true; value: T } | { done: true; error: unknown } | { done: false };

function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ done: false }), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve({ done: true, value })),
      (error: unknown) => (clearTimeout(timer), resolve({ done: true, error })),
    );
  });
}

/** pg sets the backend's pid from BackendKeyData; its types do not declare it. */
const backendPid = (client: PoolClient): number =>
  (client as unknown as { processID: number }).processID;

/**
 * The payments commit path. Every transaction commits with synchronous_commit =
 * remote_apply, so COMMIT returns only once a synchronous standby has applied it.
 * That wait is bounded here: PostgreSQL's statement_timeout does not interrupt it and
 * a client that merely disconnects leaves the backend waiting (holding its locks and
 * a connection slot). Past PAYMENTS_COMMIT_TIMEOUT_MS the waiting backend is cancelled
 * from a separate connection (pg_cancel_backend), its connection is discarded, and
 * SyncCommitTimeout is thrown: committed locally, not known to be replicated.
 */
@Injectable()
export class SyncCommit {
  private readonly logger = new Logger(SyncCommit.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PG_CONNECTION) private readonly connection: PoolConfig,
    private readonly env: PaymentsEnvironment,
    private readonly metrics: CommitMetrics,
  ) {}

  async transaction<T>(work: (tx: PoolClient) => Promise<WorkResult<T>>): Promise<T> {
    const client = await this.pool.connect();
    let discard = false;
    try {
      await client.query('BEGIN');
      let result: WorkResult<T>;
      try {
        result = await work(client);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (discard = true));
        throw err;
      }
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
      const commitQuery = client.query('COMMIT');
      const commit = await settleWithin(commitQuery, this.env.PAYMENTS_COMMIT_TIMEOUT_MS);
      if (!commit.done) {
        discard = true;
        await this.cancelWait(backendPid(client), commitQuery);
        this.metrics.record('timeout', elapsed());
        throw new SyncCommitTimeout(this.env.PAYMENTS_COMMIT_TIMEOUT_MS);
      }
      if ('error' in commit) {
        discard = true;
        this.metrics.record('error', elapsed());
        throw new IndeterminateCommit(
          'commit_interrupted',
          `COMMIT failed: ${(commit.error as Error).message}`,
        );
      }
      this.metrics.record(result.outcome, elapsed());
      return result.value;
    } finally {
      // A connection that timed out or failed mid-commit is never reused.
      client.release(discard);
    }
  }

  /**
   * Interrupts the backend's wait for a standby, from a separate connection. PostgreSQL
   * then answers the waiting COMMIT with a WARNING ("the transaction has already
   * committed locally"), and only then is the backend idle, its locks released. The
   * whole procedure is bounded: the request must still answer promptly when the
   * primary itself is out of reach.
   */
  private async cancelWait(pid: number, commitQuery: Promise<unknown>): Promise<void> {
    const canceller = new Client({
      ...this.connection,
      connectionTimeoutMillis: CANCEL_TIMEOUT_MS,
    });
    canceller.on('error', () => undefined);
    const cancelled = await settleWithin(
      (async () => {
        await canceller.connect();
        await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
        await commitQuery.catch(() => undefined);
      })(),
      CANCEL_TIMEOUT_MS,
    );
    void canceller.end().catch(() => undefined);
    if (!cancelled.done || 'error' in cancelled) {
      const reason =
        cancelled.done && 'error' in cancelled ? (cancelled.error as Error).message : 'timed out';
      this.logger.error(`could not cancel the commit wait of backend ${pid}: ${reason}`);
    }
  }
}
