import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { TopologyMap, TopologyNode } from '@faultline/topology';
import type { MetricsRegistry } from '@faultline/telemetry';
import {
  consensusSamples,
  isHealthyAnswer,
  memberIdText,
  parseMemberNames,
  parseMemberStatus,
} from '../src/observer/etcd-consensus';
import { EtcdConsensusProbe, MEMBER_LIST_REFRESH_MS } from '../src/observer/etcd-consensus.probe';

// Member IDs past 2^53, as etcd's are: a Number would round them.
const ID = ['10276657743932975437', '10501334649042878790', '18249187646912138824'] as const;
const MEMBERS = ['etcd-0', 'etcd-1', 'etcd-2'] as const;
const CLUSTER = '14841639068965178418';

/** A status answer as etcd 3.4's gateway writes it (uint64s as decimal text). */
const statusAnswer = (member: number, leader: string | undefined, term = 2, index = 8) => ({
  header: { cluster_id: CLUSTER, member_id: ID[member], revision: '1', raft_term: String(term) },
  version: '3.4.23',
  dbSize: '20480',
  // proto3 JSON leaves a zero out: a member without a leader has no `leader` field.
  ...(leader === undefined ? {} : { leader }),
  raftIndex: String(index),
  raftTerm: String(term),
  raftAppliedIndex: String(index),
  dbSizeInUse: '16384',
});

const memberListAnswer = () => ({
  header: { cluster_id: CLUSTER, member_id: ID[1], raft_term: '2' },
  members: MEMBERS.map((name, i) => ({
    ID: ID[i],
    name,
    peerURLs: [`http://127.0.0.1:${3380 + i}`],
    clientURLs: [`http://127.0.0.1:${2379 + i}`],
  })),
});

const NAMES = new Map(MEMBERS.map((name, i) => [BigInt(ID[i]), name]));

describe('etcd status answers', () => {
  it('read the member, the leader it believes in, its term and indexes, IDs exact', () => {
    assert.deepEqual(parseMemberStatus(statusAnswer(1, ID[0], 5, 42)), {
      memberId: BigInt(ID[1]),
      leaderId: BigInt(ID[0]),
      raftTerm: 5,
      raftIndex: 42,
      raftAppliedIndex: 42,
    });
    // One apart, beyond a Number's precision: still two members.
    const near = parseMemberStatus(statusAnswer(0, '10276657743932975436'));
    assert.notEqual(near.leaderId, near.memberId);
  });

  it('know no leader when the member reports leader 0, or leaves the field out', () => {
    assert.equal(parseMemberStatus(statusAnswer(2, undefined)).leaderId, undefined);
    assert.equal(parseMemberStatus(statusAnswer(2, '0')).leaderId, undefined);
  });

  it('leave the applied index unknown when the answer does not carry it', () => {
    const older: Record<string, unknown> = statusAnswer(0, ID[0]);
    delete older.raftAppliedIndex;
    assert.equal(parseMemberStatus(older).raftAppliedIndex, undefined);
  });

  it('refuse what is not a status answer', () => {
    const valid = statusAnswer(0, ID[0]);
    const cases: [string, unknown][] = [
      ['null', null],
      ['an array', [valid]],
      ['a gateway error', { error: 'etcdserver: request timed out', code: 14 }],
      ['no member_id', { ...valid, header: { cluster_id: CLUSTER } }],
      ['a numeric ID', { ...valid, header: { ...valid.header, member_id: 42 } }],
      ['a hex leader', { ...valid, leader: '8e9e05c52164694d' }],
      ['a negative term', { ...valid, raftTerm: '-1' }],
      ['no term', { ...valid, raftTerm: undefined }],
      ['no index', { ...valid, raftIndex: undefined }],
      ['an ID past uint64', { ...valid, leader: '18446744073709551616' }],
      ['an empty index', { ...valid, raftAppliedIndex: '' }],
    ];
    for (const [what, body] of cases)
      assert.throws(() => parseMemberStatus(body), /not a maintenance status answer/, what);
  });
});

