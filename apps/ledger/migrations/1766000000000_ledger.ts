import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * The ledger's entries, the highest token each resource has accepted (the fence), and the
 * writes the fence refused. The storage stamps entries and refusals with its own clock.
 */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE entries (
      seq bigserial PRIMARY KEY,
      resource text NOT NULL,
      request text NOT NULL,
      writer text NOT NULL,
      lock text NOT NULL,
      token bigint,
      granted_at timestamptz NOT NULL,
      lease_ms integer NOT NULL,
      written_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX entries_resource ON entries (resource, seq);
    CREATE TABLE fences (
      resource text PRIMARY KEY,
      token bigint NOT NULL
    );
    CREATE TABLE rejections (
      id bigserial PRIMARY KEY,
      resource text NOT NULL,
      request text NOT NULL,
      writer text NOT NULL,
      token bigint NOT NULL,
      fence bigint NOT NULL,
      granted_at timestamptz NOT NULL,
      lease_ms integer NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX rejections_resource ON rejections (resource, id);
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE rejections; DROP TABLE fences; DROP TABLE entries;');
}
