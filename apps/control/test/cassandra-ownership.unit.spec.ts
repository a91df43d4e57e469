import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { Endpoint, TopologyMap, TopologyNode } from '@faultline/topology';
import type { MetricsRegistry } from '@faultline/telemetry';
import {
  ownershipSamples,
  parseToken,
  ringOwnership,
  type MemberTokens,
} from '../src/observer/cassandra-ownership';
import {
  CassandraOwnershipProbe,
  OWNERSHIP_REFRESH_MS,
} from '../src/observer/cassandra-ownership.probe';
import { DatastoreSessions } from '../src/topology/datastore-sessions';

const Q = 1n << 62n; // a quarter of the ring
const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

const shares = (members: MemberTokens[]) => Object.fromEntries(ringOwnership(members));

describe('Murmur3 tokens', () => {
  it('parses the ring from its first token to its last', () => {
    assert.equal(parseToken('-9223372036854775808'), MIN);
    assert.equal(parseToken('9223372036854775807'), MAX);
    assert.equal(parseToken('0'), 0n);
    assert.equal(parseToken('-4611686018427387904'), -Q);
  });

  it('refuses what is not a Murmur3 token', () => {
    for (const text of ['', ' 1', '0x10', '1.5', '9223372036854775808', '-9223372036854775809']) {
      assert.throws(() => parseToken(text), /not a Murmur3 token/, text);
    }
  });
});

describe('ring ownership', () => {
  it('splits the ring in halves between two evenly spaced tokens', () => {
    assert.deepEqual(
      shares([
        { member: 'a', tokens: [MIN] },
        { member: 'b', tokens: [0n] },
      ]),
      { a: 0.5, b: 0.5 },
    );
    // Neither at the ring's start: the first token's range wraps around from the last.
    assert.deepEqual(
      shares([
        { member: 'a', tokens: [-Q] },
        { member: 'b', tokens: [Q] },
      ]),
      { a: 0.5, b: 0.5 },
    );
  });

  it('gives each token the range from the previous one, the first wrapping around', () => {
    // Sorted: c (-Q), a (0), b (Q). c owns (Q, MAX] and [MIN, -Q]: half the ring.
    assert.deepEqual(
      shares([
        { member: 'a', tokens: [0n] },
        { member: 'b', tokens: [Q] },
        { member: 'c', tokens: [-Q] },
      ]),
      { a: 0.25, b: 0.25, c: 0.5 },
    );
    // The wrap-around range from the ring's last token, MAX, to its first, MIN: MIN alone.
    const edge = ringOwnership([
      { member: 'a', tokens: [MIN] },
      { member: 'b', tokens: [MAX] },
    ]);
    assert.equal(edge.get('a'), 2 ** -64);
  });

  it("sums a member's ranges over all its tokens (vnodes)", () => {
    assert.deepEqual(
      shares([
        { member: 'a', tokens: [0n, MIN] },
        { member: 'b', tokens: [-Q] },
      ]),
      { a: 0.75, b: 0.25 },
    );
  });

  it('gives a lone member the whole ring, however many tokens it has; none owns nothing', () => {
    assert.deepEqual(shares([{ member: 'a', tokens: [42n] }]), { a: 1 });
    assert.deepEqual(shares([{ member: 'a', tokens: [-Q, 0n, Q] }]), { a: 1 });
    assert.deepEqual(
      shares([
        { member: 'a', tokens: [42n] },
        { member: 'joining', tokens: [] },
      ]),
      { a: 1, joining: 0 },
    );
  });

  it('shares out the whole ring among 16 random-looking tokens each', () => {
    let seed = 0x9e3779b97f4a7c15n;
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n));
    const members = ['a', 'b', 'c'].map((member) => ({
      member,
      tokens: Array.from({ length: 16 }, () => next() + MIN),
    }));
    const owned = [...ringOwnership(members).values()];
    assert.ok(owned.every((share) => share > 0 && share < 1));
    assert.ok(Math.abs(owned.reduce((sum, share) => sum + share, 0) - 1) < 1e-12);
  });

  it('has series only once every member has listed its tokens', () => {
    const ring = [
      { member: 'cassandra-0', tokens: [MIN] },
      { member: 'cassandra-1', tokens: [0n] },
    ];
    assert.deepEqual(ownershipSamples(ring), [
      { labels: { node: 'cassandra-0' }, value: 0.5 },
      { labels: { node: 'cassandra-1' }, value: 0.5 },
    ]);
    assert.deepEqual(ownershipSamples([...ring, { member: 'cassandra-2', tokens: undefined }]), []);
    assert.deepEqual(ownershipSamples([]), []);
  });
});

