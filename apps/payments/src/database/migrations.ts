import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Pool } from 'pg';

export const SCHEMA = 'payments';

/** Applies pending schema migrations (node-pg-migrate, under an advisory lock). */
export async function runMigrations(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: join(__dirname, '..', '..', 'migrations'),
      direction: 'up',
      migrationsTable: 'schema_migrations',
      migrationsSchema: SCHEMA,
      createMigrationsSchema: true,
      schema: SCHEMA,
      createSchema: true,
      ignorePattern: '.*\\.map$',
      log: () => undefined,
    });
    return applied.map((m) => m.name);
  } finally {
    client.release();
  }
}
