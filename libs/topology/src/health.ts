import type { Client as CqlClient } from 'cassandra-driver';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel } from '@faultline/kafka';
import { Client } from 'pg';
import { pgApplicationName } from './model';

/**
 * Probes that say whether a node answers as its role requires. Each is bounded by ~2 s.
 * They take the node's address (a TopologyNode is one): 127.0.0.1 locally, the node's
 * cluster DNS name in Kubernetes.
 */

export interface Endpoint {
  host: string;
  port: number;
}

/**
 * A client for the superuser: `postgres` locally (trust authentication); in Kubernetes the
 * chart's PGUSER, and `pg` reads PGPASSWORD from the environment by itself. Its connection and
 * each query are bounded by 2 s.
 */
export function pgAdminClient({ host, port }: Endpoint, database = 'postgres'): Client {
  const client = new Client({
    host,
    port,
    user: process.env.PGUSER || 'postgres',
    database,
    connectionTimeoutMillis: 2_000,
    query_timeout: 2_000,
  });
  client.on('error', () => undefined);
  return client;
}

/** One query as the superuser, on a connection of its own. */
export async function pgQuery<T>(node: Endpoint, sql: string, database = 'postgres'): Promise<T[]> {
  const client = pgAdminClient(node, database);
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes the primary at `primary` keep WAL for the standby `nodeName` from now on (a physical
 * slot, created once; slots are not replicated, so each new primary needs its own).
 */
export async function keepReplicationSlot(primary: Endpoint, nodeName: string): Promise<void> {
  const slot = pgApplicationName(nodeName);
  await pgQuery(
    primary,
    `SELECT pg_create_physical_replication_slot('${slot}', true)
       WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '${slot}')`,
  );
}

/** What a PostgreSQL node says it is: a standby is in recovery, a primary is not. */
export async function postgresRole(
  node: Endpoint,
  access: NodeAccess = oneShot,
): Promise<'primary' | 'replica'> {
  const [row] = await access.pgQuery<{ recovering: boolean }>(
    node,
    'SELECT pg_is_in_recovery() AS recovering',
  );
  return row?.recovering === false ? 'primary' : 'replica';
}

/** A primary accepts queries; a standby is in recovery with its WAL receiver streaming. */
export async function postgresHealthy(
  node: Endpoint,
  role: 'primary' | 'replica',
): Promise<boolean> {
  if (role === 'primary') return (await postgresRole(node)) === 'primary';
  const rows = await pgQuery<{ status: string }>(node, 'SELECT status FROM pg_stat_wal_receiver');
  return rows[0]?.status === 'streaming';
}

/**
 * A Redis (or Sentinel) client that connects when told to and never reconnects or queues by
 * itself: its connection and each command are bounded by 2 s.
 */
export function redisAdminClient({ host, port }: Endpoint): Redis {
  const redis = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** One command, on a connection of its own. */
export async function redisCommand(node: Endpoint, ...args: string[]): Promise<unknown> {
  const redis = redisAdminClient(node);
  try {
    await redis.connect();
    const [command, ...rest] = args;
    return await redis.call(command!, ...rest);
  } finally {
    redis.disconnect();
  }
}

/**
 * How a probe reaches a node: a connection per question (`oneShot`, for the supervisor and
 * tests), or connections kept between questions (control's DatastoreSessions).
 */
export interface NodeAccess {
  pgQuery<T>(node: Endpoint, sql: string): Promise<T[]>;
  redisCommand(node: Endpoint, ...args: string[]): Promise<unknown>;
}

export const oneShot: NodeAccess = { pgQuery, redisCommand };

/** Parses `INFO` output into a field map. */
export function parseRedisInfo(info: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** What a Redis node says it is, by INFO replication's role (master or slave). */
export async function redisRole(
  node: Endpoint,
  access: NodeAccess = oneShot,
): Promise<'primary' | 'replica'> {
  const info = parseRedisInfo(String(await access.redisCommand(node, 'INFO', 'replication')));
  return info.role === 'master' ? 'primary' : 'replica';
}

/** A Redis primary answers PING; a replica also has its link to the primary up. */
export async function redisHealthy(node: Endpoint, role: 'primary' | 'replica'): Promise<boolean> {
  if (role === 'primary') return (await redisCommand(node, 'PING')) === 'PONG';
  const info = parseRedisInfo(String(await redisCommand(node, 'INFO', 'replication')));
  return info.role === 'slave' && info.master_link_status === 'up';
}

/** A Sentinel is healthy once it knows the primary of the monitored master. */
export async function sentinelHealthy(node: Endpoint, masterName: string): Promise<boolean> {
  const addr = await redisCommand(node, 'SENTINEL', 'get-master-addr-by-name', masterName);
  return Array.isArray(addr) && addr.length === 2;
}

export async function kafkaHealthy({ host, port }: Endpoint): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'faultline-health',
    brokers: [`${host}:${port}`],
    connectionTimeout: 2_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.controller !== null && cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The ring's one data centre (each member's cassandra-rackdc.properties). */
export const CASSANDRA_DATACENTER = 'datacenter1';

/**
 * A CQL client of one Cassandra member only: no other member is contacted or balanced to, and
 * nothing is retried.
 */
export async function cassandraMemberClient(
  { host, port }: Endpoint,
  timeoutMs = 2_000,
): Promise<CqlClient> {
  // Loaded on first use: every service and CLI command imports this module, and the driver
  // alone takes 75-130 ms to load, for a lab that is off unless asked for.
  const { Client, policies } = await import('cassandra-driver');
  const address = `${host}:${port}`;
  return new Client({
    contactPoints: [address],
    localDataCenter: CASSANDRA_DATACENTER,
    policies: {
      loadBalancing: new policies.loadBalancing.AllowListPolicy(
        new policies.loadBalancing.RoundRobinPolicy(),
        [address],
      ),
      reconnection: new policies.reconnection.ConstantReconnectionPolicy(1_000),
      // Cassandra's own answer (Unavailable, a timeout), not a retry on a member it may not use.
      retry: new policies.retry.FallthroughRetryPolicy(),
    },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
  });
}

/** A Cassandra member answers CQL: it has joined the ring and serves clients. */
export async function cassandraHealthy(node: Endpoint): Promise<boolean> {
  const client = await cassandraMemberClient(node);
  try {
    await client.connect();
    await client.execute('SELECT release_version FROM system.local');
    return true;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}

/** Whether something accepts TCP connections at host:port now. */
export const acceptsConnections = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
