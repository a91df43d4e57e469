import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventually, httpJson, SupervisedTopology } from '@faultline/testing';
import {
  linkAddress,
  parseRedisInfo,
  pgQuery,
  postgresRole,
  readState,
  redisCommand,
  ToxiproxyClient,
} from '@faultline/topology';
import type { Drill } from '@faultline/contracts';

/**
 * Failover on the real topology: control as PostgreSQL's operator, and as the hands of the
 * Redis Sentinels. The tests run in order on one topology; each leaves it converged.
 */
describe('control: failover on the real topology', { timeout: 900_000 }, () => {
  const running = new SupervisedTopology({ logSupervisor: true });
  const state = () => readState(running.state.stateFile)!;
  const node = (name: string) => state().nodes.find((n) => n.name === name)!;
  const url = (name: string) => node(name).url!;
  const primaryOf = (kind: 'postgres' | 'redis') =>
    state().nodes.find((n) => n.kind === kind && n.role === 'primary')!.name;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    httpJson<T>(`${url('control')}${path}`, {
      method,
      body,
      headers: { Authorization: `Bearer ${running.state.adminToken}` },
    });
  const drill = async (kind: string, target: string, ttlSeconds = 120) => {
    const res = await api<Drill>('POST', '/drills', { kind, target, params: {}, ttlSeconds });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const heal = async (id: string) =>
    assert.equal((await api('DELETE', `/drills/${id}`)).status, 200);
  const failovers = async (store: string, trigger: string): Promise<number> => {
    const text = await (await fetch(`${url('control')}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) =>
        l.startsWith(`faultline_failovers_total{store="${store}",trigger="${trigger}"}`),
      );
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  /** Every PostgreSQL node streaming from the primary through its own link. */
  const pgConverged = async () => {
    const primary = node(primaryOf('postgres'));
    assert.equal(await postgresRole(primary), 'primary');
    const streaming = await pgQuery<{ application_name: string }>(
      primary,
      "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'",
    );
    const standbys = state()
      .nodes.filter((n) => n.kind === 'postgres' && n.name !== primary.name)
      .map((n) => n.name.replace('-', '_'));
    assert.deepEqual(streaming.map((r) => r.application_name).sort(), standbys.sort());
  };

  /** Payments written one after another until stopped: the keys each answer acknowledged. */
  const paymentStream = async () => {
    const account = await httpJson<{ id: string }>(`${url('payments-0')}/accounts`, {
      body: { owner: `failover-${randomUUID()}`, initialBalance: 1_000_000 },
    });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let running = true;
    const done = (async () => {
      while (running) {
        const key = randomUUID();
        const res = await httpJson(`${url('payments-0')}/payments`, {
          body: { accountId: account.body.id, amount: 1, reference: key },
          headers: { 'Idempotency-Key': key },
        }).catch(() => ({ status: 0 }));
        if (res.status === 201) acknowledged.push(key);
        else refused.push(res.status);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return {
      acknowledged,
      refused,
      stop: async () => {
        running = false;
        await done;
      },
      /** The acknowledged payments the primary now does not have. */
      lost: async () => {
        const rows = await pgQuery<{ reference: string }>(
          node(primaryOf('postgres')),
          `SELECT reference FROM payments.payments WHERE account_id = '${account.body.id}'`,
          'faultline',
        );
        const kept = new Set(rows.map((r) => r.reference));
        return acknowledged.filter((k) => !kept.has(k));
      },
    };
  };

  describe('PostgreSQL (CP): control is the operator', () => {
    it('failover pg: a planned switchover loses no acknowledged payment, and the old primary rejoins as a standby', async () => {
      const stream = await paymentStream();
      await new Promise((r) => setTimeout(r, 1_000));
      const d = await drill('failover', 'pg');
      assert.equal(d.result, 'pg-1 promoted; pg-0 fenced, rejoins as a standby');
      await new Promise((r) => setTimeout(r, 2_000));
      await stream.stop();
      assert.equal(primaryOf('postgres'), 'pg-1');
      assert.ok(stream.acknowledged.length > 20, `${stream.acknowledged.length} acknowledged`);
      assert.deepEqual(await stream.lost(), []);
      assert.ok(
        stream.refused.every((s) => s === 503),
        `in flight during the switch: 503 only, not ${stream.refused}`,
      );
      const links = await new ToxiproxyClient(url('toxiproxy')).proxies();
      for (const link of links.filter((l) => l.name.endsWith('->pg-primary'))) {
        assert.equal(link.upstream, `127.0.0.1:${node('pg-1').port}`, `${link.name} moved`);
      }
      await eventually(pgConverged, 60_000);
      assert.equal(await failovers('postgres', 'switchover'), 1);
    });

    it('kill pg-primary: a standby is promoted after PG_FAILOVER_AFTER, and payments are accepted again before the heal', async () => {
      const killed = primaryOf('postgres');
      const stream = await paymentStream();
      await new Promise((r) => setTimeout(r, 1_000));
      const d = await drill('kill', 'pg-primary', 300);
      assert.equal(d.node, killed);
      await eventually(() => assert.notEqual(primaryOf('postgres'), killed), 30_000);
      const acceptedBefore = stream.acknowledged.length;
      await eventually(
        () => assert.ok(stream.acknowledged.length > acceptedBefore + 10, 'payments accepted'),
        30_000,
      );
      await stream.stop();
      assert.deepEqual(await stream.lost(), []);
      assert.equal(await failovers('postgres', 'automatic'), 1);
      await heal(d.id);
      await eventually(pgConverged, 90_000);
    });

    it('a cut operator link is a false suspicion: the primary is fenced before another is promoted, and never twice', async () => {
      const suspected = primaryOf('postgres');
      const before = await failovers('postgres', 'automatic');
      const pg = state().nodes.filter((n) => n.kind === 'postgres');
      let writable = 0;
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const roles = await Promise.all(pg.map((n) => postgresRole(n).catch(() => 'down')));
          writable = Math.max(writable, roles.filter((r) => r === 'primary').length);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const d = await drill('partition', 'control->pg-primary', 300);
      try {
        await eventually(() => assert.notEqual(primaryOf('postgres'), suspected), 30_000);
        // The link still leads nowhere (it is cut), yet no second failover follows.
        await new Promise((r) => setTimeout(r, 8_000));
        assert.equal(await failovers('postgres', 'automatic'), before + 1);
      } finally {
        watching = false;
        await watch;
        await heal(d.id);
      }
      assert.equal(writable, 1, 'never two writable primaries');
      await eventually(pgConverged, 90_000);
    });

    it('409 when no standby is healthy, and nothing changes', async () => {
      const primary = primaryOf('postgres');
      const standbys = state()
        .nodes.filter((n) => n.kind === 'postgres' && n.name !== primary)
        .map((n) => n.name);
      const kills = [];
      for (const standby of standbys) kills.push(await drill('kill', standby));
      try {
        const res = await api<{ message: string }>('POST', '/drills', {
          kind: 'failover',
          target: 'pg',
        });
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.match(res.body.message, /no healthy standby to promote: .*does not answer/);
        assert.equal(primaryOf('postgres'), primary);
        assert.equal(await postgresRole(node(primary)), 'primary', 'not fenced');
      } finally {
        for (const k of kills) await heal(k.id);
      }
      await eventually(pgConverged, 90_000);
    });

    it('a partition of the primary follows it when a switchover moves the role', async () => {
      const old = primaryOf('postgres');
      const d = await drill('partition', old);
      await drill('failover', 'pg');
      // The drill follows the old primary (in the background of the promotion).
      await eventually(async () => {
        const drills = await api<Drill[]>('GET', '/drills');
        const followed = drills.body.find((x) => x.id === d.id)!;
        assert.deepEqual(followed.footprint, [`link:${old}->pg-primary`]);
        const proxies = await new ToxiproxyClient(url('toxiproxy')).proxies();
        const cut = proxies.filter((p) => p.toxics.length > 0).map((p) => p.name);
        assert.deepEqual(
          cut,
          [`${old}->pg-primary`],
          'the new primary is free, the old one cut off',
        );
      }, 15_000);
      await heal(d.id);
      await eventually(pgConverged, 90_000);
    });
  });

  describe('Redis (AP): the Sentinels decide, control carries it out', () => {
    const write = (catalog: string, sku: string) =>
      httpJson(`${url(catalog)}/products/${sku}`, {
        method: 'PUT',
        body: { name: sku, priceCents: 1, stock: 1 },
      });
    /** Every replica replicating through its own link, the link leading to the primary. */
    const redisConverged = async () => {
      const primary = primaryOf('redis');
      for (const n of state().nodes.filter((x) => x.kind === 'redis' && x.name !== primary)) {
        const info = parseRedisInfo(String(await redisCommand(n, 'INFO', 'replication')));
        const link = state().links.find((l) => l.name === `${n.name}->redis-primary`)!;
        assert.equal(info.role, 'slave', n.name);
        assert.equal(Number(info.master_port), linkAddress(link).port, `${n.name} on its link`);
        assert.equal(info.master_link_status, 'up', n.name);
      }
      // The Sentinels agree, and their failover has ended (until then they refuse another).
      const link = state().links.find((l) => l.name === `sentinels->${primary}`)!;
      for (const sentinel of state().nodes.filter((x) => x.kind === 'sentinel')) {
        const master = (await redisCommand(
          sentinel,
          'SENTINEL',
          'MASTER',
          'faultline',
        )) as string[];
        const field = (name: string) => master[master.indexOf(name) + 1];
        assert.equal(`${field('ip')}:${field('port')}`, link.listen, `${sentinel.name} agrees`);
        assert.doesNotMatch(field('flags')!, /failover_in_progress/, sentinel.name);
        // Each replica is one the Sentinels would promote: they refresh a replica's INFO only
        // every 10 s, and until then refuse a failover with NOGOODSLAVE.
        const replicas = (await redisCommand(
          sentinel,
          'SENTINEL',
          'REPLICAS',
          'faultline',
        )) as string[][];
        const healthy = replicas
          .map((r) => Object.fromEntries(r.flatMap((v, i) => (i % 2 ? [] : [[v, r[i + 1]]]))))
          .filter((r) => r.flags === 'slave' && r['master-link-status'] === 'ok');
        assert.equal(healthy.length, 2, `${sentinel.name} sees both replicas healthy`);
      }
    };

    it('kill redis-primary: the Sentinels promote a replica, both catalogs write again, and the old primary returns as a replica', async () => {
      const killed = primaryOf('redis');
      const d = await drill('kill', 'redis-primary', 300);
      await eventually(() => assert.notEqual(primaryOf('redis'), killed), 30_000);
      for (const catalog of ['catalog-a', 'catalog-b']) {
        await eventually(async () => {
          const res = await write(catalog, `after-kill-${catalog}`);
          assert.equal(res.status, 200, JSON.stringify(res.body));
        }, 20_000);
      }
      assert.equal(await failovers('redis', 'sentinel'), 1);
      await heal(d.id);
      await eventually(redisConverged, 60_000);
    });

    it("partition redis-primary: a split brain, and the old primary's acknowledged writes vanish when it rejoins", async () => {
      const old = primaryOf('redis');
      const d = await drill('partition', 'redis-primary', 300);
      const replicas = ['redis-0', 'redis-1', 'redis-2'].filter((n) => n !== old);
      assert.deepEqual(d.footprint, [
        ...replicas.map((r) => `link:${r}->redis-primary`),
        `link:sentinels->${old}`,
      ]);
      // Cut off from its replicas and the Sentinels, not from catalog-a: it still takes writes.
      const during = await write('catalog-a', 'split-brain');
      assert.equal(during.status, 200, JSON.stringify(during.body));
      await eventually(() => assert.notEqual(primaryOf('redis'), old), 30_000);
      // The drill follows the old primary (in the background of the promotion).
      await eventually(async () => {
        const drills = await api<Drill[]>('GET', '/drills');
        assert.deepEqual(drills.body.find((x) => x.id === d.id)!.footprint.sort(), [
          `link:${old}->redis-primary`,
          `link:sentinels->${old}`,
        ]);
      }, 15_000);
      assert.equal((await write('catalog-a', 'after-split')).status, 200, 'on the new primary');
      await heal(d.id);
      await eventually(redisConverged, 60_000);
      const lost = await httpJson(`${url('catalog-a')}/products/split-brain`, {
        headers: { Consistency: 'strong' },
      });
      assert.equal(lost.status, 404, 'the write the old primary acknowledged is gone');
      const kept = await httpJson(`${url('catalog-a')}/products/after-split`, {
        headers: { Consistency: 'strong' },
      });
      assert.equal(kept.status, 200);
    });

    it('failover redis: a forced Sentinel failover moves the endpoint; a second one at once is 409', async () => {
      const old = primaryOf('redis');
      const d = await drill('failover', 'redis');
      assert.match(d.result ?? '', new RegExp(`^redis-\\d promoted; ${old} is a replica now$`));
      const again = await api<{ message: string }>('POST', '/drills', {
        kind: 'failover',
        target: 'redis',
      });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.match(again.body.message, /the Sentinels refused a failover: INPROG/);
      assert.equal((await write('catalog-a', 'after-switchover')).status, 200);
      await eventually(redisConverged, 60_000);
    });
  });

  it('400 for a store that does not exist', async () => {
    const res = await api<{ message: string }>('POST', '/drills', {
      kind: 'failover',
      target: 'mysql',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'target of a failover drill must be one of: pg, redis');
  });
});
