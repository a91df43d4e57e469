import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KubeConfig } from '@kubernetes/client-node';
import { MAX_TTL_SECONDS } from '@faultline/contracts';
import { validateEnvironment } from '@faultline/service';
import { eventually } from '@faultline/testing';
import {
  linkName,
  type Proxy,
  readRoles,
  resolveNode,
  type RunningLink,
  type Toxic,
  type TopologyMap,
  writeRoles,
} from '@faultline/topology';
import { ControlEnvironment } from '../src/config/control-environment';
import { faultBackendProvider } from '../src/drills/fault-backend.module';
import { FaultBackend } from '../src/drills/fault-backend';
import {
  KUBE_CONFIG_LOADER,
  type KubeConfigLoader,
  KILL_GRACE_SECONDS,
  KubernetesFaultBackend,
  loadInClusterConfig,
  ROLE_LABEL,
} from '../src/drills/kubernetes-fault-backend';
import { LocalFaultBackend } from '../src/drills/local-fault-backend';
import { TopologySource } from '../src/topology/topology-source';

const NAMESPACE = 'drills';
const RELEASE = 'app.kubernetes.io/instance=faultline';
const HOLDS = 'faultline-kill-holds';
const ROLES = 'faultline-roles';

/** The topology map as the Helm chart mounts it: cluster DNS names, pod selectors, no pids. */
const TOPOLOGY_MAP: TopologyMap = {
  version: 1,
  startedAt: '2025-01-01T00:00:00.000Z',
  ownerPid: 0,
  rootDir: '/var/lib/faultline',
  keep: true,
  adminToken: '',
  stateFile: '/var/lib/faultline/topology.json',
  nodes: [
    {
      name: 'pg-0',
      kind: 'postgres',
      role: 'primary',
      host: `faultline-postgres-0.faultline-postgres.${NAMESPACE}.svc.cluster.local`,
      port: 5432,
      pod: 'statefulset.kubernetes.io/pod-name=faultline-postgres-0',
      hold: 'faultline-postgres-0',
    },
    {
      name: 'pg-1',
      kind: 'postgres',
      role: 'replica',
      host: `faultline-postgres-1.faultline-postgres.${NAMESPACE}.svc.cluster.local`,
      port: 5432,
      pod: 'statefulset.kubernetes.io/pod-name=faultline-postgres-1',
      hold: 'faultline-postgres-1',
    },
    {
      name: 'catalog-a',
      kind: 'app',
      role: 'service',
      host: `faultline-catalog-a.${NAMESPACE}.svc.cluster.local`,
      port: 3000,
      url: `http://faultline-catalog-a.${NAMESPACE}.svc.cluster.local:3000`,
      pod: `${RELEASE},faultline.dev/node=catalog-a`,
      hold: 'faultline-catalog-a',
    },
    {
      name: 'toxiproxy',
      kind: 'toxiproxy',
      role: 'proxy',
      host: `faultline-toxiproxy.${NAMESPACE}.svc.cluster.local`,
      port: 8474,
      url: `http://faultline-toxiproxy.${NAMESPACE}.svc.cluster.local:8474`,
    },
  ],
  links: [],
};

interface FakePod {
  name: string;
  labels: Record<string, string>;
  /** The key its kill-hold init container waits on; a pod with one is recreated when deleted. */
  hold?: string;
  /** Waiting in its kill-hold init container. */
  held?: boolean;
  uid?: string;
}

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Verb = 'list' | 'delete' | 'patch' | 'get';

const status = (code: number, reason: string, message: string, kind = 'pods') => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details: { kind },
  code,
});

/** An equality-based label selector (`k=v,k2=v2`), the only form the topology map uses. */
const matches = (selector: string, labels: Record<string, string>) =>
  !selector ||
  selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels[key!] === value;
  });

/**
 * The part of the Kubernetes API a kill uses, answered like the real one: pods listed by
 * label selector as a PodList and deleted one by one, the kill-holds ConfigMap read and
 * merge-patched, and a Status 403 for a verb the service account lacks. It also plays the
 * pods' controllers: a deleted pod with a hold key is recreated at once (a StatefulSet's
 * under the same name), held at start while the ConfigMap has its key.
 */
