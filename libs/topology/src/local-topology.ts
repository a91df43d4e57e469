import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TopologyError } from './errors';
import { pgQuery } from './health';
import {
  CONSENSUS_MEMBERS,
  DATABASE,
  RAFT_RELAY,
  dedicatedListenerPort,
  HOST,
  type LabName,
  linkName,
  memberAddress,
  type NodeSpec,
  resolveNode,
  RING_MEMBERS,
  type RunningNode,
  topologyLinks,
  topologyNodes,
  type TopologyState,
} from './model';
import { launchCassandra, MEMBER_PORTS, memberPort, seesWholeRing } from './nodes/cassandra';
import { consensusPort, launchEtcd, MEMBER_PEER_PORTS } from './nodes/etcd';
import { announcedPeerUrl, launchRaftRelay } from './nodes/raft-relay';
import { launchApp } from './nodes/app';
import { launchKafka } from './nodes/kafka';
import type { LaunchContext } from './nodes/launch';
import { launchPostgres } from './nodes/postgres';
import { launchPrometheus, type ScrapeTarget } from './nodes/prometheus';
import { launchZipkin } from './nodes/zipkin';
import { launchRedis, launchSentinel } from './nodes/redis';
import { createLinks, launchToxiproxy } from './nodes/toxiproxy';
import { allocatePorts } from './ports';
import { isAlive, type RunAs, terminate } from './processes';
import {
  type CatalogOrdering,
  CONTROL_SERVICE,
  LAB_SERVICES,
  SERVICES,
  type ServiceEnvContext,
  type ServiceSpec,
  WORKLOAD_SERVICE,
} from './services';
import { removeState, writeState } from './state-file';
import { resolveToolchain } from './toolchain';
import { waitUntil } from './wait';

export type ProgressEvent =
  | { node: string; phase: 'starting' }
  | { node: string; phase: 'healthy'; ms: number }
  | { node: string; phase: 'failed'; error: string }
  | { node: string; phase: 'stopped' };

export interface StartOptions {
  /** Where node data goes; a fresh temporary directory by default. */
  rootDir?: string;
  /** Keep the data directory when the topology stops. */
  keep?: boolean;
  /** Where to record the running topology; inside the data directory by default. */
  stateFile?: string;
  /** Operations per second of each background workload client (the playground's light load); 0 by default. */
  workloadRate?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** The catalog's write ordering; CATALOG_ORDERING of this process, else `wall`. */
  catalogOrdering?: CatalogOrdering;
  /** Replicas a Redis primary needs to take a write; REDIS_MIN_REPLICAS_TO_WRITE, else 0. */
  redisMinReplicasToWrite?: number;
  /** The optional labs to start with the core topology; none by default. */
  labs?: readonly LabName[];
}

export function catalogOrderingFrom(value: string | undefined): CatalogOrdering {
  if (value === undefined || value === '' || value === 'wall') return 'wall';
  if (value === 'hlc') return 'hlc';
  throw new TopologyError(`CATALOG_ORDERING must be wall or hlc, not ${JSON.stringify(value)}`);
}

