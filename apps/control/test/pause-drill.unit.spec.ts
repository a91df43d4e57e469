import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type NodeSpec, type TopologyMap } from '@faultline/topology';
import { planningTopology } from './planning-topology';
import { drillKinds, InvalidDrill, planDrill } from '../src/drills/drill-kinds';
import { FaultBackend } from '../src/drills/fault-backend';

/**
 * A small topology: a PostgreSQL pair, a Redis primary, the ledger instances, and the nodes a
 * pause must not freeze (what carries the links, control, the workload).
 */
const NODES: NodeSpec[] = [
  { name: 'toxiproxy', kind: 'toxiproxy', role: 'proxy' },
  { name: 'raft-relay', kind: 'relay', role: 'proxy' },
  { name: 'pg-0', kind: 'postgres', role: 'primary' },
  { name: 'pg-1', kind: 'postgres', role: 'replica' },
  { name: 'redis-0', kind: 'redis', role: 'primary' },
  { name: 'ledger-a', kind: 'app', role: 'service' },
  { name: 'ledger-b', kind: 'app', role: 'service' },
  { name: 'control', kind: 'app', role: 'service' },
  { name: 'workload', kind: 'app', role: 'service' },
];
const LINKS = [
  { client: 'pg-0', server: 'pg-primary' },
  { client: 'pg-1', server: 'pg-primary' },
  { client: 'ledger-a', server: 'pg-primary' },
  { client: 'ledger-b', server: 'pg-primary' },
  { client: 'control', server: 'pg-primary' },
];

const topology = (roles: Record<string, 'primary' | 'replica'> = {}): TopologyMap =>
  planningTopology(NODES, LINKS, roles);

const PAUSE_TARGETS = [
  'pg-0',
  'pg-1',
  'redis-0',
  'ledger-a',
  'ledger-b',
  'pg-primary',
  'redis-primary',
];

/** A fault backend that does nothing but record what it was asked. */
class RecordingBackend extends FaultBackend {
  readonly calls: unknown[][] = [];

  override partitionLink(link: string, mode: 'blackhole' | 'refuse', drillId: string) {
    return this.record('partitionLink', link, mode, drillId);
  }
  override delayLink(link: string, latencyMs: number, jitterMs: number, drillId: string) {
    return this.record('delayLink', link, latencyMs, jitterMs, drillId);
  }
  override healLink(link: string, drillId: string) {
    return this.record('healLink', link, drillId);
  }
  override killNode(node: string, drillId: string) {
    return this.record('killNode', node, drillId);
  }
  override reviveNode(node: string) {
    return this.record('reviveNode', node);
  }
  override pauseNode(node: string, drillId: string) {
    return this.record('pauseNode', node, drillId);
  }
  override resumeNode(node: string, drillId: string) {
    return this.record('resumeNode', node, drillId);
  }
  override async holdOf(node: string): Promise<string | undefined> {
    await this.record('holdOf', node);
    return undefined;
  }
  override moveEndpoint(endpoint: string) {
    return this.record('moveEndpoint', endpoint);
  }
  override setReplicationMode(node: string, mode: 'sync' | 'async') {
    return this.record('setReplicationMode', node, mode);
  }
  override setApplyDelay(node: string, delayMs: number) {
    return this.record('setApplyDelay', node, delayMs);
  }
  override setClockOffset(node: string, offsetMs: number) {
    return this.record('setClockOffset', node, offsetMs);
  }
  override async clearAll(): Promise<string[]> {
    await this.record('clearAll');
    return [];
  }

  private async record(...call: unknown[]): Promise<void> {
    this.calls.push(call);
  }
}

/** A pause is applied with no switchover in reach: it must not need one. */
const NO_SWITCHOVERS = {} as never;

