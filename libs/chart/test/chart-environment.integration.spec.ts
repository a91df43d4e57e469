import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  allocatePorts,
  repoRoot,
  rolesFileOf,
  startTopology,
  stopTopology,
  type TopologyMap,
  type TopologyState,
  writeRoles,
} from '@faultline/topology';
import { eventually, httpJson } from '@faultline/testing';
import {
  type Container,
  dataOf,
  inChart,
  type Manifest,
  named,
  podTemplates,
  renderChart,
  VARIANTS,
} from '@faultline/chart';

/** The chart's app components and the local topology's node of each. */
const NODE_OF: Record<string, string> = {
  payments: 'payments-0',
  'catalog-a': 'catalog-a',
  'catalog-b': 'catalog-b',
  orders: 'orders-0',
  control: 'control',
  workload: 'workload',
};

/**
 * How the chart's addresses map onto a local topology: each link's Toxiproxy address to
 * the local link's, each app Service to the local service's URL. Anything left that names
 * the cluster fails the test, so the mapping cannot hide a variable it does not know.
 */
class LocalAddresses {
  private readonly addresses = new Map<string, string>();

  constructor(
    manifests: Manifest[],
    private readonly local: TopologyState,
    elsewhere: Record<string, string>,
  ) {
    for (const [cluster, local] of Object.entries(elsewhere)) this.addresses.set(cluster, local);
    const proxies = JSON.parse(
      dataOf(named(manifests, 'ConfigMap', 'faultline-toxiproxy'))['proxies.json']!,
    ) as { name: string; listen: string }[];
    for (const proxy of proxies) {
      const link = local.links.find((l) => l.name === proxy.name);
      assert.ok(link, `the chart's link ${proxy.name} is not in the local topology`);
      this.addresses.set(proxy.listen.replace('0.0.0.0', 'faultline-toxiproxy'), link.listen);
    }
    for (const [component, node] of Object.entries(NODE_OF)) {
      this.addresses.set(`http://faultline-${component}:8080`, this.node(node).url!);
    }
  }

  node(name: string) {
    const node = this.local.nodes.find((n) => n.name === name);
    assert.ok(node, `no node ${name} in the local topology`);
    return node;
  }

  translate(value: string): string {
    let result = value;
    for (const [cluster, local] of this.addresses) result = result.split(cluster).join(local);
    assert.doesNotMatch(result, /faultline-|\.svc\b/, `no local address for ${value}`);
    return result;
  }
}

/** Variables that name a Kubernetes object, not an address: only control's Kubernetes backend reads them. */
const OBJECT_NAMES = new Set(['FAULTLINE_KILL_HOLDS', 'FAULTLINE_ROLES_CONFIGMAP']);

/** A service process started as a pod would start it: `node bin/service.js <app>`. */
class AppProcess {
  output = '';
  readonly exited: Promise<unknown>;