class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  pods: FakePod[] = [];
  holds: Record<string, string> = {};
  roles: Record<string, string> = {};
  forbidden = new Set<Verb>();
  /** How many ConfigMap reads to answer 503 first (an API server not ready yet). */
  unanswered = 0;
  private server!: Server;
  private uids = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method!,
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: '',
      };
      this.requests.push(recorded);
      const answer = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      req.on('data', (chunk: Buffer) => (recorded.body += chunk.toString()));
      req.on('end', () => {
        const list = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/);
        const one = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/);
        const configMap = url.pathname.match(
          /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/,
        );
        const forbid = (verb: Verb, resource: string, ns: string) =>
          answer(
            403,
            status(
              403,
              'Forbidden',
              `${resource} is forbidden: User "system:serviceaccount:${ns}:faultline-control" cannot ${verb} resource "${resource}" in API group "" in the namespace "${ns}"`,
              resource,
            ),
          );
        if (req.method === 'GET' && list) {
          if (this.forbidden.has('list')) return forbid('list', 'pods', list[1]!);
          const selector = url.searchParams.get('labelSelector') ?? '';
          return answer(200, {
            kind: 'PodList',
            apiVersion: 'v1',
            metadata: { resourceVersion: '100' },
            items: this.pods
              .filter((p) => matches(selector, p.labels))
              .map((p) => this.pod(p, list[1]!)),
          });
        }
        if (req.method === 'DELETE' && one) {
          if (this.forbidden.has('delete')) return forbid('delete', 'pods', one[1]!);
          const pod = this.pods.find((p) => p.name === one[2]);
          if (!pod) return answer(404, status(404, 'NotFound', `pods "${one[2]}" not found`));
          this.pods = this.pods.filter((p) => p !== pod);
          if (pod.hold) {
            const statefulSet = 'statefulset.kubernetes.io/pod-name' in pod.labels;
            this.pods.push({
              ...pod,
              name: statefulSet ? pod.name : `${pod.name}-new`,
              uid: undefined,
              held: pod.hold in this.holds,
            });
          }
          return answer(200, this.pod(pod, one[1]!));
        }
        if (req.method === 'PATCH' && one) {
          const pod = this.pods.find((p) => p.name === one[2]);
          if (!pod) return answer(404, status(404, 'NotFound', `pods "${one[2]}" not found`));
          const patch = JSON.parse(recorded.body) as {
            metadata?: { labels?: Record<string, string> };
          };
          pod.labels = { ...pod.labels, ...patch.metadata?.labels };
          return answer(200, this.pod(pod, one[1]!));
        }
        const data = configMap && { [HOLDS]: this.holds, [ROLES]: this.roles }[configMap[2]!];
        if (configMap && data && ['GET', 'PATCH'].includes(req.method!)) {
          if (req.method === 'GET') {
            if (this.forbidden.has('get')) return forbid('get', 'configmaps', configMap[1]!);
            if (this.unanswered > 0) {
              this.unanswered--;
              return answer(503, status(503, 'ServiceUnavailable', 'the server is starting'));
            }
          }
          if (req.method === 'PATCH') {
            if (this.forbidden.has('patch')) return forbid('patch', 'configmaps', configMap[1]!);
            const patch = JSON.parse(recorded.body) as { data?: Record<string, string | null> };
            for (const [key, value] of Object.entries(patch.data ?? {})) {
              if (value === null) delete data[key];
              else data[key] = value;
            }
          }
          return answer(200, {
            kind: 'ConfigMap',
            apiVersion: 'v1',
            metadata: { name: configMap[2], namespace: configMap[1] },
            data,
          });
        }
        answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private pod(pod: FakePod, namespace: string) {
    pod.uid ??= `uid-${++this.uids}`;
    const hold = { name: 'kill-hold', state: pod.held ? { running: {} } : { terminated: {} } };
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: pod.name, namespace, labels: pod.labels, uid: pod.uid },
      spec: { containers: [{ name: 'main', image: 'faultline' }] },
      status: {
        phase: pod.held ? 'Pending' : 'Running',
        ...(pod.hold ? { initContainerStatuses: [hold] } : {}),
      },
    };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Control's configuration in a cluster, its map at `stateFile`. */
