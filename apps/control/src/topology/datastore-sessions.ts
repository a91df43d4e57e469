import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  cassandraMemberClient,
  type Endpoint,
  type NodeAccess,
  pgAdminClient,
  redisAdminClient,
} from '@faultline/topology';
// A type only: the driver itself is loaded by cassandraMemberClient, when the lab runs.
import type { Client as CqlClient } from 'cassandra-driver';
import type { Client } from 'pg';
import type Redis from 'ioredis';

const keyOf = (node: Endpoint): string => `${node.host}:${node.port}`;

/**
 * What a kept connection must do: connect once, and say when it has ended by itself (a CQL
 * client never does: it reconnects by itself, and is dropped when a question fails instead).
 */
interface Connection {
  connect(): Promise<unknown>;
  once(event: 'end', listener: () => void): unknown;
}

/** A connection per node, opened at the first question and dropped when one of them fails. */
export class KeptConnections<C extends Connection> {
  private readonly open = new Map<string, Promise<C>>();
  private closed = false;

  constructor(
    private readonly create: (node: Endpoint) => C | Promise<C>,
    private readonly close: (connection: C) => void,
  ) {}

  async use<T>(node: Endpoint, ask: (connection: C) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('control is shutting down');
    const key = keyOf(node);
    let session = this.open.get(key);
    if (!session) {
      session = this.connect(key, node);
      this.open.set(key, session);
    }
    try {
      return await ask(await session);
    } catch (err) {
      this.drop(key, session);
      throw err;
    }
  }

  /** Closes every connection and opens no more. */
  closeAll(): void {
    this.closed = true;
    for (const [key, session] of this.open) this.drop(key, session);
  }

  private async connect(key: string, node: Endpoint): Promise<C> {
    const connection = await this.create(node);
    // Ended by itself (the node died): the next question opens a new one.
    connection.once('end', () => {
      const session = this.open.get(key);
      session?.then(
        (c) => c === connection && this.drop(key, session),
        () => undefined,
      );
    });
    await connection.connect();
    return connection;
  }

  /** Forgets the session (unless a newer one took its place) and closes its connection. */
  private drop(key: string, session: Promise<C>): void {
    if (this.open.get(key) === session) this.open.delete(key);
    session.then(this.close, () => undefined);
  }
}

/**
 * Control's own connections to the PostgreSQL, Redis, Sentinel and Cassandra nodes, kept between
 * questions. The observer and the Redis failover ask some thirty a second; with a connection
 * for each, opening and closing them cost control and the servers more CPU than the questions.
 * A connection that fails, times out (2 s) or ends is dropped, so the next question opens a new
 * one: a killed or frozen node reads as not answering, and a restarted one is reached again.
 */
@Injectable()
export class DatastoreSessions implements NodeAccess, OnApplicationShutdown {
  private readonly postgres = new KeptConnections<Client>(
    (node) => pgAdminClient(node),
    (client) => void client.end().catch(() => undefined),
  );
  private readonly redis = new KeptConnections<Redis>(
    (node) => redisAdminClient(node),
    (redis) => redis.disconnect(),
  );
  /** Opened only when asked, so only while the quorum lab runs. */
  private readonly cassandra = new KeptConnections<CqlClient>(
    (member) => cassandraMemberClient(member),
    (client) => void client.shutdown().catch(() => undefined),
  );

  pgQuery<T>(node: Endpoint, sql: string): Promise<T[]> {
    return this.postgres.use(node, async (client) => (await client.query(sql)).rows as T[]);
  }

  redisCommand(node: Endpoint, ...args: string[]): Promise<unknown> {
    const [command, ...rest] = args;
    return this.redis.use(node, (redis) => redis.call(command!, ...rest));
  }

  /** A CQL query on this member alone (its own coordinator): system tables answer for it. */
  cqlQuery<T>(member: Endpoint, cql: string): Promise<T[]> {
    return this.cassandra.use(member, async (client) => (await client.execute(cql)).rows as T[]);
  }

  onApplicationShutdown(): void {
    this.postgres.closeAll();
    this.redis.closeAll();
    this.cassandra.closeAll();
  }
}