describe('pause drills', () => {
  it('target every node but the link carriers (Toxiproxy, the raft relay), control and the workload, and the endpoints; take no params', () => {
    const pause = drillKinds(topology()).find((k) => k.kind === 'pause');
    assert.deepEqual(pause, { kind: 'pause', targets: PAUSE_TARGETS, params: [] });
    // The workload is the one kill target a pause refuses: its run would freeze with it.
    const kill = drillKinds(topology()).find((k) => k.kind === 'kill');
    assert.deepEqual(
      kill?.targets.filter((t) => !PAUSE_TARGETS.includes(t)),
      ['workload'],
    );
  });

  it('refuse control, the workload, the link carriers, links and unknown nodes, listing the valid targets', () => {
    const message = `target of a pause drill must be one of: ${PAUSE_TARGETS.join(', ')}`;
    for (const target of [
      'control',
      'workload',
      'toxiproxy',
      'raft-relay',
      'ledger-a->pg-primary',
      'pg-9',
      42,
    ]) {
      assert.throws(
        () => planDrill(topology(), 'pause', target, {}),
        (err: Error) => err instanceof InvalidDrill && err.message === message,
        String(target),
      );
    }
  });

  it('refuse params, naming the unknown ones', () => {
    assert.throws(
      () => planDrill(topology(), 'pause', 'ledger-a', { durationMs: 1_000, signal: 'STOP' }),
      (err: Error) =>
        err instanceof InvalidDrill &&
        err.message === 'pause takes no params; unknown: durationMs, signal',
    );
    assert.throws(
      () => planDrill(topology(), 'pause', 'ledger-a', ['STOP']),
      /params must be an object/,
    );
    assert.deepEqual(planDrill(topology(), 'pause', 'ledger-a', undefined).params, {});
    assert.deepEqual(planDrill(topology(), 'pause', 'ledger-a', {}).params, {});
  });

  it('resolve an endpoint target to its primary when planned, and follow a failover', () => {
    const plan = planDrill(topology(), 'pause', 'pg-primary', {});
    assert.equal(plan.node, 'pg-0');
    assert.deepEqual(plan.footprint, ['node:pg-0']);

    const moved = planDrill(
      topology({ 'pg-0': 'replica', 'pg-1': 'primary' }),
      'pause',
      'pg-primary',
      {},
    );
    assert.equal(moved.node, 'pg-1');
    assert.deepEqual(moved.footprint, ['node:pg-1']);

    assert.throws(
      () => planDrill(topology({ 'pg-0': 'replica' }), 'pause', 'pg-primary', {}),
      /pg-primary leads to no node now/,
    );
    assert.equal(planDrill(topology(), 'pause', 'ledger-a', {}).node, undefined);
  });

  it('hold the same footprint as a kill of the node, so a pause and a kill (or two pauses) conflict', () => {
    const pause = planDrill(topology(), 'pause', 'ledger-a', {});
    assert.deepEqual(pause.footprint, ['node:ledger-a']);
    assert.deepEqual(planDrill(topology(), 'kill', 'ledger-a', {}).footprint, pause.footprint);
    // Through an endpoint too: the footprint is the node's, whichever name the drill used.
    assert.deepEqual(
      planDrill(topology(), 'pause', 'pg-primary', {}).footprint,
      planDrill(topology(), 'kill', 'pg-0', {}).footprint,
    );
    assert.notDeepEqual(planDrill(topology(), 'pause', 'ledger-b', {}).footprint, pause.footprint);
  });

  it('apply by pausing the node and heal by resuming it, with the drill id, and nothing else', async () => {
    const backend = new RecordingBackend();
    const plan = planDrill(topology(), 'pause', 'ledger-a', {});
    assert.equal(await plan.apply(backend, 'drill-1', NO_SWITCHOVERS), undefined);
    assert.deepEqual(backend.calls, [['pauseNode', 'ledger-a', 'drill-1']]);
    await plan.heal(backend, 'drill-1');
    assert.deepEqual(backend.calls, [
      ['pauseNode', 'ledger-a', 'drill-1'],
      ['resumeNode', 'ledger-a', 'drill-1'],
    ]);
  });

  it('pause and resume the node an endpoint led to when planned', async () => {
    const backend = new RecordingBackend();
    const plan = planDrill(topology(), 'pause', 'redis-primary', {});
    await plan.apply(backend, 'drill-2', NO_SWITCHOVERS);
    await plan.heal(backend, 'drill-2');
    assert.deepEqual(backend.calls, [
      ['pauseNode', 'redis-0', 'drill-2'],
      ['resumeNode', 'redis-0', 'drill-2'],
    ]);
  });
});
