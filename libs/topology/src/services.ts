import { dirname, join } from 'node:path';
import {
  CARTS_NODES,
  CONSENSUS_MEMBERS,
  DATABASE,
  HOST,
  type LabName,
  LEDGER_NODES,
  memberAddress,
  RING_MEMBERS,
} from './model';

/** What a service's environment is built from: the ports of the topology it runs in. */
export interface ServiceEnvContext {
  linkPort(client: string, server: string): number;
  adminToken: string;
  /** How the catalog orders concurrent writes: wall-clock or hybrid logical timestamps. */
  catalogOrdering: CatalogOrdering;
  /** The topology's state file, which the control service reads to find every node. */
  stateFile: string;
  /** A node's URL (ports are picked before anything starts). */
  serviceUrl(node: string): string;
  /** The labs the topology runs. */
  labs: readonly LabName[];
  /** Operations per second of each background workload client; 0 for none. */
  workloadRate: number;
  /** Replicas a Redis primary needs to take a write (0: none, Redis's default). */
  redisMinReplicasToWrite: number;
}

export type CatalogOrdering = 'wall' | 'hlc';

/** A node that runs one of the project's apps. */
export interface ServiceSpec {
  node: string;
  app: string;
  /**
   * The app's environment, the same variables the Helm chart gives it (README,
   * "Services"); PORT and BIND_ADDRESS are added by the launcher.
   */
  env(ctx: ServiceEnvContext): Record<string, string>;
}

/** What every service gets: its identity (traces, metrics, clock) and the admin token. */
const common = (service: string, node: string, ctx: ServiceEnvContext): Record<string, string> => ({
  OTEL_SERVICE_NAME: service,
  OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${node}`,
  FAULTLINE_NODE: node,
  FAULTLINE_ADMIN_TOKEN: ctx.adminToken,
});

/** libpq's own variables, which `pg` reads: the primary, through the node's link. */
const postgres = (node: string, ctx: ServiceEnvContext): Record<string, string> => ({
  PGHOST: HOST,
  PGPORT: String(ctx.linkPort(node, 'pg-primary')),
  PGUSER: 'postgres',
  PGDATABASE: DATABASE,
});

/** A catalog instance writes to the primary and reads eventual data from its own replica. */
const catalog = (node: string, replica: string): ServiceSpec => ({
  node,
  app: 'catalog',
  env: (ctx) => ({
    ...common('catalog', node, ctx),
    REDIS_PRIMARY_URL: `redis://${HOST}:${ctx.linkPort(node, 'redis-primary')}`,
    REDIS_REPLICA_URL: `redis://${HOST}:${ctx.linkPort(node, replica)}`,
    REDIS_PRIMARY_NODE: 'redis-primary',
    REDIS_REPLICA_NODE: replica,
    CATALOG_ORDERING: ctx.catalogOrdering,
  }),
});

export const SERVICES: readonly ServiceSpec[] = [
  {
    node: 'payments-0',
    app: 'payments',
    env: (ctx) => ({
      ...common('payments', 'payments-0', ctx),
      ...postgres('payments-0', ctx),
      PAYMENTS_COMMIT_TIMEOUT_MS: '2000',
    }),
  },
  catalog('catalog-a', 'redis-1'),
  catalog('catalog-b', 'redis-2'),
  {
    node: 'orders-0',
    app: 'orders',
    env: (ctx) => ({
      ...common('orders', 'orders-0', ctx),
      // Its own schema in the payments cluster, and Kafka, each through the node's link.
      ...postgres('orders-0', ctx),
      KAFKA_BROKERS: `${HOST}:${ctx.linkPort('orders-0', 'kafka-0')}`,
      CATALOG_URL: ctx.serviceUrl('catalog-a'),
      PAYMENTS_URL: ctx.serviceUrl('payments-0'),
    }),
  },
];

