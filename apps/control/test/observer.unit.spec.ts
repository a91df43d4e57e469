import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { parseRedisInfo, type Proxy, type TopologyState } from '@faultline/topology';
import type { MetricsRegistry } from '@faultline/telemetry';
import { within } from '../src/observer/bounded';
import { clockSkewSeconds, readWallMs } from '../src/observer/clock-skew';
import { linkStateSamples } from '../src/observer/link-state';
import { ObservedGauge } from '../src/observer/observed-gauge';
import { ObserverService } from '../src/observer/observer.service';
import {
  parseLsn,
  pgReplicationSamples,
  replayDelaySample,
  type ReplicationRow,
} from '../src/observer/postgres-replication';
import type { Probe } from '../src/observer/probe';
import { listedReplicas, redisReplicationSamples } from '../src/observer/redis-replication';
import type { TopologySource } from '../src/topology/topology-source';

const PRIMARY_INFO = [
  '# Replication',
  'role:master',
  'connected_slaves:2',
  'slave0:ip=127.0.0.1,port=41001,state=online,offset=5000,lag=0',
  'slave1:ip=127.0.0.1,port=41002,state=online,offset=4200,lag=1',
  'master_failover_state:no-failover',
  'master_replid:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'master_replid2:0000000000000000000000000000000000000000',
  'master_repl_offset:5100',
  'second_repl_offset:-1',
  '',
].join('\r\n');

const replicaInfo = (linkStatus: string, offset: number, replid = 'a'.repeat(40)) =>
  parseRedisInfo(
    [
      '# Replication',
      'role:slave',
      'master_host:127.0.0.1',
      `master_link_status:${linkStatus}`,
      `slave_repl_offset:${offset}`,
      `master_replid:${replid}`,
      '',
    ].join('\r\n'),
  );

describe('redis replication', () => {
  it('lists the replicas of a primary INFO replication', () => {
    assert.deepEqual(listedReplicas(parseRedisInfo(PRIMARY_INFO)), [
      { ip: '127.0.0.1', port: 41001, state: 'online', offset: 5000, lag: 0 },
      { ip: '127.0.0.1', port: 41002, state: 'online', offset: 4200, lag: 1 },
    ]);
    assert.deepEqual(listedReplicas(parseRedisInfo('role:master\r\nconnected_slaves:0\r\n')), []);
  });

  it('computes lag from the offsets the primary lists, mapped by port, and link state from each replica', () => {
    const samples = redisReplicationSamples(parseRedisInfo(PRIMARY_INFO), [
      { name: 'redis-1', port: 41001, info: replicaInfo('up', 5000) },
      { name: 'redis-2', port: 41002, info: replicaInfo('down', 4200) },
    ]);
    assert.deepEqual(samples.lagBytes, [
      { labels: { replica: 'redis-1' }, value: 100 },
      { labels: { replica: 'redis-2' }, value: 900 },
    ]);
    assert.deepEqual(samples.linkUp, [
      { labels: { replica: 'redis-1' }, value: 1 },
      { labels: { replica: 'redis-2' }, value: 0 },
    ]);
  });

  it("falls back to an unlisted replica's own offset only while it shares the primary's replication id", () => {
    const primary = parseRedisInfo(PRIMARY_INFO);
    const samples = redisReplicationSamples(primary, [
      { name: 'cut-off', port: 41003, info: replicaInfo('down', 3000) },
      { name: 'other-history', port: 41004, info: replicaInfo('down', 3000, 'b'.repeat(40)) },
      { name: 'unreachable', port: 41005, info: undefined },
    ]);
    assert.deepEqual(samples.lagBytes, [{ labels: { replica: 'cut-off' }, value: 2100 }]);
    // An unreachable replica has no link series at all.
    assert.deepEqual(
      samples.linkUp.map((s) => s.labels.replica),
      ['cut-off', 'other-history'],
    );
  });

  it('has no lag without a primary answering as master', () => {
    const replicas = [{ name: 'redis-1', port: 41001, info: replicaInfo('down', 5000) }];
    assert.deepEqual(redisReplicationSamples(undefined, replicas).lagBytes, []);
    const demoted = parseRedisInfo(PRIMARY_INFO.replace('role:master', 'role:slave'));
    assert.deepEqual(redisReplicationSamples(demoted, replicas).lagBytes, []);
    assert.deepEqual(redisReplicationSamples(undefined, replicas).linkUp, [
      { labels: { replica: 'redis-1' }, value: 0 },
    ]);
  });
});

