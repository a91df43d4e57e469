import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { Kafka, logLevel } from '@faultline/kafka';
import { Client } from 'pg';
import {
  type Endpoint,
  parseRedisInfo,
  pgQuery,
  redisCommand,
  replicaofCommand,
  SENTINEL_MASTER_NAME,
  startTopology,
  stopTopology,
  type RunningNode,
  type TopologyState,
  ToxiproxyClient,
} from '@faultline/topology';
import { eventually, within } from '@faultline/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('local topology of real servers', { timeout: 600_000 }, () => {
  let topology: TopologyState;
  let toxiproxy: ToxiproxyClient;
  const node = (name: string): RunningNode => {
    const found = topology.nodes.find((n) => n.name === name);
    assert.ok(found, `node ${name} is running`);
    return found;
  };
  const port = (name: string): number => node(name).port;

  before(async () => {
    topology = await startTopology();
    toxiproxy = new ToxiproxyClient(topology.nodes.find((n) => n.kind === 'toxiproxy')!.url!);
  });

  after(async () => {
    if (topology) await stopTopology(topology);
  });

  describe('PostgreSQL', () => {
    let primary: Client;

    before(async () => {
      primary = new Client({ host: '127.0.0.1', port: port('pg-0'), user: 'postgres' });
      await primary.connect();
      await primary.query('CREATE TABLE marks (id serial PRIMARY KEY, note text NOT NULL)');
    });

    after(async () => {
      await toxiproxy.healAll();
      await primary.end();
    });

    it('streams to both standbys as a synchronous quorum', async () => {
      const { rows } = await primary.query<{
        application_name: string;
        sync_state: string;
        state: string;
      }>(
        'SELECT application_name, sync_state, state FROM pg_stat_replication ORDER BY application_name',
      );
      assert.deepEqual(rows, [
        { application_name: 'pg_1', sync_state: 'quorum', state: 'streaming' },
        { application_name: 'pg_2', sync_state: 'quorum', state: 'streaming' },
      ]);
      const [settings] = (
        await primary.query<{ names: string; commit: string }>(
          "SELECT current_setting('synchronous_standby_names') AS names, current_setting('synchronous_commit') AS commit",
        )
      ).rows;
      assert.deepEqual(settings, {
        names: 'ANY 1 (pg_0, pg_1, pg_2)',
        commit: 'remote_apply',
      });
    });

    it('replicates through the Toxiproxy links', async () => {
      for (const n of [1, 2]) {
        const [row] = await pgQuery<{ conninfo: string }>(
          node(`pg-${n}`),
          'SELECT conninfo FROM pg_stat_wal_receiver',
        );
        const link = topology.links.find((l) => l.name === `pg-${n}->pg-primary`)!;
        assert.match(row!.conninfo, new RegExp(`port=${link.listen.split(':')[1]}\\b`));
        assert.match(row!.conninfo, new RegExp(`application_name=pg_${n}\\b`));
      }
    });

    it('makes a committed row readable on the standbys once the commit returns', async () => {
      const { rows } = await primary.query<{ id: number }>(
        "INSERT INTO marks (note) VALUES ('applied') RETURNING id",
      );
      const id = rows[0]!.id;
      const seenOn = async (n: number) =>
        (await pgQuery(node(`pg-${n}`), `SELECT 1 FROM marks WHERE id = ${id}`)).length === 1;
      // remote_apply with ANY 1: at least one standby has applied the row before the commit returns.
      const immediately = await Promise.all([seenOn(1), seenOn(2)]);
      assert.ok(immediately.includes(true), 'no standby had applied the committed row');
      // The other standby is not waited for, but follows within moments.
      await eventually(
        async () => assert.deepEqual(await Promise.all([seenOn(1), seenOn(2)]), [true, true]),
        5_000,
      );
    });

    it('blocks commits while both replication links are partitioned, and completes them after heal', async () => {
      await toxiproxy.blackhole('pg-1->pg-primary');
      await toxiproxy.blackhole('pg-2->pg-primary');
      const writer = new Client({ host: '127.0.0.1', port: port('pg-0'), user: 'postgres' });
      await writer.connect();
      try {
        const commit = writer.query("INSERT INTO marks (note) VALUES ('during partition')");
        assert.equal(
          await within(commit, 3_000),
          'pending',
          'the commit returned without a standby',
        );
        await toxiproxy.healAll();
        const outcome = await within(commit, 45_000);
        assert.notEqual(outcome, 'pending', 'the commit did not return after heal');
      } finally {
        await writer.end();
      }
    });

    it('keeps committing with one link cut (ANY 1)', async () => {
      await toxiproxy.blackhole('pg-1->pg-primary');
      try {
        // Wait until the replica-2 connection is streaming again after the previous test's heal.
        await eventually(async () => {
          const { rows } = await primary.query(
            "SELECT 1 FROM pg_stat_replication WHERE application_name = 'pg_2' AND state = 'streaming'",
          );
          assert.equal(rows.length, 1);
        }, 30_000);
        const outcome = await within(
          primary.query("INSERT INTO marks (note) VALUES ('one link cut')"),
          5_000,
        );
        assert.notEqual(outcome, 'pending', 'the commit did not return with one standby reachable');
      } finally {
        await toxiproxy.healAll();
      }
    });
  });

  describe('Redis', () => {
    let primary: Redis;
    const replica = (n: number) => node(`redis-${n}`);
    const get = async (p: Endpoint, key: string) =>
      (await redisCommand(p, 'GET', key)) as string | null;

    before(() => {
      primary = new Redis({ host: '127.0.0.1', port: port('redis-0'), lazyConnect: true });
    });

    after(async () => {
      await toxiproxy.healAll();
      primary.disconnect();
    });

    it('replicates a write to both replicas', async () => {
      await primary.set('sku:1', 'v1');
      await eventually(async () =>
        assert.deepEqual(
          [await get(replica(1), 'sku:1'), await get(replica(2), 'sku:1')],
          ['v1', 'v1'],
        ),
      );
    });

    it('serves stale data from a cut-off replica, reports the link down, and converges after heal', async () => {
      await toxiproxy.blackhole('redis-1->redis-primary');
      await primary.set('sku:1', 'v2');
      await eventually(async () => assert.equal(await get(replica(2), 'sku:1'), 'v2'));
      await eventually(async () => {
        const info = parseRedisInfo(String(await redisCommand(replica(1), 'INFO', 'replication')));
        assert.equal(info.master_link_status, 'down');
      }, 30_000);
      assert.equal(
        await get(replica(1), 'sku:1'),
        'v1',
        'the cut-off replica still serves the old value',
      );
      await toxiproxy.healAll();
      await eventually(async () => assert.equal(await get(replica(1), 'sku:1'), 'v2'), 60_000);
    });

    it('has three Sentinels that agree on the primary', async () => {
      for (const n of [0, 1, 2]) {
        await eventually(async () => {
          const addr = await redisCommand(
            node(`sentinel-${n}`),
            'SENTINEL',
            'get-master-addr-by-name',
            SENTINEL_MASTER_NAME,
          );
          // Through the Sentinels' link to it: a partition of the node cuts them off too.
          const link = topology.links.find((l) => l.name === 'sentinels->redis-0')!;
          assert.deepEqual(addr, link.listen.split(':'));
          // Quorum reachable: every Sentinel has found the other two.
          const quorum = await redisCommand(
            node(`sentinel-${n}`),
            'SENTINEL',
            'ckquorum',
            SENTINEL_MASTER_NAME,
          );
          assert.match(String(quorum), /^OK 3 usable Sentinels/);
        }, 30_000);
      }
    });

    it('lets nobody but control re-point a node: REPLICAOF is renamed after the admin token, SLAVEOF gone', async () => {
      for (const n of [0, 1, 2]) {
        const redis = node(`redis-${n}`);
        for (const command of ['REPLICAOF', 'SLAVEOF']) {
          await assert.rejects(redisCommand(redis, command, 'NO', 'ONE'), /unknown command/);
        }
        // Control's name for it exists (called wrongly here, so it changes nothing).
        await assert.rejects(
          redisCommand(redis, replicaofCommand(topology.adminToken)),
          /wrong number of arguments/,
        );
      }
    });
  });

  it('Kafka delivers keyed messages in per-key order across 3 partitions', async () => {
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port('kafka-0')}`],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'order-check' });
    try {
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: 'ordering', numPartitions: 3 }],
        waitForLeaders: true,
      });
      const [meta] = (await admin.fetchTopicMetadata({ topics: ['ordering'] })).topics;
      assert.equal(meta!.partitions.length, 3);

      const keys = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e', 'order-f'];
      const perKey = 20;
      await producer.connect();
      for (let seq = 0; seq < perKey; seq++) {
        await producer.send({
          topic: 'ordering',
          messages: keys.map((key) => ({ key, value: String(seq) })),
        });
      }

      const seen = new Map<string, number[]>();
      const partitionsUsed = new Set<number>();
      await consumer.connect();
      await consumer.subscribe({ topic: 'ordering', fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        let count = 0;
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const key = message.key!.toString();
              seen.set(key, [...(seen.get(key) ?? []), Number(message.value!.toString())]);
              partitionsUsed.add(partition);
              if (++count === keys.length * perKey) resolve();
            },
          })
          .catch(reject);
      });
      const inOrder = Array.from({ length: perKey }, (_, i) => i);
      for (const key of keys)
        assert.deepEqual(seen.get(key), inOrder, `messages of ${key} out of order`);
      assert.ok(partitionsUsed.size > 1, 'keys should spread over more than one partition');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('a request to a service is a trace in Zipkin, its pg spans under its server span', async () => {
    const payments = topology.nodes.find((n) => n.name === 'payments-0')!;
    const zipkin = topology.nodes.find((n) => n.kind === 'zipkin')!;
    const opened = await fetch(`${payments.url}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'traced', initialBalance: 5 }),
    });
    assert.equal(opened.status, 201);
    const traceId = opened.headers.get('traceparent')?.split('-')[1];
    await eventually(async () => {
      const query = new URLSearchParams({ serviceName: 'payments', spanName: 'post /accounts' });
      const traces = (await (await fetch(`${zipkin.url}/api/v2/traces?${query}`)).json()) as {
        traceId: string;
        id: string;
        parentId?: string;
        kind?: string;
        name: string;
        localEndpoint: { serviceName: string };
      }[][];
      const trace = traceId ? traces.find((t) => t[0]?.traceId === traceId) : traces[0];
      assert.ok(trace, `no trace of POST /accounts in Zipkin (${traces.length} traces)`);
      const server = trace.find((s) => s.kind === 'SERVER' && s.name === 'post /accounts')!;
      assert.ok(server, JSON.stringify(trace.map((s) => s.name)));
      const pgSpans = trace.filter((s) => s.kind === 'CLIENT' && s.name.startsWith('pg'));
      assert.ok(pgSpans.length > 0, JSON.stringify(trace.map((s) => s.name)));
      for (const span of trace) assert.equal(span.localEndpoint.serviceName, 'payments');
    });
  });

  it('Prometheus scrapes every configured target successfully', async () => {
    const prometheus = topology.nodes.find((n) => n.kind === 'prometheus')!;
    await eventually(async () => {
      const response = await fetch(`${prometheus.url}/api/v1/targets`);
      const body = (await response.json()) as {
        data: { activeTargets: { labels: { node: string }; health: string; lastError: string }[] };
      };
      const targets = body.data.activeTargets;
      assert.deepEqual(targets.map((t) => t.labels.node).sort(), [
        'catalog-a',
        'catalog-b',
        'control',
        'orders-0',
        'payments-0',
        'prometheus',
        'toxiproxy',
        'workload',
      ]);
      for (const t of targets) assert.equal(t.health, 'up', `${t.labels.node}: ${t.lastError}`);
    });
  });
});