export function redisMinReplicasToWriteFrom(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (!/^[0-2]$/.test(value)) {
    throw new TopologyError(
      `REDIS_MIN_REPLICAS_TO_WRITE must be 0, 1 or 2 (there are two replicas), not ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** PostgreSQL refuses to run as root; when we are root it runs as the `postgres` user. */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new TopologyError(
      'running as root, but there is no `postgres` user to run PostgreSQL as: run `npm run provision`',
    );
  }
}

/** How each node stops cleanly: PostgreSQL's fast shutdown is SIGINT (SIGTERM waits for clients). */
const gracefulSignal = (node: RunningNode): NodeJS.Signals =>
  node.kind === 'postgres' ? 'SIGINT' : 'SIGTERM';

/** Stops every node of a topology (in parallel) and removes its data unless kept. */
export async function stopTopology(
  state: Pick<TopologyState, 'nodes' | 'rootDir' | 'keep'>,
  onProgress?: (event: ProgressEvent) => void,
): Promise<void> {
  await Promise.all(
    state.nodes.map(async (node) => {
      await terminate(node.pid, gracefulSignal(node));
      onProgress?.({ node: node.name, phase: 'stopped' });
    }),
  );
  if (!state.keep) rmSync(state.rootDir, { recursive: true, force: true, maxRetries: 5 });
}

/** Like Promise.all, but waits for every task to settle first, so nothing starts after a failure is handled. */
async function allOrFirstError(tasks: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

export const anyNodeAlive = (state: TopologyState): boolean =>
  state.nodes.some((n) => isAlive(n.pid));

/**
 * The whole local topology of real servers: Toxiproxy, PostgreSQL with two
 * synchronous standbys, Redis with two replicas and three Sentinels, one KRaft
 * Kafka broker and Prometheus, each on free ports of 127.0.0.1; and the labs asked for.
 */
export async function startTopology(options: StartOptions = {}): Promise<TopologyState> {
  // Settings first: a bad one fails before anything is created.
  const catalogOrdering =
    options.catalogOrdering ?? catalogOrderingFrom(process.env.CATALOG_ORDERING);
  const redisMinReplicasToWrite =
    options.redisMinReplicasToWrite ??
    redisMinReplicasToWriteFrom(process.env.REDIS_MIN_REPLICAS_TO_WRITE);
  const toolchain = resolveToolchain();
  const rootDir = options.rootDir ?? mkdtempSync(join(tmpdir(), 'faultline-'));
  const pgUser = postgresUser();
  if (pgUser) chmodSync(rootDir, 0o755);
  const progress = options.onProgress ?? (() => undefined);
  const adminToken = randomBytes(24).toString('base64url');
  const stateFile = options.stateFile ?? join(rootDir, 'state.json');
  const labs = [...new Set(options.labs ?? [])];
  const nodes = topologyNodes(labs);
  const linkSpecs = topologyLinks(labs);
  const spec = (name: string): NodeSpec => {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`unknown node ${name}`);
    return node;
  };

  const names = [
    ...nodes.map((n) => n.name),
    // A peer-address link listens on its member's own address and storage port.
    ...linkSpecs.filter((l) => !l.peerAddress).map(linkName),
    ...linkSpecs.filter((l) => l.dedicatedListener).map(dedicatedListenerPort),
    'kafka-0:controller',
    ...nodes
      .filter((n) => n.kind === 'cassandra')
      .flatMap((n) => MEMBER_PORTS.map((port) => memberPort(n.name, port))),
    ...nodes
      .filter((n) => n.kind === 'etcd')
      .flatMap((n) => MEMBER_PEER_PORTS.map((port) => consensusPort(n.name, port))),
  ];
  const ports = new Map<string, number>();
  (await allocatePorts(names.length)).forEach((port, i) => ports.set(names[i]!, port));
  // An endpoint's port is its primary's at start (the links' upstreams; a failover moves them).
  const portOf = (name: string): number => {
    const port = ports.get(resolveNode(nodes, name)?.name ?? name);
    if (port === undefined) throw new Error(`no port for ${name}`);
    return port;
  };

  const spawned: RunningNode[] = [];
  const pids: number[] = [];
  const ctx: LaunchContext = {
    rootDir,
    adminToken,
    redisMinReplicasToWrite,
    toolchain,
    postgresUser: pgUser,
    portOf,
    linkPort: (client, server) => portOf(`${client}->${server}`),
    onSpawn: (pid) => pids.push(pid),
  };

  const start = async (name: string, launcher: (s: NodeSpec) => Promise<RunningNode>) => {
    progress({ node: name, phase: 'starting' });
    const began = Date.now();
    try {
      const node = await launcher(spec(name));
      spawned.push(node);
      progress({ node: name, phase: 'healthy', ms: Date.now() - began });
      return node;
    } catch (err) {
      progress({ node: name, phase: 'failed', error: (err as Error).message });
      throw err;
    }
  };

  try {
    const toxiproxy = await start('toxiproxy', (s) => launchToxiproxy(ctx, s));
    const links = await createLinks(ctx, toxiproxy.url!, linkSpecs);
    const envContext: ServiceEnvContext = {
      linkPort: ctx.linkPort,
      adminToken,
      catalogOrdering,
      stateFile,
      serviceUrl: (node) => `http://${HOST}:${portOf(node)}`,
      workloadRate: options.workloadRate ?? 0,
      redisMinReplicasToWrite,
      labs,
    };
    const labServices = labs.flatMap((lab) => LAB_SERVICES[lab]);
    const startService = (service: ServiceSpec) =>
      start(service.node, (s) => launchApp(ctx, s, service.app, service.env(envContext)));
    /**
     * The quorum lab: members one after another (a member joins through the first, the
     * seed), then the carts instances one after another (each creates the schema if it is
     * missing, and two members creating the same table at once would disagree on its id).
     */
    const startRing = async () => {
      for (const name of RING_MEMBERS) {
        await start(name, (s) =>
          launchCassandra(ctx, s, {
            storagePort: portOf(memberPort(name, 'storage')),
            nativePort: portOf(name),
            jmxPort: portOf(memberPort(name, 'jmx')),
            metricsPort: portOf(memberPort(name, 'metrics')),
            address: memberAddress(name),
            peers: RING_MEMBERS.map((m) => ({ name: m, address: memberAddress(m) })),
            seeds: [
              `${memberAddress(RING_MEMBERS[0])}:${portOf(memberPort(RING_MEMBERS[0], 'storage'))}`,
            ],
          }),
        );
      }
      const metricsUrl = (member: string) =>
        `http://${HOST}:${portOf(memberPort(member, 'metrics'))}/metrics`;
      await waitUntil(
        'the ring: every member sees every member up',
        async () =>
          (
            await Promise.all(
              RING_MEMBERS.map((m) => seesWholeRing(metricsUrl(m), RING_MEMBERS.length)),
            )
          ).every(Boolean),
        60_000,
        undefined,
        500,
      );
      for (const service of LAB_SERVICES.quorum) await startService(service);
    };
    /**
     * The consensus lab: the relay its members' peer URLs lead to, then the members together (a
     * member is healthy once a leader is elected, which takes a majority).
     */
    const startConsensus = async () => {
      const clusterToken = `faultline-${randomBytes(6).toString('hex')}`;
      const announcedPort = (m: string) => portOf(consensusPort(m, 'announced'));
      await start(RAFT_RELAY, (s) =>
        launchRaftRelay(ctx, s, {
          listenHost: HOST,
          healthPort: portOf(RAFT_RELAY),
          clusterToken,
          members: CONSENSUS_MEMBERS.map((name) => ({
            name,
            announcedUrl: announcedPeerUrl(announcedPort(name)),
            listenPort: announcedPort(name),
            peer: { host: HOST, port: portOf(consensusPort(name, 'peer')) },
            links: Object.fromEntries(
              CONSENSUS_MEMBERS.filter((m) => m !== name).map((m) => [
                m,
                { host: HOST, port: ctx.linkPort(m, name) },
              ]),
            ),
          })),
        }),
      );
      const peers = CONSENSUS_MEMBERS.map((name) => ({ name, announcedPort: announcedPort(name) }));
      await allOrFirstError(
        CONSENSUS_MEMBERS.map((name) =>
          start(name, (s) =>
            launchEtcd(ctx, s, {
              clientPort: portOf(name),
              peerPort: portOf(consensusPort(name, 'peer')),
              peers,
              clusterToken,
            }),
          ),
        ),
      );
    };
    // Independent chains start together; within a chain, the primary comes first.
    await allOrFirstError([
      (async () => {
        await start('pg-0', (s) => launchPostgres(ctx, s));
        await allOrFirstError(['pg-1', 'pg-2'].map((n) => start(n, (s) => launchPostgres(ctx, s))));
        // Created once the standbys are up: with remote_apply, the commit waits for one of them.
        await pgQuery({ host: HOST, port: portOf('pg-0') }, `CREATE DATABASE ${DATABASE}`);
      })(),
      (async () => {
        await start('redis-0', (s) => launchRedis(ctx, s));
        await allOrFirstError(
          ['redis-1', 'redis-2'].map((n) => start(n, (s) => launchRedis(ctx, s))),
        );
        await allOrFirstError(
          ['sentinel-0', 'sentinel-1', 'sentinel-2'].map((n) =>
            start(n, (s) => launchSentinel(ctx, s)),
          ),
        );
      })(),
      start('kafka-0', (s) => launchKafka(ctx, s, portOf('kafka-0:controller'))),
      start('zipkin', (s) => launchZipkin(ctx, s)),
      ...(labs.includes('quorum') ? [startRing()] : []),
      ...(labs.includes('consensus') ? [startConsensus()] : []),
    ]);
    // The ledgers need PostgreSQL, Redis and etcd, so they start with the core's services.
    await Promise.all(
      [...SERVICES, ...(labs.includes('consensus') ? LAB_SERVICES.consensus : [])].map(
        startService,
      ),
    );
    // Every service is scraped, control and the workload too, though they start after Prometheus.
    const scraped = [
      toxiproxy.name,
      ...[...SERVICES, ...labServices, CONTROL_SERVICE, WORKLOAD_SERVICE].map((s) => s.node),
    ].map((node): Omit<ScrapeTarget, 'metricsPath'> => ({
      node,
      address: `${HOST}:${portOf(node)}`,
    }));
    // An etcd member serves its metrics on its client port.
    scraped.push(
      ...nodes
        .filter((n) => n.kind === 'etcd')
        .map((n) => ({ node: n.name, address: `${HOST}:${portOf(n.name)}` })),
    );
    // A ring member's JMX exporter.
    const members = nodes.filter((n) => n.kind === 'cassandra');
    scraped.push(
      ...members.map((n) => ({
        node: n.name,
        address: `${HOST}:${portOf(memberPort(n.name, 'metrics'))}`,
        slow: true,
      })),
    );
    await start('prometheus', (s) =>
      launchPrometheus(
        ctx,
        s,
        scraped.map((target) => ({ ...target, metricsPath: '/metrics' })),
      ),
    );
    const order = nodes.map((n) => n.name);
    const state = (): TopologyState => ({
      version: 1,
      startedAt: new Date().toISOString(),
      ownerPid: process.pid,
      rootDir,
      keep: options.keep ?? false,
      adminToken,
      stateFile,
      nodes: [...spawned].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
      links,
      ...(labs.length > 0 ? { labs } : {}),
    });
    // Control reads the state file at start: it must already describe every other node.
    writeState(stateFile, state());
    for (const service of [CONTROL_SERVICE, WORKLOAD_SERVICE]) await startService(service);
    const final = state();
    writeState(stateFile, final);
    return final;
  } catch (err) {
    // Stop whatever did start, including processes that never became healthy.
    await Promise.allSettled(pids.map((pid) => terminate(pid, 'SIGTERM', 5_000)));
    if (!options.keep) rmSync(rootDir, { recursive: true, force: true, maxRetries: 5 });
    removeState(stateFile);
    if (err instanceof TopologyError) throw err;
    throw new TopologyError(`topology failed to start: ${(err as Error).message}`);
  }
}
