import type { MigrationBuilder } from 'node-pg-migrate';

/** Refunds: a payment's amount credited back to its account, at most once per payment. */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      payment_id uuid NOT NULL UNIQUE REFERENCES payments (id),
      amount bigint NOT NULL CHECK (amount > 0),
      idempotency_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE refunds');
}