const row = (over: Partial<ReplicationRow>): ReplicationRow => ({
  current_lsn: '0/5000000',
  application_name: 'pg_1',
  state: 'streaming',
  sync_state: 'quorum',
  lag_bytes: 0,
  write_lag: null,
  flush_lag: null,
  replay_lag: null,
  ...over,
});

/** The single row of a primary without standbys (the LEFT JOIN's nulls). */
const noStandbys = row({
  application_name: null,
  state: null,
  sync_state: null,
  lag_bytes: null,
});

const standby = (name: string, replayLsn: string | null = null, delay: number | null = null) => ({
  name,
  row: { replay_lsn: replayLsn, delay_seconds: delay },
});

describe('postgres replication', () => {
  const standbys = [standby('pg-1'), standby('pg-2')];

  it('parses LSNs', () => {
    assert.equal(parseLsn('0/0'), 0n);
    assert.equal(parseLsn('16/B374D848'), (0x16n << 32n) + 0xb374d848n);
    assert.throws(() => parseLsn('nonsense'), /not an LSN/);
  });

  it('maps application_name to the node name; NULL stage lags are 0 (caught up)', () => {
    const samples = pgReplicationSamples(
      [
        row({ lag_bytes: 1024, write_lag: 0.002, flush_lag: 0.003, replay_lag: 0.5 }),
        row({ application_name: 'pg_2', lag_bytes: 0 }),
      ],
      standbys,
    );
    assert.deepEqual(samples.lagBytes, [
      { labels: { replica: 'pg-1' }, value: 1024 },
      { labels: { replica: 'pg-2' }, value: 0 },
    ]);
    assert.deepEqual(samples.lagSeconds, [
      { labels: { replica: 'pg-1', stage: 'write' }, value: 0.002 },
      { labels: { replica: 'pg-1', stage: 'flush' }, value: 0.003 },
      { labels: { replica: 'pg-1', stage: 'replay' }, value: 0.5 },
      { labels: { replica: 'pg-2', stage: 'write' }, value: 0 },
      { labels: { replica: 'pg-2', stage: 'flush' }, value: 0 },
      { labels: { replica: 'pg-2', stage: 'replay' }, value: 0 },
    ]);
    assert.equal(samples.syncStandbys, 2);
  });

  it('counts sync and quorum standbys only; an unconnected, unanswering standby has no series', () => {
    const samples = pgReplicationSamples(
      [
        row({ sync_state: 'async' }),
        row({ application_name: 'pg_basebackup', sync_state: 'sync' }),
      ],
      [standby('pg-1'), { name: 'pg-2', row: undefined }],
    );
    assert.equal(samples.syncStandbys, 1);
    assert.deepEqual(
      samples.lagBytes.map((s) => s.labels.replica),
      ['pg-1'],
    );
    assert.deepEqual(pgReplicationSamples([noStandbys], standbys), {
      lagBytes: [],
      lagSeconds: [],
      syncStandbys: 0,
    });
  });

  it('measures a cut-off standby that still answers from its own replay position', () => {
    const samples = pgReplicationSamples(
      [row({ current_lsn: '1/00000010', application_name: 'pg_2' })],
      [standby('pg-1', '0/FFFFFFF0'), standby('pg-2', '0/10')],
    );
    assert.deepEqual(samples.lagBytes, [
      { labels: { replica: 'pg-1' }, value: 32 },
      { labels: { replica: 'pg-2' }, value: 0 },
    ]);
    // No timings for a standby the primary does not list.
    assert.deepEqual([...new Set(samples.lagSeconds.map((s) => s.labels.replica))], ['pg-2']);
    // Read a moment later than the primary, the standby may look ahead: that is 0, not negative.
    assert.deepEqual(pgReplicationSamples([noStandbys], [standby('pg-1', '0/5000100')]).lagBytes, [
      { labels: { replica: 'pg-1' }, value: 0 },
    ]);
  });

  it('leaves bytes absent before the first replay, and prefers the streaming row of a standby', () => {
    const samples = pgReplicationSamples(
      [
        row({ state: 'startup', lag_bytes: null }),
        row({ state: 'streaming', lag_bytes: 7 }),
        row({ application_name: 'pg_2', state: 'startup', lag_bytes: null }),
      ],
      standbys,
    );
    assert.deepEqual(samples.lagBytes, [{ labels: { replica: 'pg-1' }, value: 7 }]);
  });

  it('leaves the replay delay absent when the standby has replayed nothing or does not answer', () => {
    assert.deepEqual(replayDelaySample('pg-1', standby('x', '0/1', 3.25).row), [
      { labels: { replica: 'pg-1' }, value: 3.25 },
    ]);
    assert.deepEqual(replayDelaySample('pg-1', standby('x', '0/1', null).row), []);
    assert.deepEqual(replayDelaySample('pg-1', undefined), []);
  });
});