  constructor(
    readonly app: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = once(child, 'exit');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

describe(
  'the apps start locally with exactly the environment the chart gives them',
  {
    timeout: 240_000,
  },
  () => {
    const { manifests } = renderChart(VARIANTS[0]!);
    const dir = mkdtempSync(join(tmpdir(), 'chart-env-'));
    const apps: AppProcess[] = [];
    let topology: TopologyState | undefined;
    let traces: Server | undefined;

    before(async () => {
      topology = await startTopology();
      // A trace sink: the chart points OTEL_EXPORTER_OTLP_ENDPOINT at its collector.
      traces = createServer((req, res) => req.resume().on('end', () => res.end()));
      await new Promise<void>((resolve) => traces!.listen(0, '127.0.0.1', resolve));
    });

    after(async () => {
      await Promise.all(apps.map((a) => a.stop()));
      traces?.close();
      if (topology) await stopTopology(topology);
      rmSync(dir, { recursive: true, force: true });
    });

    /** The chart's environment of one app Deployment, on this machine's addresses. */
    function localEnvironment(container: Container, addresses: LocalAddresses) {
      const env: Record<string, string> = {};
      const secrets: Record<string, string> = {
        'faultline-admin/token': topology!.adminToken,
        // The local cluster trusts local connections; the password is sent and ignored.
        'faultline-postgres/password': 'generated-at-install',
      };
      const raw = Object.fromEntries(
        container.env!.map((v) => {
          const secret = v.valueFrom?.secretKeyRef;
          return [v.name, secret ? secrets[`${secret.name}/${secret.key}`]! : v.value!];
        }),
      );
      // libpq's host and port are one address split in two.
      if (raw.PGHOST) {
        const [host, pgPort] = addresses.translate(`${raw.PGHOST}:${raw.PGPORT}`).split(':');
        Object.assign(raw, { PGHOST: host, PGPORT: pgPort });
      }
      for (const [name, value] of Object.entries(raw)) {
        env[name] = OBJECT_NAMES.has(name) ? value : addresses.translate(value);
      }
      return env;
    }

    it('each app reports ready, and control reads the chart topology map', async () => {
      const { port: tracesPort } = traces!.address() as AddressInfo;
      const stateFile = join(dir, 'topology.json');
      const addresses = new LocalAddresses(manifests, topology!, {
        'http://faultline-otel-collector:4318': `http://127.0.0.1:${tracesPort}`,
        // Control's console queries the chart's Prometheus: here the local one.
        'http://faultline-prometheus:9090': topology!.nodes.find((n) => n.name === 'prometheus')!
          .url!,
        '/var/lib/faultline/topology.json': stateFile,
        '/var/lib/faultline/reports': join(dir, 'reports'),
        // Listen on the address and port the local topology gives (as its launcher does).
        '0.0.0.0': '127.0.0.1',
      });
      const deployments = podTemplates(manifests).filter(
        (p) => p.owner.kind === 'Deployment' && /^faultline:/.test(p.spec.containers[0]!.image),
      );
      assert.equal(deployments.length, 6);
      const ports = await allocatePorts(deployments.length);

      // Control's map, as the chart mounts it, with each node and link at its local address.
      const map = JSON.parse(
        dataOf(named(manifests, 'ConfigMap', 'faultline-topology'))['topology.json']!,
      ) as TopologyMap;
      assert.deepEqual(
        map.nodes.map((n) => n.name).sort(),
        topology!.nodes
          .filter(inChart)
          .map((n) => n.name)
          .sort(),
        'the chart map has the same nodes as the local topology (but the local-only ones)',
      );
      const localMap: TopologyMap = {
        ...map,
        stateFile,
        nodes: map.nodes.map((n) => {
          const local = addresses.node(n.name);
          assert.ok(n.pod, `${n.name} has a pod selector`);
          return {
            ...n,
            host: local.host,
            port: local.port,
            ...(local.url ? { url: local.url } : {}),
          };
        }),
        links: map.links.map((l) => {
          const local = topology!.links.find((x) => x.name === l.name)!;
          return { ...l, listen: local.listen, upstream: local.upstream };
        }),
      };
      writeFileSync(localMap.stateFile, JSON.stringify(localMap));
      // Control's Kubernetes backend takes back the roles a previous control pod recorded
      // before it starts, from the API, unless its own pod has them: here, as after a
      // container restart, it has (no failover yet), so it starts without a cluster.
      writeRoles(rolesFileOf(localMap.stateFile), {});

      deployments.forEach(({ spec }, i) => {
        const [container] = spec.containers;
        const app = container!.args![0]!;
        const env = localEnvironment(container!, addresses);
        env.PORT = String(ports[i]);
        const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'service.js'), app], {
          env: { PATH: process.env.PATH, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        apps.push(
          new AppProcess(`${app} (${env.FAULTLINE_NODE})`, `http://127.0.0.1:${ports[i]}`, child),
        );
      });

      for (const app of apps) {
        await eventually(async () => {
          const ready = await httpJson(`${app.url}/ready`).catch((err: Error) => ({
            status: 0,
            body: err.message,
          }));
          assert.equal(ready.status, 200, `${app.app} is not ready:\n${app.output.slice(-2000)}`);
        }, 90_000);
      }

      const control = apps.find((a) => a.app.startsWith('control'))!;
      const answer = await httpJson<{ nodes: { name: string; healthy: boolean }[] }>(
        `${control.url}/topology`,
        { headers: { authorization: `Bearer ${topology!.adminToken}` } },
      );
      assert.equal(answer.status, 200);
      assert.deepEqual(
        answer.body.nodes.filter((n) => !n.healthy).map((n) => n.name),
        [],
        'control, on the chart map, sees every node healthy',
      );
    });
  },
);
