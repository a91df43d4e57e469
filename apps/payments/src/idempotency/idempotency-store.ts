import { createHash } from 'node:crypto';
import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { WorkResult } from '../commit/sync-commit';
import { PaymentsEnvironment } from '../config/payments-environment';
import { IDEMPOTENCY_HEADER } from './idempotency-key.decorator';

/** A response as it is stored under its key and replayed. */
export interface RecordedResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export type IdempotencyScope = 'transfer' | 'payment' | 'refund';

/** What an effect answers: its response, and whether it was applied or refused by a rule. */
export interface EffectResponse {
  status: number;
  body: unknown;
  outcome: WorkResult<unknown>['outcome'];
}

export const created = (body: unknown): EffectResponse => ({ status: 201, body, outcome: 'ok' });
export const rejected = (body: { statusCode: number }): EffectResponse => ({
  status: body.statusCode,
  body,
  outcome: 'rejected',
});

/** The same body, whatever the order of its fields. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const requestHash = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * Idempotency records, always read and written inside the transaction of the effect
 * they record. A key is claimed by inserting its row: a concurrent request with the
 * same key blocks on that row until the first commits, then finds it and replays.
 * Expiry is computed from the database's clock (now()), not the app's.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly env: PaymentsEnvironment) {}

  /**
   * Claims `key` for this request, or returns the response stored under it. A key
   * seen with another body is 422. A replay also writes (last_replayed_at), so its
   * commit waits for a synchronous standby like the original: a response is only
   * replayed once what it reports is known to be replicated.
   */
  private async claim(
    tx: PoolClient,
    scope: IdempotencyScope,
    key: string,
    body: unknown,
  ): Promise<RecordedResponse | undefined> {
    const hash = requestHash(body);
    const claimed = await tx.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at, last_replayed_at = NULL
         WHERE idempotency_keys.expires_at <= now()
       RETURNING key`,
      [scope, key, hash, this.env.PAYMENTS_IDEMPOTENCY_TTL_SECONDS],
    );
    if (claimed.rowCount === 1) return undefined;
    const { rows } = await tx.query<{
      request_hash: string;
      response_status: number;
      response_body: unknown;
    }>(
      `UPDATE idempotency_keys SET last_replayed_at = now()
       WHERE scope = $1 AND key = $2
       RETURNING request_hash, response_status, response_body`,
      [scope, key],
    );
    const stored = rows[0]!;
    if (stored.request_hash !== hash) {
      throw new UnprocessableEntityException(
        `${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} was already used with a different request body`,
      );
    }
    return { status: stored.response_status, body: stored.response_body, replayed: true };
  }

  /**
   * Runs `effect` at most once per key, inside `tx`: a replay returns the stored
   * response; otherwise the effect's response is recorded in the same transaction.
   */
  async once(
    tx: PoolClient,
    scope: IdempotencyScope,
    key: string,
    body: unknown,
    effect: () => Promise<EffectResponse>,
  ): Promise<WorkResult<RecordedResponse>> {
    const replay = await this.claim(tx, scope, key, body);
    if (replay) return { value: replay, outcome: 'ok' };
    const response = await effect();
    await tx.query(
      'UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2',
      [scope, key, response.status, JSON.stringify(response.body)],
    );
    return {
      value: { status: response.status, body: response.body, replayed: false },
      outcome: response.outcome,
    };
  }
}
