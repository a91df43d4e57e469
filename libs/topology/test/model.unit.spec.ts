import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  isEndpoint,
  isIdleLink,
  LINKS,
  linkAddress,
  linkName,
  linkUpstream,
  NODES,
  readState,
  replicaofCommand,
  rolesFileOf,
  SENTINELS,
  writeRoles,
  type NodeSpec,
  resolveNode,
  parseRedisInfo,
  rulesDir,
  SYNCHRONOUS_STANDBY_NAMES,
} from '@faultline/topology';
import { SLOW_SCRAPE, scrapeConfig } from '../src/nodes/prometheus';

describe('topology model', () => {
  it('names every link client->server after a node (or the Sentinels), its server a node or an endpoint', () => {
    const names = new Set(NODES.map((n) => n.name));
    for (const link of LINKS) {
      assert.ok(names.has(link.client) || link.client === SENTINELS, linkName(link));
      assert.ok(names.has(link.server) || isEndpoint(link.server), linkName(link));
    }
    assert.deepEqual(LINKS.map(linkName), [
      'pg-0->pg-primary',
      'pg-1->pg-primary',
      'pg-2->pg-primary',
      'redis-0->redis-primary',
      'redis-1->redis-primary',
      'redis-2->redis-primary',
      'sentinels->redis-0',
      'sentinels->redis-1',
      'sentinels->redis-2',
      'control->pg-primary',
      'payments-0->pg-primary',
      'catalog-a->redis-primary',
      'catalog-a->redis-1',
      'catalog-b->redis-primary',
      'catalog-b->redis-2',
      'orders-0->pg-primary',
      'orders-0->kafka-0',
    ]);
  });

  it('asks for a quorum of one standby, naming every node (a primary is never its own standby)', () => {
    assert.equal(SYNCHRONOUS_STANDBY_NAMES, 'ANY 1 (pg_0, pg_1, pg_2)');
  });

  it('resolves an endpoint to the primary of its kind, and a node to itself', () => {
    assert.equal(resolveNode(NODES, 'pg-primary')?.name, 'pg-0');
    assert.equal(resolveNode(NODES, 'redis-primary')?.name, 'redis-0');
    assert.equal(resolveNode(NODES, 'pg-1')?.name, 'pg-1');
    // After a failover the endpoint follows the role.
    const moved = NODES.map((n) =>
      n.kind === 'postgres' ? { ...n, role: n.name === 'pg-2' ? 'primary' : 'replica' } : n,
    ) as NodeSpec[];
    assert.equal(resolveNode(moved, 'pg-primary')?.name, 'pg-2');
    assert.equal(
      resolveNode(
        moved.filter((n) => n.name !== 'pg-2'),
        'pg-primary',
      ),
      undefined,
      'no primary: the endpoint leads nowhere',
    );
  });
});

describe('roles that move', () => {
  const node = (name: string, role: 'primary' | 'replica', port: number) => ({
    ...NODES.find((n) => n.name === name)!,
    role,
    host: '127.0.0.1',
    port,
  });
  const link = (client: string, server: string) => ({
    client,
    server,
    name: `${client}->${server}`,
    listen: '127.0.0.1:9000',
    upstream: '127.0.0.1:1',
  });

  it("an endpoint link forwards to the primary now; the primary's own replication link is idle", () => {
    const nodes = [node('pg-0', 'replica', 5000), node('pg-1', 'primary', 5001)];
    assert.equal(linkUpstream(nodes, link('payments-0', 'pg-primary')), '127.0.0.1:5001');
    assert.equal(linkUpstream(nodes, link('catalog-a', 'redis-1')), '127.0.0.1:1', 'as created');
    assert.equal(linkUpstream([nodes[0]!], link('pg-0', 'pg-primary')), undefined);
    assert.equal(isIdleLink(nodes, link('pg-1', 'pg-primary')), true);
    assert.equal(isIdleLink(nodes, link('pg-0', 'pg-primary')), false);
    assert.deepEqual(linkAddress({ listen: 'toxiproxy.ns.svc:9000' }), {
      host: 'toxiproxy.ns.svc',
      port: 9000,
    });
  });

  it('reads each node in the role the roles file gives it, over the role it started in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-roles-'));
    try {
      const stateFile = join(dir, 'state.json');
      writeFileSync(
        stateFile,
        JSON.stringify({
          nodes: [node('pg-0', 'primary', 1), node('pg-1', 'replica', 2)],
          links: [],
        }),
      );
      assert.equal(readState(stateFile)!.nodes[0]!.role, 'primary');
      writeRoles(rolesFileOf(stateFile), { 'pg-0': 'replica', 'pg-1': 'primary' });
      assert.deepEqual(
        readState(stateFile)!.nodes.map((n) => n.role),
        ['replica', 'primary'],
      );
      const elsewhere = join(dir, 'elsewhere.json');
      assert.equal(readState(stateFile, elsewhere)!.nodes[0]!.role, 'primary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names Redis's REPLICAOF after the admin token: only who has the token can re-point a node", () => {
    assert.match(replicaofCommand('t1'), /^REPLICAOF-[0-9a-f]{16}$/);
    assert.equal(replicaofCommand('t1'), replicaofCommand('t1'));
    assert.notEqual(replicaofCommand('t1'), replicaofCommand('t2'));
  });
});

describe('parseRedisInfo', () => {
  it('reads fields and skips section headers', () => {
    const info = parseRedisInfo(
      '# Replication\r\nrole:slave\r\nmaster_link_status:down\r\nmaster_host:127.0.0.1\r\n',
    );
    assert.deepEqual(info, { role: 'slave', master_link_status: 'down', master_host: '127.0.0.1' });
  });
});

describe('scrapeConfig', () => {
  it('is a configuration promtool accepts (with the alerting rules), one job per node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-prom-'));
    try {
      const file = join(dir, 'prometheus.yml');
      writeFileSync(
        file,
        scrapeConfig(
          [
            { node: 'toxiproxy', address: '127.0.0.1:8474', metricsPath: '/metrics' },
            { node: 'payments-0', address: '127.0.0.1:3000', metricsPath: '/metrics' },
            {
              node: 'cassandra-0',
              address: '127.0.0.1:7070',
              metricsPath: '/metrics',
              slow: true,
            },
          ],
          [join(rulesDir(), 'faultline.rules.yml')],
        ),
      );
      const out = execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
      assert.match(out, /SUCCESS/);
      assert.match(scrapeConfig([]), /scrape_interval: 1s/);
      // A slow target (a JMX exporter) only, every 5 s.
      const jobs = readFileSync(file, 'utf8').split('- job_name: ').slice(1);
      assert.deepEqual(
        jobs.map((job) => /scrape_interval: (\S+)/.exec(job)?.[1]),
        [undefined, undefined, SLOW_SCRAPE.interval],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