const kubernetesControl = (stateFile: string) =>
  validateEnvironment(ControlEnvironment, {
    FAULTLINE_STATE_FILE: stateFile,
    FAULTLINE_ADMIN_TOKEN: 'token',
    FAULTLINE_FAULT_BACKEND: 'kubernetes',
    FAULTLINE_KILL_HOLDS: HOLDS,
    FAULTLINE_ROLES_CONFIGMAP: ROLES,
  });

describe('KubernetesFaultBackend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-k8s-'));
  const stateFile = join(dir, 'topology.json');
  writeFileSync(stateFile, JSON.stringify(TOPOLOGY_MAP));
  const env = kubernetesControl(stateFile);
  const api = new FakeKubernetesApi();
  let server: string;
  let loads = 0;

  /** Control's service account against the fake API server, as loadFromCluster would set it. */
  const fakeCluster: KubeConfigLoader = () => {
    loads++;
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server, skipTLSVerify: true }],
      users: [{ name: 'control', token: 'service-account-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'control', namespace: NAMESPACE }],
      currentContext: 'fake',
    });
    return config;
  };
  const backend = (loader: KubeConfigLoader = fakeCluster): FaultBackend =>
    new KubernetesFaultBackend(new TopologySource(env), env, loader);

  before(async () => {
    Logger.overrideLogger(false);
    server = await api.start();
  });
  afterEach(() => {
    api.requests.length = 0;
    api.forbidden.clear();
    api.holds = {};
  });
  after(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("kill holds the node, then deletes every pod its selector matches, gracefully, in control's namespace", async () => {
    api.pods = [
      {
        name: 'faultline-catalog-a-7d9f-abcde',
        labels: { 'app.kubernetes.io/instance': 'faultline', 'faultline.dev/node': 'catalog-a' },
      },
      {
        name: 'faultline-catalog-a-7d9f-fghij',
        labels: { 'app.kubernetes.io/instance': 'faultline', 'faultline.dev/node': 'catalog-a' },
      },
      {
        name: 'faultline-catalog-b-5c4b-klmno',
        labels: { 'app.kubernetes.io/instance': 'faultline', 'faultline.dev/node': 'catalog-b' },
      },
    ];
    await backend().killNode('catalog-a', 'drill-1');

    const [hold, list, ...rest] = api.requests;
    assert.deepEqual(
      [hold!.method, hold!.path, hold!.contentType, JSON.parse(hold!.body)],
      [
        'PATCH',
        `/api/v1/namespaces/${NAMESPACE}/configmaps/${HOLDS}`,
        'application/merge-patch+json',
        { data: { 'faultline-catalog-a': 'drill-1' } },
      ],
      'the hold is set before any pod is deleted',
    );
    assert.equal(hold!.authorization, 'Bearer service-account-token');
    assert.equal(list!.method, 'GET');
    assert.equal(list!.path, `/api/v1/namespaces/${NAMESPACE}/pods`);
    assert.equal(list!.query.get('labelSelector'), `${RELEASE},faultline.dev/node=catalog-a`);
    assert.deepEqual(
      rest
        .filter((r) => r.method === 'DELETE')
        .map((r) => [r.path, r.query.get('gracePeriodSeconds')]),
      [
        [`/api/v1/namespaces/${NAMESPACE}/pods/faultline-catalog-a-7d9f-abcde`, '1'],
        [`/api/v1/namespaces/${NAMESPACE}/pods/faultline-catalog-a-7d9f-fghij`, '1'],
      ],
      'a grace period of one second: never force deletion (0)',
    );
    assert.equal(KILL_GRACE_SECONDS, 1);
    assert.deepEqual(
      api.pods.map((p) => p.name),
      ['faultline-catalog-b-5c4b-klmno'],
      'the other node was left alone',
    );
  });

  it("keeps each PostgreSQL pod's role label as the map says, patching only what differs", async () => {
    api.pods = [0, 1].map((i) => ({
      name: `faultline-postgres-${i}`,
      labels: { 'statefulset.kubernetes.io/pod-name': `faultline-postgres-${i}` },
    }));
    // A recreated pod comes without the label; a stale one says the wrong role.
    api.pods[1]!.labels[ROLE_LABEL] = 'primary';
    const kubernetes = backend() as KubernetesFaultBackend;
    await kubernetes.labelRoles();
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    assert.deepEqual(
      patches.map((r) => [r.path, r.contentType, JSON.parse(r.body)]),
      [
        [
          `/api/v1/namespaces/${NAMESPACE}/pods/faultline-postgres-0`,
          'application/merge-patch+json',
          { metadata: { labels: { [ROLE_LABEL]: 'primary' } } },
        ],
        [
          `/api/v1/namespaces/${NAMESPACE}/pods/faultline-postgres-1`,
          'application/merge-patch+json',
          { metadata: { labels: { [ROLE_LABEL]: 'replica' } } },
        ],
      ],
    );
    api.requests.length = 0;
    await kubernetes.labelRoles();
    assert.equal(api.requests.filter((r) => r.method === 'PATCH').length, 0, 'nothing to fix');

    // Started with control, it relabels a pod that comes back unlabelled (after a kill).
    delete api.pods[0]!.labels[ROLE_LABEL];
    kubernetes.start();
    try {
      await eventually(() => assert.equal(api.pods[0]!.labels[ROLE_LABEL], 'primary'));
    } finally {
      kubernetes.stop();
    }
  });

  it('moving an endpoint records the roles for the pods and the next control, then moves the label', async () => {
    api.pods = [0, 1].map((i) => ({
      name: `faultline-postgres-${i}`,
      labels: { 'statefulset.kubernetes.io/pod-name': `faultline-postgres-${i}` },
    }));
    const rolesFile = join(dir, 'roles.json');
    writeRoles(rolesFile, { 'pg-0': 'replica', 'pg-1': 'primary' });
    try {
      await backend().moveEndpoint('pg-primary');
      assert.deepEqual(api.roles, { 'pg-0': 'replica', 'pg-1': 'primary' }, 'every datastore node');
      assert.equal(api.pods[1]!.labels[ROLE_LABEL], 'primary');
      assert.equal(api.pods[0]!.labels[ROLE_LABEL], 'replica');
    } finally {
      rmSync(rolesFile, { force: true });
      api.roles = {};
    }
  });

  describe("a new control pod's start", () => {
    const rolesFile = new TopologySource(env).rolesFile;
    /** What the failover operators see when Nest makes them: the PostgreSQL primary. */
    let primarySeen: string | undefined;
    @Injectable()
    class FailoverOperator {
      constructor(@Inject(FaultBackend) _backend: FaultBackend, topology: TopologySource) {
        primarySeen = resolveNode(topology.current().nodes, 'pg-primary')?.name;
      }
    }
    @Module({
      providers: [
        { provide: ControlEnvironment, useValue: env },
        TopologySource,
        { provide: KUBE_CONFIG_LOADER, useValue: fakeCluster },
        faultBackendProvider,
        FailoverOperator,
      ],
    })
    class ControlModule {}
    const start = () =>
      NestFactory.createApplicationContext(ControlModule, { logger: false, abortOnError: false });

    beforeEach(() => {
      primarySeen = undefined;
      rmSync(rolesFile, { force: true });
      api.pods = [0, 1].map((i) => ({
        name: `faultline-postgres-${i}`,
        labels: { 'statefulset.kubernetes.io/pod-name': `faultline-postgres-${i}` },
      }));
      // As the last control recorded them after a failover of each store.
      api.roles = {
        'pg-0': 'replica',
        'pg-1': 'primary',
        'redis-0': 'replica',
        'redis-1': 'primary',
      };
    });
    afterEach(() => {
      rmSync(rolesFile, { force: true });
      api.roles = {};
      api.unanswered = 0;
    });

    it('takes back the recorded roles before whatever needs the backend is made, then labels by them', async () => {
      const app = await start();
      const kubernetes = app.get(FaultBackend);
      try {
        assert.ok(kubernetes instanceof KubernetesFaultBackend);
        assert.equal(primarySeen, 'pg-1', 'the failover operators start from the moved roles');
        assert.deepEqual(readRoles(rolesFile), api.roles);
        kubernetes.start();
        await eventually(() => assert.equal(api.pods[1]!.labels[ROLE_LABEL], 'primary'));
        assert.equal(api.pods[0]!.labels[ROLE_LABEL], 'replica');
      } finally {
        kubernetes.stop();
        await app.close();
      }
    });

    it('asks again while the API answers 503, and starts once it has the roles', async () => {
      api.unanswered = 1;
      const app = await start();
      await app.close();
      assert.equal(primarySeen, 'pg-1');
      assert.equal(api.unanswered, 0, 'the 503 was answered');
    });

    it('stops with the permission its service account lacks when the API refuses the roles', async () => {
      api.forbidden.add('get');
      await assert.rejects(
        start(),
        /read the recorded roles: control's service account may not get configmaps in namespace drills/,
      );
      assert.equal(primarySeen, undefined, 'nothing that needs the backend was made');
    });

    it("keeps this pod's own roles file (a restarted container) without asking the API", async () => {
      writeRoles(rolesFile, { 'pg-0': 'replica', 'pg-1': 'primary' });
      api.roles = {};
      const app = await start();
      await app.close();
      assert.equal(primarySeen, 'pg-1');
      assert.equal(api.requests.filter((r) => r.path.includes('/configmaps/')).length, 0);
    });
  });

  it('a killed StatefulSet member stays held until revive, which releases only its held pod', async () => {
    api.pods = [0, 1, 2].map((i) => ({
      name: `faultline-postgres-${i}`,
      labels: { 'statefulset.kubernetes.io/pod-name': `faultline-postgres-${i}` },
      hold: `faultline-postgres-${i}`,
    }));
    const kubernetes = backend();
    await kubernetes.killNode('pg-1', 'drill-2');
    assert.equal(
      api.requests.find((r) => r.method === 'GET')!.query.get('labelSelector'),
      'statefulset.kubernetes.io/pod-name=faultline-postgres-1',
    );
    assert.deepEqual(api.holds, { 'faultline-postgres-1': 'drill-2' });
    const recreated = api.pods.find((p) => p.name === 'faultline-postgres-1')!;
    assert.ok(recreated.held, 'its StatefulSet recreated it, and it waits in kill-hold');
    assert.deepEqual(
      api.pods.filter((p) => !p.held).map((p) => p.name),
      ['faultline-postgres-0', 'faultline-postgres-2'],
    );

    api.requests.length = 0;
    await kubernetes.reviveNode('pg-1');
    assert.deepEqual(api.holds, {}, 'the hold is gone');
    assert.deepEqual(
      api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path),
      [`/api/v1/namespaces/${NAMESPACE}/pods/faultline-postgres-1`],
      'the held pod is restarted now, not at the kubelet next refresh of its volume',
    );
    assert.ok(
      api.pods.every((p) => !p.held),
      'its replacement starts: no hold any more',
    );

    api.requests.length = 0;
    await kubernetes.reviveNode('pg-1');
    assert.equal(
      api.requests.filter((r) => r.method === 'DELETE').length,
      0,
      'a running pod is never deleted by a revive',
    );
  });

  it('clearing everything removes every hold and releases every held pod', async () => {
    api.pods = [0, 1].map((i) => ({
      name: `faultline-postgres-${i}`,
      labels: { 'statefulset.kubernetes.io/pod-name': `faultline-postgres-${i}` },
      hold: `faultline-postgres-${i}`,
      held: true,
    }));
    api.holds = { 'faultline-postgres-0': 'drill-7', 'faultline-postgres-1': 'drill-8' };
    const cleared = await backend().clearAll();
    assert.ok(cleared.includes('kill holds'), `cleared: ${cleared.join(', ')}`);
    assert.deepEqual(api.holds, {});
    assert.ok(api.pods.every((p) => !p.held));
  });

  it('a 403 becomes a drill error naming the node and the permission the service account lacks', async () => {
    api.pods = [
      {
        name: 'faultline-postgres-1',
        labels: { 'statefulset.kubernetes.io/pod-name': 'faultline-postgres-1' },
      },
    ];
    api.forbidden.add('patch');
    await assert.rejects(
      backend().killNode('pg-1', 'drill-3'),
      /kill pg-1: control's service account may not patch configmaps in namespace drills; its Role needs the "patch" permission on "configmaps"/,
    );

    api.forbidden.clear();
    api.forbidden.add('list');
    await assert.rejects(backend().killNode('pg-1', 'drill-3'), (err: Error) => {
      assert.match(err.message, /^kill pg-1: /);
      assert.match(err.message, /may not list pods in namespace drills/);
      assert.match(err.message, /"list" permission on "pods"/);
      assert.match(err.message, /cannot list resource "pods"/, "the API's own message is kept");
      return true;
    });

    api.forbidden.clear();
    api.forbidden.add('delete');
    await assert.rejects(
      backend().killNode('pg-1', 'drill-3'),
      /kill pg-1: .*"delete" permission on "pods"/,
    );
    assert.deepEqual(
      api.pods.map((p) => p.name),
      ['faultline-postgres-1'],
    );
  });

  it('a node with no pod, or no selector, is a drill error', async () => {
    api.pods = [];
    await assert.rejects(
      backend().killNode('catalog-a', 'drill-4'),
      /kill catalog-a: no pod in namespace drills matches app.kubernetes.io\/instance=faultline,faultline.dev\/node=catalog-a/,
    );
    await assert.rejects(
      backend().killNode('toxiproxy', 'drill-4'),
      /kill toxiproxy: it has no pod selector in the topology map/,
    );
  });

  it('reaches for the cluster only at the first kill, so control starts without one', async () => {
    loads = 0;
    const lazy = backend();
    assert.equal(loads, 0, 'created without loading a KubeConfig');
    api.pods = [];
    await assert.rejects(lazy.killNode('catalog-a', 'drill-5'));
    await assert.rejects(lazy.killNode('catalog-a', 'drill-5'));
    assert.equal(loads, 1, 'loaded once, then kept');
  });

  it('outside a pod, the in-cluster loader fails the kill with a clear message', async () => {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      await assert.rejects(
        backend(loadInClusterConfig).killNode('catalog-a', 'drill-6'),
        /kill catalog-a: control is not running in a Kubernetes pod/,
      );
    } finally {
      if (host !== undefined) process.env.KUBERNETES_SERVICE_HOST = host;
    }
  });
});

