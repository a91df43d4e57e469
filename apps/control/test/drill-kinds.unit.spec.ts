import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINKS, NODES, type TopologyMap } from '@faultline/topology';
import { planningTopology } from './planning-topology';
import { InvalidDrill, planDrill } from '../src/drills/drill-kinds';

const topology = (roles: Record<string, 'primary' | 'replica'> = {}): TopologyMap =>
  planningTopology(NODES, LINKS, roles);

describe('drill targets that are endpoints', () => {
  it('resolve to the primary when the drill is planned, and the plan records it', () => {
    const kill = planDrill(topology(), 'kill', 'pg-primary', {});
    assert.equal(kill.node, 'pg-0');
    assert.deepEqual(kill.footprint, ['node:pg-0']);

    const partition = planDrill(topology(), 'partition', 'redis-primary', {});
    assert.equal(partition.node, 'redis-0');
    // Cut off from its replicas and the Sentinels; its clients (the catalogs) still reach it.
    assert.deepEqual(partition.footprint, [
      'link:redis-1->redis-primary',
      'link:redis-2->redis-primary',
      'link:sentinels->redis-0',
    ]);
  });

  it('follow the role: after a failover the same target hits the new primary', () => {
    const moved = topology({ 'pg-0': 'replica', 'pg-2': 'primary' });
    const plan = planDrill(moved, 'partition', 'pg-primary', {});
    assert.equal(plan.node, 'pg-2');
    // Every link to the endpoint now leads to pg-2: the links of its datastore peers are cut,
    // not its own (idle) replication link, nor the operator's view of it.
    assert.deepEqual(plan.footprint, ['link:pg-0->pg-primary', 'link:pg-1->pg-primary']);
  });

  it('a demoted primary is cut off through its own replication link', () => {
    const moved = topology({ 'pg-0': 'replica', 'pg-2': 'primary' });
    assert.deepEqual(planDrill(moved, 'partition', 'pg-0', {}).footprint, [
      'link:pg-0->pg-primary',
    ]);
  });

  it('are refused when no node is primary, naming why', () => {
    const none = topology({ 'pg-0': 'replica' });
    assert.throws(
      () => planDrill(none, 'kill', 'pg-primary', {}),
      (err: Error) =>
        err instanceof InvalidDrill && /pg-primary leads to no node now/.test(err.message),
    );
  });

  it('a node target records no endpoint resolution', () => {
    assert.equal(planDrill(topology(), 'kill', 'pg-1', {}).node, undefined);
  });

  it('replication-mode takes the PostgreSQL endpoint only, and holds its primary', () => {
    const plan = planDrill(topology(), 'replication-mode', 'pg-primary', { mode: 'async' });
    assert.equal(plan.node, 'pg-0');
    assert.deepEqual(plan.footprint, ['node:pg-0:replication-mode']);
    assert.deepEqual(plan.params, { mode: 'async' });
    assert.throws(
      () => planDrill(topology(), 'replication-mode', 'pg-0', {}),
      /target of a replication-mode drill must be one of: pg-primary/,
    );
    assert.throws(
      () => planDrill(topology(), 'replication-mode', 'pg-primary', { mode: 'sync' }),
      /params.mode must be one of: async/,
    );
  });
});

describe('failover drills', () => {
  it('take a store, hold nothing (the operator refuses a second one), and ask the switchover of it', async () => {
    const plan = planDrill(topology(), 'failover', 'pg', {});
    assert.deepEqual(plan.footprint, []);
    const asked: string[] = [];
    const switchovers = {
      switchover: async (store: string) => {
        asked.push(store);
        return {
          from: 'pg-0',
          to: 'pg-1',
          summary: 'pg-1 promoted; pg-0 fenced, rejoins as a standby',
        };
      },
    };
    const result = await plan.apply({} as never, 'd1', switchovers as never);
    assert.deepEqual(asked, ['pg']);
    assert.equal(result, 'pg-1 promoted; pg-0 fenced, rejoins as a standby');
    assert.throws(
      () => planDrill(topology(), 'failover', 'mysql', {}),
      /target of a failover drill must be one of: pg, redis/,
    );
    assert.throws(
      () => planDrill(topology(), 'failover', 'redis', { force: true }),
      /failover takes no params/,
    );
  });
});

describe('drill kinds', () => {
  it('refuses a kind that is only an object property (toString, __proto__) as unknown', () => {
    for (const kind of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      assert.throws(
        () => planDrill(topology(), kind, 'pg-1', {}),
        (err: Error) => err instanceof InvalidDrill && /^kind must be one of: /.test(err.message),
        kind,
      );
    }
  });
});
