import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Client, types } from 'cassandra-driver';
import {
  allocatePorts,
  cassandraMemberClient,
  HOST,
  resolveToolchain,
  terminate,
  ToxiproxyClient,
} from '@faultline/topology';
import { eventually } from '@faultline/testing';
import { launchCassandra, RING_ADDRESS } from '../src/nodes/cassandra';
import type { LaunchContext } from '../src/nodes/launch';
import { launchToxiproxy } from '../src/nodes/toxiproxy';

const MEMBERS = ['cassandra-0', 'cassandra-1', 'cassandra-2'];
const { one, quorum, all } = types.consistencies;

/** Cassandra's own "not enough replicas alive" answer, with its counts. */
function unavailable(err: unknown): { required: number; alive: number } | undefined {
  const e = err as { code?: number; required?: number; alive?: number };
  return e.code === types.responseErrorCodes.unavailableException
    ? { required: e.required!, alive: e.alive! }
    : undefined;
}

describe(
  'a Cassandra ring of three whose members reach each other through Toxiproxy',
  { timeout: 300_000 },
  () => {
    const rootDir = mkdtempSync(join(tmpdir(), 'faultline-ring-'));
    const pids: number[] = [];
    const ports = new Map<string, number>();
    const clients: Client[] = [];
    let toxiproxy: ToxiproxyClient;
    /** A client of one member only, straight to its native port (no link in between). */
    const member = async (i: number): Promise<Client> => {
      const client = await cassandraMemberClient(
        { host: HOST, port: ports.get(MEMBERS[i]!)! },
        5_000,
      );
      clients.push(client);
      return client;
    };
    const write = (client: Client, item: string, consistency: number) =>
      client.execute('INSERT INTO lab.items (cart, item) VALUES (?, ?)', ['c', item], {
        prepare: true,
        consistency,
      });
    const has = async (client: Client, item: string, consistency: number) =>
      (
        await client.execute(
          'SELECT item FROM lab.items WHERE cart = ? AND item = ?',
          ['c', item],
          {
            prepare: true,
            consistency,
          },
        )
      ).rowLength === 1;

    before(async () => {
      const names = ['toxiproxy', ...MEMBERS.flatMap((m) => [m, `${m}:storage`, `${m}:jmx`])];
      (await allocatePorts(names.length)).forEach((port, i) => ports.set(names[i]!, port));
      const portOf = (name: string) => ports.get(name)!;
      const ctx: LaunchContext = {
        rootDir,
        toolchain: resolveToolchain(),
        adminToken: 'ring-test',
        redisMinReplicasToWrite: 0,
        portOf,
        linkPort: () => {
          throw new Error('no links in this test');
        },
        onSpawn: (pid) => pids.push(pid),
      };
      const proxy = await launchToxiproxy(ctx, {
        name: 'toxiproxy',
        kind: 'toxiproxy',
        role: 'proxy',
      });
      toxiproxy = new ToxiproxyClient(proxy.url!);
      for (const name of MEMBERS) {
        const storage = portOf(`${name}:storage`);
        await toxiproxy.createProxy({
          name: `ring->${name}`,
          listen: `${RING_ADDRESS}:${storage}`,
          upstream: `${HOST}:${storage}`,
          enabled: true,
        });
      }
      // One after another, the first the seed: members joining at once would race for tokens.
      for (const name of MEMBERS) {
        await launchCassandra(
          ctx,
          { name, kind: 'cassandra', role: 'member' },
          {
            storagePort: portOf(`${name}:storage`),
            nativePort: portOf(name),
            jmxPort: portOf(`${name}:jmx`),
            seedStoragePorts: [portOf('cassandra-0:storage')],
          },
        );
      }
    });

    after(async () => {
      await Promise.allSettled(clients.map((c) => c.shutdown()));
      await Promise.allSettled(pids.map((pid) => terminate(pid, 'SIGTERM', 15_000)));
      rmSync(rootDir, { recursive: true, force: true, maxRetries: 5 });
    });

    it('forms one ring: each member knows the other two by their ring addresses', async () => {
      // The last member joined a moment ago: the seed hears of it by gossip.
      const seed = await member(0);
      await eventually(async () => {
        const peers = await seed.execute('SELECT peer, peer_port FROM system.peers_v2');
        assert.deepEqual(
          peers.rows.map((r) => `${String(r.peer)}:${String(r.peer_port)}`).sort(),
          MEMBERS.slice(1)
            .map((m) => `${RING_ADDRESS}:${ports.get(`${m}:storage`)}`)
            .sort(),
        );
      }, 30_000);
      await (
        await member(0)
      ).execute(
        "CREATE KEYSPACE lab WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
      );
      await (
        await member(0)
      ).execute('CREATE TABLE lab.items (cart text, item text, PRIMARY KEY (cart, item))');
      await write(await member(0), 'before', all);
    });

    it('with one member cut off: QUORUM goes on, ALL is unavailable, and ONE leaves a hint that heals the member after the cut', async () => {
      const coordinator = await member(0);
      const cutOff = await member(2);
      await toxiproxy.blackhole('ring->cassandra-2');
      // Gossip's failure detector marks it down after some seconds; until then ALL times out.
      await eventually(async () => {
        const err = await write(coordinator, 'during-all', all).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.deepEqual(unavailable(err), { required: 3, alive: 2 }, String(err));
      }, 60_000);
      await write(coordinator, 'during-quorum', quorum);
      assert.equal(await has(coordinator, 'during-quorum', quorum), true);
      await write(coordinator, 'hinted', one);
      // The cut-off member answers its own clients, with what it had before the cut.
      assert.equal(await has(cutOff, 'before', one), true);
      assert.equal(await has(cutOff, 'hinted', one), false, 'it cannot have the write yet');

      await toxiproxy.removeToxic('ring->cassandra-2', 'blackhole-upstream');
      await toxiproxy.removeToxic('ring->cassandra-2', 'blackhole-downstream');
      // A ONE read asks that member alone (no read repair): only the coordinator's hint brings it.
      await eventually(async () => assert.equal(await has(cutOff, 'hinted', one), true), 60_000);
      await eventually(() => write(coordinator, 'after-all', all), 30_000);
    });
  },
);