/**
 * The part of Toxiproxy's API the link drills use, answered like the real one: the proxies
 * with their toxics, a toxic added (409 when its name is taken) or removed (404 when absent),
 * a proxy enabled or disabled.
 */
class FakeToxiproxy {
  proxies = new Map<string, Proxy>();
  private server!: Server;

  /** One proxy per link, enabled, without toxics. */
  reset(links: readonly RunningLink[]): void {
    this.proxies = new Map(
      links.map((l) => [
        l.name,
        { name: l.name, listen: l.listen, upstream: l.upstream, enabled: true, toxics: [] },
      ]),
    );
  }

  /** Each link's toxics, for the links that have some. */
  toxics(): Record<string, Toxic[]> {
    return Object.fromEntries(
      [...this.proxies.values()].filter((p) => p.toxics.length > 0).map((p) => [p.name, p.toxics]),
    );
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const answer = (code: number, value?: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(value === undefined ? '' : JSON.stringify(value));
        };
        const [, root, name, toxics, toxicName, ...rest] = req
          .url!.split('/')
          .map(decodeURIComponent);
        if (root !== 'proxies' || rest.length > 0) return answer(404, { error: 'not found' });
        if (name === undefined) {
          if (req.method === 'GET') return answer(200, Object.fromEntries(this.proxies));
          return answer(405, { error: 'method not allowed' });
        }
        const proxy = this.proxies.get(name);
        if (!proxy) return answer(404, { error: 'proxy not found' });
        if (toxics === undefined && req.method === 'POST') {
          Object.assign(proxy, JSON.parse(body) as Partial<Proxy>);
          return answer(200, proxy);
        }
        if (toxics === 'toxics' && toxicName === undefined && req.method === 'POST') {
          const toxic = JSON.parse(body) as Toxic;
          if (proxy.toxics.some((t) => t.name === toxic.name))
            return answer(409, { error: 'toxic already exists' });
          proxy.toxics.push(toxic);
          return answer(200, toxic);
        }
        if (toxics === 'toxics' && toxicName !== undefined && req.method === 'DELETE') {
          const kept = proxy.toxics.filter((t) => t.name !== toxicName);
          if (kept.length === proxy.toxics.length) return answer(404, { error: 'toxic not found' });
          proxy.toxics = kept;
          return answer(204);
        }
        answer(404, { error: 'not found' });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('KubernetesFaultBackend pause', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-k8s-pause-'));
  const stateFile = join(dir, 'topology.json');
  const env = kubernetesControl(stateFile);
  const rolesFile = new TopologySource(env).rolesFile;
  const link = (client: string, server: string, port: number, upstream: string): RunningLink => ({
    client,
    server,
    name: linkName({ client, server }),
    listen: `faultline-toxiproxy.${NAMESPACE}.svc.cluster.local:${port}`,
    upstream,
  });
  const PG_PRIMARY = `faultline-postgres-primary.${NAMESPACE}.svc.cluster.local:5432`;
  /**
   * pg-0 is primary: its own replication link leads back to it (idle), and pg-1's and
   * control's lead to it through the endpoint; the Sentinels reach redis-1 directly; catalog-a
   * has no link at all.
   */
  const LINKS = [
    link('pg-0', 'pg-primary', 20000, PG_PRIMARY),
    link('pg-1', 'pg-primary', 20001, PG_PRIMARY),
    link('control', 'pg-primary', 20002, PG_PRIMARY),
    link('sentinels', 'redis-1', 20003, `faultline-redis-1.${NAMESPACE}.svc.cluster.local:6379`),
  ];
  const toxiproxy = new FakeToxiproxy();

  /** The two toxics a pause holds a link with: the bytes kept, both ways, past any drill's end. */
  const held = (drillId: string): Toxic[] =>
    (['upstream', 'downstream'] as const).map((stream) => ({
      name: `drill-${drillId}-${stream}`,
      type: 'latency',
      stream,
      attributes: { latency: MAX_TTL_SECONDS * 1_000, jitter: 0 },
    }));

  // A pause goes through Toxiproxy alone.
  const noCluster: KubeConfigLoader = () => assert.fail('a pause needs no Kubernetes API');
  const backend = () => new KubernetesFaultBackend(new TopologySource(env), env, noCluster);

  before(async () => {
    const url = await toxiproxy.start();
    const map: TopologyMap = {
      ...TOPOLOGY_MAP,
      nodes: [
        ...TOPOLOGY_MAP.nodes.map((n) => (n.kind === 'toxiproxy' ? { ...n, url } : n)),
        {
          name: 'redis-1',
          kind: 'redis',
          role: 'replica',
          host: `faultline-redis-1.faultline-redis.${NAMESPACE}.svc.cluster.local`,
          port: 6379,
          pod: 'statefulset.kubernetes.io/pod-name=faultline-redis-1',
          hold: 'faultline-redis-1',
        },
      ],
      links: LINKS,
    };
    writeFileSync(stateFile, JSON.stringify(map));
  });
  beforeEach(() => toxiproxy.reset(LINKS));
  afterEach(() => rmSync(rolesFile, { force: true }));
  after(async () => {
    await toxiproxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds, both ways, every link the node serves through an endpoint, its own idle one too, and no other', async () => {
    await backend().pauseNode('pg-0', 'drill-p1');
    assert.deepEqual(toxiproxy.toxics(), {
      'pg-0->pg-primary': held('drill-p1'),
      'pg-1->pg-primary': held('drill-p1'),
      'control->pg-primary': held('drill-p1'),
    });
  });

  it('holds the links a node is the client of, and those it serves directly', async () => {
    await backend().pauseNode('pg-1', 'drill-p2');
    assert.deepEqual(toxiproxy.toxics(), { 'pg-1->pg-primary': held('drill-p2') });

    await backend().pauseNode('redis-1', 'drill-p3');
    assert.deepEqual(toxiproxy.toxics(), {
      'pg-1->pg-primary': held('drill-p2'),
      'sentinels->redis-1': held('drill-p3'),
    });
  });

  it("resume removes the pause's own toxics and no other drill's", async () => {
    const latency: Toxic = {
      name: 'drill-l1-downstream',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 200, jitter: 0 },
    };
    toxiproxy.proxies.get('pg-1->pg-primary')!.toxics.push(latency);
    const kubernetes = backend();
    await kubernetes.pauseNode('pg-0', 'drill-p4');
    await kubernetes.pauseNode('redis-1', 'drill-p5');

    await kubernetes.resumeNode('pg-0', 'drill-p4');
    assert.deepEqual(toxiproxy.toxics(), {
      'pg-1->pg-primary': [latency],
      'sentinels->redis-1': held('drill-p5'),
    });
    assert.ok([...toxiproxy.proxies.values()].every((p) => p.enabled));
  });

  it('resume releases every link the pause held, even after a failover moved the endpoint away from the node', async () => {
    const kubernetes = backend();
    await kubernetes.pauseNode('pg-0', 'drill-p6');
    // The operator saw the paused primary and promoted pg-1: pg-primary no longer leads to pg-0.
    writeRoles(rolesFile, { 'pg-0': 'replica', 'pg-1': 'primary' });
    await kubernetes.resumeNode('pg-0', 'drill-p6');
    assert.deepEqual(toxiproxy.toxics(), {});
  });

  it('refuses a node without a link, naming it, and holds nothing', async () => {
    await assert.rejects(
      backend().pauseNode('catalog-a', 'drill-p7'),
      (err: Error) => err.message === 'pause catalog-a: it has no link to hold',
    );
    assert.deepEqual(toxiproxy.toxics(), {});
  });
});

