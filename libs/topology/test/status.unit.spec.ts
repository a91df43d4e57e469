import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  nodeHealthy,
  type TopologyMap,
  type TopologyNode,
  topologyStatus,
} from '@faultline/topology';

describe('status of a topology map without processes (Kubernetes)', () => {
  let server: Server;
  let node: TopologyNode;

  before(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/ready' ? 200 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    node = {
      name: 'catalog-a',
      kind: 'app',
      role: 'service',
      host: '127.0.0.1',
      port,
      url: `http://127.0.0.1:${port}`,
      pod: 'app.kubernetes.io/instance=faultline,faultline.dev/node=catalog-a',
    };
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('judges a node without a pid by its probe alone', async () => {
    assert.equal(await nodeHealthy(node), true);
  });

  it('still judges a local node dead by its pid, whatever answers on its port', async () => {
    // A pid that surely ended: a child that has exited and been reaped.
    const pid = spawnSync('true').pid;
    assert.equal(await nodeHealthy({ ...node, pid }), false);
  });

  it('reports the map without pids', async () => {
    const map: TopologyMap = {
      version: 1,
      startedAt: '2025-01-01T00:00:00.000Z',
      ownerPid: 0,
      rootDir: '/var/lib/faultline',
      keep: true,
      adminToken: '',
      stateFile: '/var/lib/faultline/topology.json',
      nodes: [node],
      links: [],
    };
    const status = await topologyStatus(map);
    assert.deepEqual(status.nodes, [
      {
        name: 'catalog-a',
        kind: 'app',
        role: 'service',
        host: '127.0.0.1',
        port: node.port,
        healthy: true,
        url: node.url,
      },
    ]);
  });
});