/** `name=value,…` for each ring member. */
const perMember = (value: (member: string) => string): string =>
  RING_MEMBERS.map((m) => `${m}=${value(m)}`).join(',');

/** The services of each lab, started after its datastores. */
export const LAB_SERVICES: Readonly<Record<LabName, readonly ServiceSpec[]>> = {
  quorum: CARTS_NODES.map((node): ServiceSpec => ({
    node,
    app: 'carts',
    env: (ctx) => ({
      ...common('carts', node, ctx),
      // Each member through this instance's own link to it; the driver learns the members
      // from the ring by the addresses they announce, which it translates to the links.
      CASSANDRA_MEMBERS: perMember((m) => `${HOST}:${ctx.linkPort(node, m)}`),
      CASSANDRA_ANNOUNCED_ADDRESSES: perMember(memberAddress),
    }),
  })),
  consensus: LEDGER_NODES.map((node): ServiceSpec => ({
    node,
    app: 'ledger',
    env: (ctx) => ({
      ...common('ledger', node, ctx),
      // Its storage, its Redlock instance and every etcd member, each through its own link.
      ...postgres(node, ctx),
      REDIS_URL: `redis://${HOST}:${ctx.linkPort(node, 'redis-primary')}`,
      ETCD_MEMBERS: CONSENSUS_MEMBERS.map(
        (m) => `${m}=http://${HOST}:${ctx.linkPort(node, m)}`,
      ).join(','),
    }),
  })),
};

/**
 * The control service (drills, observer) starts last, once the state file describes
 * every other node; locally its fault backend works on that file's topology.
 */
export const CONTROL_SERVICE: ServiceSpec = {
  node: 'control',
  app: 'control',
  env: (ctx) => ({
    ...common('control', 'control', ctx),
    FAULTLINE_STATE_FILE: ctx.stateFile,
    // The console's dashboards query Prometheus through control; its trace links open Zipkin.
    FAULTLINE_PROMETHEUS_URL: ctx.serviceUrl('prometheus'),
    FAULTLINE_TRACES_URL: `${ctx.serviceUrl('zipkin')}/zipkin`,
  }),
};

/**
 * The workload starts after control (scenarios drive drills through it). It is a
 * client outside the faulty network: it calls the services directly, not through links.
 */
export const WORKLOAD_SERVICE: ServiceSpec = {
  node: 'workload',
  app: 'workload',
  env: (ctx) => ({
    ...common('workload', 'workload', ctx),
    PAYMENTS_URL: ctx.serviceUrl('payments-0'),
    CATALOG_A_URL: ctx.serviceUrl('catalog-a'),
    CATALOG_B_URL: ctx.serviceUrl('catalog-b'),
    ORDERS_URL: ctx.serviceUrl('orders-0'),
    CONTROL_URL: ctx.serviceUrl('control'),
    ...(ctx.labs.includes('quorum')
      ? { CARTS_A_URL: ctx.serviceUrl('carts-a'), CARTS_B_URL: ctx.serviceUrl('carts-b') }
      : {}),
    ...(ctx.labs.includes('consensus')
      ? {
          LEDGER_A_URL: ctx.serviceUrl('ledger-a'),
          LEDGER_B_URL: ctx.serviceUrl('ledger-b'),
          ETCD_MEMBERS: CONSENSUS_MEMBERS.map((m) => `${m}=${ctx.serviceUrl(m)}`).join(','),
        }
      : {}),
    FAULTLINE_REPORTS_DIR: join(dirname(ctx.stateFile), 'reports'),
    WORKLOAD_BACKGROUND_RATE: String(ctx.workloadRate),
    // The topology's settings a report records, so two runs compare like with like.
    CATALOG_ORDERING: ctx.catalogOrdering,
    REDIS_MIN_REPLICAS_TO_WRITE: String(ctx.redisMinReplicasToWrite),
    // Every operation is a trace that its history and report link to: none is left unsampled.
    FAULTLINE_TRACES_PER_SECOND: '0',
  }),
};
