import type { MigrationBuilder } from 'node-pg-migrate';

/** Accounts, the two kinds of money movement, and idempotency records. */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner text NOT NULL,
      balance bigint NOT NULL CHECK (balance >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE transfers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      from_account uuid NOT NULL REFERENCES accounts (id),
      to_account uuid NOT NULL REFERENCES accounts (id),
      amount bigint NOT NULL CHECK (amount > 0),
      idempotency_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id),
      amount bigint NOT NULL CHECK (amount > 0),
      reference text NOT NULL,
      idempotency_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payments_account_id ON payments (account_id);
    -- One row per (scope, key). It is written in the same transaction as the effect it
    -- records, so a visible row always carries its response.
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      response_status integer,
      response_body jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_replayed_at timestamptz,
      PRIMARY KEY (scope, key)
    );
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE idempotency_keys, payments, transfers, accounts');
}