describe('clock skew', () => {
  it('corrects for half the round trip', () => {
    // Sent at 1000, answered at 1100; the remote read 31050 at the midpoint: 30 s ahead.
    assert.equal(clockSkewSeconds(1_000, 31_050, 1_100), 30);
    assert.equal(clockSkewSeconds(1_000, 1_050, 1_100), 0);
    assert.equal(clockSkewSeconds(10_000, 5_000, 10_000), -5);
    assert.equal(clockSkewSeconds(0, 250, 0), 0.25);
  });

  it('reads wallMs from /internal/time and refuses anything else', () => {
    assert.equal(readWallMs({ wallMs: 1_767_225_600_000, offsetMs: 0 }), 1_767_225_600_000);
    assert.throws(() => readWallMs({ offsetMs: 0 }), /wallMs/);
    assert.throws(() => readWallMs({ wallMs: '1' }), /wallMs/);
    assert.throws(() => readWallMs(null), /wallMs/);
  });
});

const proxy = (name: string, over: Partial<Proxy> = {}): Proxy => ({
  name,
  listen: '127.0.0.1:1',
  upstream: '127.0.0.1:2',
  enabled: true,
  toxics: [],
  ...over,
});

describe('link state', () => {
  it('is up without toxics, down when partitioned, refused or missing; latency sums latency toxics', () => {
    const links = ['a->b', 'c->b', 'd->b', 'e->b', 'missing->b'];
    const samples = linkStateSamples(links, [
      proxy('a->b'),
      proxy('c->b', {
        toxics: [
          { name: 'up', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } },
          { name: 'down', type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
        ],
      }),
      proxy('d->b', { enabled: false }),
      proxy('e->b', {
        toxics: [
          {
            name: 'l1',
            type: 'latency',
            stream: 'downstream',
            attributes: { latency: 200, jitter: 50 },
          },
          {
            name: 'l2',
            type: 'latency',
            stream: 'upstream',
            attributes: { latency: 100, jitter: 0 },
          },
          { name: 'bw', type: 'bandwidth', stream: 'upstream', attributes: { rate: 10 } },
        ],
      }),
      proxy('not-a-link'),
    ]);
    assert.deepEqual(
      samples.up.map((s) => [s.labels.link, s.value]),
      [
        ['a->b', 1],
        ['c->b', 0],
        ['d->b', 0],
        ['e->b', 1],
        ['missing->b', 0],
      ],
    );
    assert.deepEqual(
      samples.latencyMs.map((s) => [s.labels.link, s.value]),
      [
        ['a->b', 0],
        ['c->b', 0],
        ['d->b', 0],
        ['e->b', 300],
      ],
    );
  });

  it('ignores toxics with toxicity 0', () => {
    const samples = linkStateSamples(
      ['a->b'],
      [
        proxy('a->b', {
          toxics: [
            {
              name: 't',
              type: 'timeout',
              stream: 'upstream',
              toxicity: 0,
              attributes: { timeout: 0 },
            },
            {
              name: 'l',
              type: 'latency',
              stream: 'upstream',
              toxicity: 0,
              attributes: { latency: 9 },
            },
          ],
        }),
      ],
    );
    assert.deepEqual(samples.up[0]?.value, 1);
    assert.deepEqual(samples.latencyMs[0]?.value, 0);
  });
});

const fakeMetrics = () => {
  const registry = new Registry();
  return { registry, metrics: { registry } as unknown as MetricsRegistry };
};

describe('ObservedGauge', () => {
  it('replaces the series: label sets not measured again disappear', async () => {
    const { registry, metrics } = fakeMetrics();
    const gauge = new ObservedGauge(metrics, { name: 'g', help: 'h', labelNames: ['replica'] });
    gauge.replace([
      { labels: { replica: 'a' }, value: 1 },
      { labels: { replica: 'b' }, value: 2 },
    ]);
    gauge.replace([{ labels: { replica: 'b' }, value: 3 }]);
    const values = (await registry.getSingleMetric('g')!.get()).values;
    assert.deepEqual(
      values.map((v) => [v.labels.replica, v.value]),
      [['b', 3]],
    );
    gauge.clear();
    assert.deepEqual((await registry.getSingleMetric('g')!.get()).values, []);
  });

  it('starts a gauge without labels absent, not at 0', async () => {
    const { registry, metrics } = fakeMetrics();
    const gauge = new ObservedGauge(metrics, { name: 'n', help: 'h', labelNames: [] });
    assert.deepEqual((await registry.getSingleMetric('n')!.get()).values, []);
    gauge.replace([{ labels: {}, value: 2 }]);
    assert.deepEqual(
      (await registry.getSingleMetric('n')!.get()).values.map((v) => v.value),
      [2],
    );
    gauge.clear();
    assert.deepEqual((await registry.getSingleMetric('n')!.get()).values, []);
  });
});