describe('etcd member lists', () => {
  it('name each member by its ID', () => {
    assert.deepEqual(parseMemberNames(memberListAnswer()), NAMES);
  });

  it('skip a member added but not started yet (no name)', () => {
    const answer = memberListAnswer();
    answer.members.push({ ID: '42', peerURLs: ['http://127.0.0.1:3390'] } as never);
    assert.deepEqual(parseMemberNames(answer), NAMES);
  });

  it('refuse what is not a member list', () => {
    const cases: [string, unknown][] = [
      ['a string', 'members'],
      ['no members', { header: {} }],
      ['a member that is not an object', { members: ['etcd-0'] }],
      ['a member without an ID', { members: [{ name: 'etcd-0' }] }],
      ['a hex ID', { members: [{ ID: '8e9e05c52164694d', name: 'etcd-0' }] }],
    ];
    for (const [what, body] of cases)
      assert.throws(() => parseMemberNames(body), /not a member list answer/, what);
  });

  it('write a member ID as etcd does in hex', () => {
    assert.equal(memberIdText(BigInt(ID[0])), '8e9e05c52164694d');
  });
});

describe('etcd health answers', () => {
  it('are healthy only with 200 and {"health":"true"}', () => {
    assert.equal(isHealthyAnswer(200, '{"health":"true"}'), true);
    assert.equal(isHealthyAnswer(200, '{"health":"true","reason":""}'), true);
    assert.equal(isHealthyAnswer(503, '{"health":"false"}'), false);
    assert.equal(isHealthyAnswer(200, '{"health":"false"}'), false);
    assert.equal(isHealthyAnswer(503, '{"health":"true"}'), false);
    assert.equal(isHealthyAnswer(200, '{"health":true}'), false);
    assert.equal(isHealthyAnswer(200, 'ok'), false);
  });
});

describe('etcd consensus samples', () => {
  const status = (member: number, leader: string | undefined, term = 2) =>
    parseMemberStatus(statusAnswer(member, leader, term));

  it('show one leader, each member following it, their terms and indexes, and their health', () => {
    const samples = consensusSamples(
      MEMBERS.map((node, i) => ({ node, status: status(i, ID[1]), healthy: true })),
      NAMES,
    );
    assert.deepEqual(
      samples.isLeader.map((s) => s.value),
      [0, 1, 0],
    );
    assert.deepEqual(
      samples.leader,
      MEMBERS.map((node) => ({ labels: { node, leader: 'etcd-1' }, value: 1 })),
    );
    assert.deepEqual(
      samples.raftTerm.map((s) => s.value),
      [2, 2, 2],
    );
    assert.deepEqual(
      samples.raftIndex.map((s) => s.value),
      [8, 8, 8],
    );
    assert.deepEqual(
      samples.raftAppliedIndex.map((s) => s.value),
      [8, 8, 8],
    );
    assert.deepEqual(
      samples.healthy,
      MEMBERS.map((node) => ({ labels: { node }, value: 1 })),
    );
  });

  it('give a member without a leader no leader series, and say it does not lead', () => {
    // etcd-0 led in term 2 and is cut off; the majority elected etcd-1 in term 3.
    const samples = consensusSamples(
      [
        { node: 'etcd-0', status: status(0, undefined, 2), healthy: false },
        { node: 'etcd-1', status: status(1, ID[1], 3), healthy: true },
        { node: 'etcd-2', status: status(2, ID[1], 3), healthy: true },
      ],
      NAMES,
    );
    assert.deepEqual(samples.isLeader[0], { labels: { node: 'etcd-0' }, value: 0 });
    assert.deepEqual(
      samples.leader.map((s) => s.labels.node),
      ['etcd-1', 'etcd-2'],
    );
    assert.deepEqual(
      samples.raftTerm.map((s) => s.value),
      [2, 3, 3],
    );
    assert.deepEqual(samples.healthy[0], { labels: { node: 'etcd-0' }, value: 0 });
  });

  it('have no Raft series for a member that did not answer, and no health without an answer', () => {
    const samples = consensusSamples(
      [
        { node: 'etcd-0', status: undefined, healthy: undefined },
        { node: 'etcd-1', status: undefined, healthy: false },
      ],
      NAMES,
    );
    for (const series of [
      samples.isLeader,
      samples.leader,
      samples.raftTerm,
      samples.raftIndex,
      samples.raftAppliedIndex,
    ])
      assert.deepEqual(series, []);
    assert.deepEqual(samples.healthy, [{ labels: { node: 'etcd-1' }, value: 0 }]);
  });

  it('label a leader the member list does not name by its hex ID', () => {
    const samples = consensusSamples(
      [{ node: 'etcd-1', status: status(1, ID[0]), healthy: true }],
      new Map(),
    );
    assert.deepEqual(samples.leader, [
      { labels: { node: 'etcd-1', leader: '8e9e05c52164694d' }, value: 1 },
    ]);
  });
});

