import type { MigrationBuilder } from 'node-pg-migrate';

/** Orders, their saga steps, the outbox the relay publishes, and the events already processed. */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      idempotency_key text NOT NULL UNIQUE,
      request_hash text NOT NULL,
      account_id uuid NOT NULL,
      items jsonb NOT NULL,
      amount bigint NOT NULL,
      state text NOT NULL,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE order_steps (
      order_id uuid NOT NULL REFERENCES orders (id),
      step text NOT NULL,
      outcome text NOT NULL,
      detail jsonb,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX order_steps_order ON order_steps (order_id, at);
    -- Written in the same transaction as the state change it announces.
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      trace_context jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
    -- A consumer applies each event once, whatever Kafka redelivers.
    CREATE TABLE processed_events (
      event_id uuid PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE processed_events, outbox, order_steps, orders');
}
