import { runner } from 'node-pg-migrate';
import type { Pool } from 'pg';

/** Applies a service's pending schema migrations (node-pg-migrate, under an advisory lock). */
export async function runMigrations(pool: Pool, schema: string, dir: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir,
      direction: 'up',
      migrationsTable: 'schema_migrations',
      migrationsSchema: schema,
      createMigrationsSchema: true,
      schema,
      createSchema: true,
      ignorePattern: '.*\\.map$',
      // Services sharing the cluster migrate at the same start: wait for the lock, not fail.
      advisoryLockMode: 'wait',
      log: () => undefined,
    });
    return applied.map((m) => m.name);
  } finally {
    client.release();
  }
}
