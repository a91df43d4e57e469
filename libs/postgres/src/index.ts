/** How a service keeps its data in the PostgreSQL cluster: connection, migrations, pool, readiness. */
export * from './connection';
export * from './migrations';
export * from './postgres.module';