describe('within', () => {
  it('rejects once the time is up and passes results through before', async () => {
    assert.equal(await within(Promise.resolve(1), 50, 'x'), 1);
    await assert.rejects(
      within(new Promise(() => undefined), 20, 'pg-primary'),
      /pg-primary: no answer within 20 ms/,
    );
  });
});

describe('ObserverService', () => {
  // Its warnings about the fake failures are expected; keep the test output clean.
  Logger.overrideLogger(false);
  class FakeProbe implements Probe {
    observed = 0;
    cleared = 0;
    constructor(
      readonly name: string,
      private readonly work: () => Promise<void> = async () => undefined,
    ) {}
    observe(): Promise<void> {
      this.observed++;
      return this.work();
    }
    clear(): void {
      this.cleared++;
    }
  }
  const topology = (current: () => TopologyState) => ({ current }) as unknown as TopologySource;
  const state = {} as TopologyState;
  // One fake per probe the service takes after its TopologySource, however many that is.
  const PROBE_COUNT = ObserverService.length - 1;
  const fakes = (...first: FakeProbe[]) => [
    ...first,
    ...Array.from({ length: PROBE_COUNT - first.length }, (_, i) => new FakeProbe(`p${i}`)),
  ];
  const service = (source: TopologySource, probes: FakeProbe[]) =>
    new (ObserverService as unknown as new (...args: unknown[]) => ObserverService)(
      source,
      ...probes,
    );

  it('keeps polling past a failing probe, clearing only its series', async () => {
    const failing = new FakeProbe('failing', () => Promise.reject(new Error('boom')));
    const [, ...others] = fakes(failing);
    const observer = service(
      topology(() => state),
      [failing, ...others],
    );
    await observer.poll();
    await observer.poll();
    assert.equal(failing.cleared, 2);
    assert.ok(others.length > 0);
    for (const p of others) assert.deepEqual([p.observed, p.cleared], [2, 0], p.name);
  });

  it('clears every series when the topology cannot be read', async () => {
    const probes = fakes();
    const observer = service(
      topology(() => {
        throw new Error('no topology state');
      }),
      probes,
    );
    await observer.poll();
    for (const p of probes) assert.deepEqual([p.observed, p.cleared], [0, 1], p.name);
  });

  it('polls every second from bootstrap, never two polls at once, and stops at shutdown', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let finish: () => void = () => undefined;
      const slow = new FakeProbe('slow', () => new Promise<void>((resolve) => (finish = resolve)));
      const probes = fakes(slow);
      const observer = service(
        topology(() => state),
        probes,
      );
      observer.onApplicationBootstrap();
      assert.equal(slow.observed, 1);
      mock.timers.tick(1_000);
      mock.timers.tick(1_000);
      assert.equal(slow.observed, 1, 'a tick during a running poll is skipped');
      finish();
      await new Promise((r) => setImmediate(r));
      mock.timers.tick(1_000);
      assert.equal(slow.observed, 2);
      finish();
      await observer.onApplicationShutdown();
      mock.timers.tick(5_000);
      assert.equal(slow.observed, 2);
    } finally {
      mock.timers.reset();
    }
  });
  it('polls at once on refresh, and once more after a poll that was running (it may predate the change)', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let finish: () => void = () => undefined;
      const slow = new FakeProbe('slow', () => new Promise<void>((resolve) => (finish = resolve)));
      const observer = service(
        topology(() => state),
        fakes(slow),
      );
      observer.onApplicationBootstrap();
      assert.equal(slow.observed, 1);
      observer.refresh();
      observer.refresh();
      assert.equal(slow.observed, 1, 'no second poll while one runs');
      finish();
      await new Promise((r) => setImmediate(r));
      assert.equal(slow.observed, 2, 'one more poll right after, before any tick');
      finish();
      await new Promise((r) => setImmediate(r));
      assert.equal(slow.observed, 2, 'two refreshes during one poll make one more poll');
      observer.refresh();
      assert.equal(slow.observed, 3, 'an idle observer polls at once');
      finish();
      await observer.onApplicationShutdown();
      observer.refresh();
      assert.equal(slow.observed, 3, 'not after shutdown');
    } finally {
      mock.timers.reset();
    }
  });
});