/** Fake kept clients: each member answers system.local with its tokens, or fails. */
class FakeSessions {
  readonly asked: string[] = [];
  readonly failing = new Set<string>();
  constructor(private readonly tokens: Record<string, string[]>) {}
  cqlQuery<T>(member: Endpoint, cql: string): Promise<T[]> {
    const name = `cassandra-${member.port - 9000}`;
    this.asked.push(name);
    assert.equal(cql, 'SELECT tokens FROM system.local');
    if (this.failing.has(name)) return Promise.reject(new Error('NoHostAvailableError'));
    return Promise.resolve([{ tokens: this.tokens[name] }] as T[]);
  }
}

const member = (i: number): TopologyNode => ({
  name: `cassandra-${i}`,
  kind: 'cassandra',
  role: 'member',
  host: '127.0.0.1',
  port: 9000 + i,
});
const core: TopologyNode[] = [
  { name: 'pg-0', kind: 'postgres', role: 'primary', host: '127.0.0.1', port: 5432 },
  { name: 'redis-0', kind: 'redis', role: 'primary', host: '127.0.0.1', port: 6379 },
];
const topology = (nodes: TopologyNode[]) => ({ nodes, links: [] }) as unknown as TopologyMap;
const quorumLab = topology([...core, member(0), member(1), member(2)]);

function probeWith(sessions: object) {
  const registry = new Registry();
  const probe = new CassandraOwnershipProbe(
    { registry } as unknown as MetricsRegistry,
    sessions as DatastoreSessions,
  );
  const gauge = async () =>
    Object.fromEntries(
      (await registry.getSingleMetric('faultline_cassandra_ownership_ratio')!.get()).values.map(
        (v) => [v.labels.node, v.value],
      ),
    );
  return { probe, gauge };
}

const driverLoaded = () =>
  Object.keys(require.cache).some((path) => path.includes('/node_modules/cassandra-driver/'));

describe('CassandraOwnershipProbe', () => {
  // Its warnings about the fake failures are expected; keep the test output clean.
  before(() => {
    Logger.overrideLogger(false);
    mock.timers.enable({ apis: ['Date'], now: 0 });
  });
  after(() => mock.timers.reset());

  const ring = { 'cassandra-0': ['0'], 'cassandra-1': [String(Q)], 'cassandra-2': [String(-Q)] };
  const expected = { 'cassandra-0': 0.25, 'cassandra-1': 0.25, 'cassandra-2': 0.5 };

  it('asks nothing and has no series without the quorum lab', async () => {
    const sessions = new FakeSessions(ring);
    const { probe, gauge } = probeWith(sessions);
    await probe.observe(topology(core));
    assert.deepEqual(sessions.asked, []);
    assert.deepEqual(await gauge(), {});
  });

  it("opens no CQL client, nor loads the driver, on control's own sessions without the lab", async () => {
    const sessions = new DatastoreSessions();
    const { probe } = probeWith(sessions);
    await probe.observe(topology(core));
    sessions.onApplicationShutdown();
    assert.equal(driverLoaded(), false);
    // The check itself sees the driver once it is loaded.
    await import('cassandra-driver');
    assert.equal(driverLoaded(), true);
  });

  it('reads every member once, then again only after the refresh interval', async () => {
    const sessions = new FakeSessions(ring);
    const { probe, gauge } = probeWith(sessions);
    await probe.observe(quorumLab);
    assert.deepEqual(await gauge(), expected);
    assert.equal(sessions.asked.length, 3);
    mock.timers.tick(OWNERSHIP_REFRESH_MS - 1);
    await probe.observe(quorumLab);
    assert.equal(sessions.asked.length, 3, 'not asked again within the interval');
    assert.deepEqual(await gauge(), expected);
    mock.timers.tick(1);
    await probe.observe(quorumLab);
    assert.deepEqual(sessions.asked.slice(3).sort(), ['cassandra-0', 'cassandra-1', 'cassandra-2']);
  });

  it('keeps the last known tokens of a member that stops answering, without throwing', async () => {
    const sessions = new FakeSessions(ring);
    const { probe, gauge } = probeWith(sessions);
    await probe.observe(quorumLab);
    sessions.failing.add('cassandra-1');
    mock.timers.tick(OWNERSHIP_REFRESH_MS);
    await probe.observe(quorumLab);
    assert.equal(sessions.asked.filter((m) => m === 'cassandra-1').length, 2);
    assert.deepEqual(await gauge(), expected);
  });

  it('has no series until every member has answered, asking the silent one at every poll', async () => {
    const sessions = new FakeSessions(ring);
    sessions.failing.add('cassandra-2');
    const { probe, gauge } = probeWith(sessions);
    await probe.observe(quorumLab);
    await probe.observe(quorumLab);
    assert.deepEqual(await gauge(), {}, "the others' shares would swallow its ranges");
    assert.deepEqual(sessions.asked.sort(), [
      'cassandra-0',
      'cassandra-1',
      'cassandra-2',
      'cassandra-2',
    ]);
    sessions.failing.clear();
    await probe.observe(quorumLab);
    assert.deepEqual(await gauge(), expected);
  });
});