/** The lab's members behind a fake fetch: each follows `leader` (none: unhealthy) or is cut. */
class FakeCluster {
  readonly asked: string[] = [];
  readonly unreachable = new Set<string>();
  leader: string | undefined = ID[0];
  memberList: () => Response = () => Response.json(memberListAnswer());

  fetch = (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input));
    const member = `etcd-${Number(url.port) - 2379}`;
    this.asked.push(`${member} ${url.pathname}`);
    if (this.unreachable.has(member)) return Promise.reject(new TypeError('fetch failed'));
    const i = MEMBERS.indexOf(member as (typeof MEMBERS)[number]);
    switch (url.pathname) {
      case '/v3/maintenance/status':
        return Promise.resolve(Response.json(statusAnswer(i, this.leader)));
      case '/v3/cluster/member/list':
        return Promise.resolve(this.memberList());
      case '/health':
        return Promise.resolve(
          this.leader
            ? Response.json({ health: 'true' })
            : Response.json({ health: 'false' }, { status: 503 }),
        );
      default:
        return Promise.resolve(new Response('not found', { status: 404 }));
    }
  };

  listAsks = () => this.asked.filter((a) => a.endsWith('/member/list')).length;
}

const etcd = (i: number): TopologyNode => ({
  name: `etcd-${i}`,
  kind: 'etcd',
  role: 'member',
  host: '127.0.0.1',
  port: 2379 + i,
  url: `http://127.0.0.1:${2379 + i}`,
});
const core: TopologyNode[] = [
  { name: 'pg-0', kind: 'postgres', role: 'primary', host: '127.0.0.1', port: 5432 },
  {
    name: 'control',
    kind: 'app',
    role: 'service',
    host: '127.0.0.1',
    port: 4000,
    url: 'http://127.0.0.1:4000',
  },
];
const topology = (nodes: TopologyNode[]) => ({ nodes, links: [] }) as unknown as TopologyMap;
const consensusLab = topology([...core, etcd(0), etcd(1), etcd(2)]);

function probeWith(cluster: FakeCluster) {
  mock.method(globalThis, 'fetch', cluster.fetch);
  const registry = new Registry();
  const probe = new EtcdConsensusProbe({ registry } as unknown as MetricsRegistry);
  /** A gauge's series as `label=value,…` → value. */
  const gauge = async (name: string) =>
    Object.fromEntries(
      (await registry.getSingleMetric(name)!.get()).values.map((v) => [
        Object.entries(v.labels)
          .map(([k, l]) => `${k}=${l}`)
          .join(','),
        v.value,
      ]),
    );
  return { probe, gauge };
}