describe('FAULTLINE_FAULT_BACKEND', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-backend-'));
  const stateFile = join(dir, 'topology.json');
  writeFileSync(stateFile, JSON.stringify(TOPOLOGY_MAP));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const environment = (backend?: string, holds = HOLDS) =>
    validateEnvironment(ControlEnvironment, {
      FAULTLINE_STATE_FILE: stateFile,
      FAULTLINE_ADMIN_TOKEN: 'token',
      ...(backend === undefined ? {} : { FAULTLINE_FAULT_BACKEND: backend }),
      ...(holds ? { FAULTLINE_KILL_HOLDS: holds } : {}),
      FAULTLINE_ROLES_CONFIGMAP: ROLES,
    });

  /** The FaultBackend Nest creates for `env` (by default, with a loader that must not be called). */
  async function chosenBackend(
    env: ControlEnvironment,
    loader: KubeConfigLoader = () => assert.fail('no KubeConfig is loaded at start'),
  ): Promise<FaultBackend> {
    @Module({
      providers: [
        { provide: ControlEnvironment, useValue: env },
        TopologySource,
        { provide: KUBE_CONFIG_LOADER, useValue: loader },
        faultBackendProvider,
      ],
    })
    class BackendModule {}
    const app = await NestFactory.createApplicationContext(BackendModule, {
      logger: false,
      abortOnError: false,
    });
    try {
      return app.get(FaultBackend);
    } finally {
      await app.close();
    }
  }

  it('is local by default', async () => {
    assert.equal(environment().FAULTLINE_FAULT_BACKEND, 'local');
    assert.ok((await chosenBackend(environment())) instanceof LocalFaultBackend);
    assert.ok((await chosenBackend(environment('local'))) instanceof LocalFaultBackend);
  });

  it('kubernetes selects the Kubernetes backend, whose start needs the cluster: outside a pod, control stops saying so', async () => {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      await assert.rejects(
        chosenBackend(environment('kubernetes'), loadInClusterConfig),
        /read the recorded roles: control is not running in a Kubernetes pod \(no KUBERNETES_SERVICE_HOST\), which FAULTLINE_FAULT_BACKEND=kubernetes needs/,
      );
    } finally {
      if (host !== undefined) process.env.KUBERNETES_SERVICE_HOST = host;
    }
  });

  it('kubernetes without the kill-holds ConfigMap stops control at start', () => {
    assert.throws(
      () => environment('kubernetes', ''),
      /FAULTLINE_KILL_HOLDS must name a ConfigMap when FAULTLINE_FAULT_BACKEND=kubernetes, not undefined/,
    );
    assert.equal(environment('local', '').FAULTLINE_KILL_HOLDS, undefined, 'local needs none');
  });

  it('anything else stops control at start with a message naming the valid values', () => {
    assert.throws(
      () => environment('k8s'),
      /FAULTLINE_FAULT_BACKEND must be local or kubernetes, not "k8s"/,
    );
  });
});
