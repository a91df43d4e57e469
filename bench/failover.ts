/**
 * Failover numbers on a local topology of real servers (issue 15's goals), median of N rounds:
 * - kill the PostgreSQL primary under a stream of payments: seconds from the kill to the first
 *   payment accepted again, and acknowledged payments lost (must be 0 in sync mode);
 * - kill the Redis primary: seconds until both catalog instances accept writes again;
 * - after each heal: seconds until the topology converged (every replica streaming through its
 *   link to the primary).
 * Usage: npm run bench:failover -- [ROUNDS=5]  -> a table, and bench/results/failover-<time>.json
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  linkAddress,
  parseRedisInfo,
  pgQuery,
  readState,
  redisCommand,
  type TopologyState,
  TopologySupervisor,
  waitUntil,
} from '@faultline/topology';
import { median } from './statistics';
import { interrupted, startBenchTopology, stopBenchTopology } from './topologies';

const rounds = Number(process.argv[2] ?? 5);
/** A Sentinel starts no second failover of a master within twice its failover-timeout. */
const SENTINEL_REST_MS = 21_000;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** What a round waits for: polled every 100 ms, for two minutes at most. */
const until = (what: string, check: () => Promise<boolean>) =>
  waitUntil(what, check, 120_000, undefined, 100);

async function main(): Promise<void> {
  const topology: TopologyState = await startBenchTopology();
  const supervisor = new TopologySupervisor(topology.stateFile).start();
  const state = () => readState(topology.stateFile)!;
  const node = (name: string) => state().nodes.find((n) => n.name === name)!;
  const primaryOf = (kind: string) =>
    state().nodes.find((n) => n.kind === kind && n.role === 'primary')!;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${node('control').url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${topology.adminToken}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    }).then(
      (r) => r.status,
      () => 0,
    );
  const pgConverged = async () => {
    const rows = await pgQuery<{ n: string }>(
      primaryOf('postgres'),
      "SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'",
    );
    return Number(rows[0]?.n) === 2;
  };
  const redisConverged = async () => {
    const primary = primaryOf('redis').name;
    for (const n of state().nodes.filter((x) => x.kind === 'redis' && x.name !== primary)) {
      const info = parseRedisInfo(String(await redisCommand(n, 'INFO', 'replication')));
      const link = state().links.find((l) => l.name === `${n.name}->redis-primary`)!;
      if (info.master_link_status !== 'up' || Number(info.master_port) !== linkAddress(link).port)
        return false;
    }
    return true;
  };

  const results = {
    pgWritable: [] as number[],
    pgLost: [] as number[],
    pgConverged: [] as number[],
    redisWritable: [] as number[],
    redisConverged: [] as number[],
  };
  try {
    const payments = node('payments-0').url!;
    const accountResponse = await fetch(`${payments}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'bench-failover', initialBalance: 100_000_000 }),
    });
    const account = (await accountResponse.json()) as { id: string };
    for (let round = 1; round <= rounds; round++) {
      // PostgreSQL: a payment stream, the primary killed, the first payment accepted after.
      const acknowledged: string[] = [];
      let killedAt = 0;
      // Once the kill has answered, the node is down: only payments sent after count.
      let downAt = 0;
      let writableAt = 0;
      let streaming = true;
      const stream = (async () => {
        while (streaming) {
          const key = randomUUID();
          const sentAt = Date.now();
          const status = await post(
            `${payments}/payments`,
            { accountId: account.id, amount: 1, reference: key },
            { 'idempotency-key': key },
          );
          if (status === 201) {
            acknowledged.push(key);
            if (downAt && sentAt > downAt && !writableAt) writableAt = Date.now();
          }
          await sleep(20);
        }
      })();
      await sleep(1_000);
      const before = primaryOf('postgres');
      killedAt = Date.now();
      const kill = await api('POST', '/drills', {
        kind: 'kill',
        target: 'pg-primary',
        ttlSeconds: 300,
      });
      downAt = Date.now();
      await until('payments accepted again', async () => writableAt > 0);
      streaming = false;
      await stream;
      const rows = await pgQuery<{ reference: string }>(
        primaryOf('postgres'),
        `SELECT reference FROM payments.payments WHERE account_id = '${account.id}'`,
        'faultline',
      );
      const kept = new Set(rows.map((r) => r.reference));
      results.pgWritable.push(writableAt - killedAt);
      results.pgLost.push(acknowledged.filter((k) => !kept.has(k)).length);
      const healedAt = Date.now();
      await api('DELETE', `/drills/${kill.id}`);
      await until('PostgreSQL converged', pgConverged);
      results.pgConverged.push(Date.now() - healedAt);
      console.log(
        `round ${round}: pg ${before.name} killed, ${primaryOf('postgres').name} accepted payments ${seconds(writableAt - killedAt)} s later; converged ${seconds(Date.now() - healedAt)} s after heal`,
      );

      // Redis: the primary killed, both catalogs written until each accepts again.
      const redisKilledAt = Date.now();
      const redisBefore = primaryOf('redis').name;
      const redisKill = await api('POST', '/drills', {
        kind: 'kill',
        target: 'redis-primary',
        ttlSeconds: 300,
      });
      const writable = await Promise.all(
        ['catalog-a', 'catalog-b'].map(async (catalog) => {
          await until(`${catalog} writes`, async () => {
            const response = await fetch(`${node(catalog).url}/products/bench-${round}`, {
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: 'bench', priceCents: 1, stock: 1 }),
              signal: AbortSignal.timeout(5_000),
            });
            return response.status === 200;
          });
          return Date.now();
        }),
      );
      results.redisWritable.push(Math.max(...writable) - redisKilledAt);
      const redisHealedAt = Date.now();
      await api('DELETE', `/drills/${redisKill.id}`);
      await until('Redis converged', redisConverged);
      results.redisConverged.push(Date.now() - redisHealedAt);
      console.log(
        `round ${round}: redis ${redisBefore} killed, both catalogs wrote ${seconds(Math.max(...writable) - redisKilledAt)} s later on ${primaryOf('redis').name}; converged ${seconds(Date.now() - redisHealedAt)} s after heal`,
      );
      await sleep(SENTINEL_REST_MS);
    }
  } finally {
    supervisor.stop();
    await stopBenchTopology(readState(topology.stateFile) ?? topology);
  }

  const summary = {
    rounds,
    'pg: kill to payments accepted (s, median)': seconds(median(results.pgWritable)),
    'pg: acknowledged payments lost (max)': Math.max(...results.pgLost),
    'pg: heal to converged (s, median)': seconds(median(results.pgConverged)),
    'redis: kill to both catalogs writing (s, median)': seconds(median(results.redisWritable)),
    'redis: heal to converged (s, median)': seconds(median(results.redisConverged)),
  };
  console.table(summary);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `failover-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}.json`);
  writeFileSync(file, `${JSON.stringify({ summary, samplesMs: results }, null, 2)}\n`);
  console.log(`written ${file}`);
}

main().catch((err: Error) => {
  if (interrupted()) return;
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