describe('EtcdConsensusProbe', () => {
  // Its warnings about the fake failures are expected; keep the test output clean.
  before(() => {
    Logger.overrideLogger(false);
    mock.timers.enable({ apis: ['Date'], now: 0 });
  });
  after(() => mock.timers.reset());
  afterEach(() => mock.restoreAll());

  it('asks nothing and has no series without the consensus lab', async () => {
    const cluster = new FakeCluster();
    const { probe, gauge } = probeWith(cluster);
    await probe.observe(topology(core));
    assert.deepEqual(cluster.asked, []);
    assert.deepEqual(await gauge('faultline_etcd_is_leader'), {});
  });

  it("exports each member's view, naming the leader from the member list", async () => {
    const cluster = new FakeCluster();
    const { probe, gauge } = probeWith(cluster);
    await probe.observe(consensusLab);
    assert.deepEqual(await gauge('faultline_etcd_is_leader'), {
      'node=etcd-0': 1,
      'node=etcd-1': 0,
      'node=etcd-2': 0,
    });
    assert.deepEqual(await gauge('faultline_etcd_leader'), {
      'node=etcd-0,leader=etcd-0': 1,
      'node=etcd-1,leader=etcd-0': 1,
      'node=etcd-2,leader=etcd-0': 1,
    });
    assert.deepEqual(await gauge('faultline_etcd_raft_term'), {
      'node=etcd-0': 2,
      'node=etcd-1': 2,
      'node=etcd-2': 2,
    });
    assert.equal((await gauge('faultline_etcd_raft_index'))['node=etcd-2'], 8);
    assert.equal((await gauge('faultline_etcd_raft_applied_index'))['node=etcd-2'], 8);
    assert.deepEqual(await gauge('faultline_etcd_member_healthy'), {
      'node=etcd-0': 1,
      'node=etcd-1': 1,
      'node=etcd-2': 1,
    });
  });

  it('removes the series of a member that stops answering, and says 0 for one without a leader', async () => {
    const cluster = new FakeCluster();
    const { probe, gauge } = probeWith(cluster);
    await probe.observe(consensusLab);
    cluster.unreachable.add('etcd-2');
    cluster.leader = undefined;
    await probe.observe(consensusLab);
    assert.deepEqual(await gauge('faultline_etcd_is_leader'), {
      'node=etcd-0': 0,
      'node=etcd-1': 0,
    });
    assert.deepEqual(await gauge('faultline_etcd_leader'), {});
    assert.deepEqual(await gauge('faultline_etcd_member_healthy'), {
      'node=etcd-0': 0,
      'node=etcd-1': 0,
    });
    assert.deepEqual(Object.keys(await gauge('faultline_etcd_raft_term')), [
      'node=etcd-0',
      'node=etcd-1',
    ]);
  });

  it('asks for the member list until one member answers it, then only after the refresh interval', async () => {
    const cluster = new FakeCluster();
    cluster.memberList = () => new Response('unavailable', { status: 503 });
    const { probe, gauge } = probeWith(cluster);
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 3, 'any member may answer');
    assert.deepEqual(Object.keys(await gauge('faultline_etcd_leader')), [
      'node=etcd-0,leader=8e9e05c52164694d',
      'node=etcd-1,leader=8e9e05c52164694d',
      'node=etcd-2,leader=8e9e05c52164694d',
    ]);
    cluster.memberList = () => Response.json(memberListAnswer());
    cluster.unreachable.add('etcd-0');
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 6);
    assert.deepEqual(Object.keys(await gauge('faultline_etcd_leader')), [
      'node=etcd-1,leader=etcd-0',
      'node=etcd-2,leader=etcd-0',
    ]);
    mock.timers.tick(MEMBER_LIST_REFRESH_MS - 1);
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 6, 'not asked again within the interval');
    mock.timers.tick(1);
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 9);
  });

  it('asks for the member list again at the next poll when a leader is not in it', async () => {
    const cluster = new FakeCluster();
    const { probe } = probeWith(cluster);
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 3);
    cluster.leader = '42';
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 3, 'the poll that meets it has already asked');
    await probe.observe(consensusLab);
    assert.equal(cluster.listAsks(), 6);
  });
});
