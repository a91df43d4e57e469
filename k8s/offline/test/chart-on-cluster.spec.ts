// The chart as a user installs it, on the offline cluster: validated by the API server,
// installed with k8s/offline/values.yaml, every pod Ready, `helm test` green, a drill through
// the control API with its effect, and an uninstall that leaves only what the chart documents.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  chartDir,
  dataOf,
  NAMESPACE,
  named,
  RELEASE,
  renderChart,
  resolveChartTools,
  VARIANTS,
} from '@faultline/chart';
import { eventually, httpJson } from '@faultline/testing';
import { described, kubectl, repo, run, withOwnCluster } from './offline-cluster';

const values = join(repo, 'k8s', 'offline', 'values.yaml');

/** `helm install` of the chart with the offline values, and EXTRA. */
const installArgs = (...extra: string[]) => [
  'install',
  RELEASE,
  chartDir(),
  '--namespace',
  NAMESPACE,
  '--values',
  values,
  ...extra,
];

const helmRun = (args: string[]) =>
  run(resolveChartTools().helm, [...args, '--kubeconfig', described.kubeconfig]);

function helm(args: string[]): string {
  const result = helmRun(args);
  assert.equal(result.status, 0, `helm ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const adminToken = () =>
  Buffer.from(
    kubectl(['-n', NAMESPACE, 'get', 'secret', `${RELEASE}-admin`, '-o', 'jsonpath={.data.token}']),
    'base64',
  ).toString();

/** http://<cluster IP>:<port> of a Service: the host reaches cluster IPs through kube-proxy. */
function serviceUrl(name: string): string {
  const ip = kubectl(['-n', NAMESPACE, 'get', 'service', name, '-o', 'jsonpath={.spec.clusterIP}']);
  const port = kubectl([
    '-n',
    NAMESPACE,
    'get',
    'service',
    name,
    '-o',
    'jsonpath={.spec.ports[0].port}',
  ]);
  return `http://${ip}:${port}`;
}

describe('the chart on the offline cluster', () => {
  withOwnCluster();

  it('passes the API server’s validation (dry run) with every values variant', () => {
    kubectl(['create', 'namespace', NAMESPACE]);
    for (const variant of VARIANTS) {
      // The monitoring CRDs' kinds are not the cluster's: the offline chart tests check them.
      const objects = renderChart(variant).manifests.filter(
        (m) => !m.apiVersion.startsWith('monitoring.coreos.com/'),
      );
      const list = { apiVersion: 'v1', kind: 'List', items: objects };
      kubectl(['apply', '--dry-run=server', '-n', NAMESPACE, '-f', '-'], JSON.stringify(list));
    }
  });

  it("refuses values that fail the schema with Helm's message, creating nothing", () => {
    const refused = helmRun(installArgs('--set', 'postgres.standbys=9'));
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /values don't meet the specifications of the schema/);
    assert.match(refused.stderr, /standbys/);
    assert.equal(
      kubectl([
        '-n',
        NAMESPACE,
        'get',
        'all,configmaps,secrets',
        '-l',
        `app.kubernetes.io/instance=${RELEASE}`,
        '-o',
        'name',
      ]),
      '',
    );
  });

  it('installs with the offline values and every pod becomes Ready', () => {
    helm(installArgs('--wait', '--timeout', '15m'));
    const pods = JSON.parse(kubectl(['-n', NAMESPACE, 'get', 'pods', '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        status: { conditions?: { type: string; status: string }[] };
      }[];
    };
    const notReady = pods.items
      .filter((p) => !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name);
    assert.deepEqual(notReady, []);
  });

  it('passes helm test (a cp-vs-ap scenario through the control API, every verdict valid)', () => {
    helm(['test', RELEASE, '--namespace', NAMESPACE, '--timeout', '5m', '--logs']);
  });

  it('has Prometheus scraping every target, and traces reaching the collector', async () => {
    const prometheus = serviceUrl(`${RELEASE}-prometheus`);
    const config = dataOf(
      named(renderChart(VARIANTS[0]!).manifests, 'ConfigMap', `${RELEASE}-prometheus`),
    );
    const scrapeJobs = [...config['prometheus.yml']!.matchAll(/job_name: ["']?([\w-]+)/g)]
      .map((m) => m[1])
      .sort();
    assert.ok(scrapeJobs.length > 0, 'no scrape job in the chart');
    await eventually(async () => {
      const answer = await httpJson<{
        data: { activeTargets: { scrapePool: string; health: string; lastError: string }[] };
      }>(`${prometheus}/api/v1/targets?state=active`);
      const targets = answer.body.data.activeTargets;
      assert.deepEqual([...new Set(targets.map((t) => t.scrapePool))].sort(), scrapeJobs);
      const down = targets
        .filter((t) => t.health !== 'up')
        .map((t) => `${t.scrapePool}: ${t.lastError}`);
      assert.deepEqual(down, []);
    }, 90_000);
    // Tempo is off here: the collector's debug exporter logs each batch of spans it received.
    await eventually(() => {
      const logs = kubectl(['-n', NAMESPACE, 'logs', `deployment/${RELEASE}-otel-collector`]);
      assert.match(logs, /Traces.*"spans": [1-9]/);
    }, 60_000);
  });

  it('lets control delete and label pods in its namespace, and nothing else', () => {
    const account = `system:serviceaccount:${NAMESPACE}:${RELEASE}-control`;
    const can = (...what: string[]) =>
      run(described.kubectl, [
        '--kubeconfig',
        described.kubeconfig,
        'auth',
        'can-i',
        '--as',
        account,
        ...what,
      ]).stdout.trim();
    assert.equal(can('delete', 'pods', '-n', NAMESPACE), 'yes');
    assert.equal(can('patch', 'pods', '-n', NAMESPACE), 'yes');
    assert.equal(can('delete', 'pods', '-n', 'kube-system'), 'no');
    assert.equal(can('get', 'secrets', '-n', NAMESPACE), 'no');
    assert.equal(can('create', 'pods', '-n', NAMESPACE), 'no');
    assert.equal(can('patch', 'statefulsets', '-n', NAMESPACE), 'no');
  });

  it('answers a drill on a node the cluster does not have with 400', async () => {
    const answer = await httpJson(`${serviceUrl(`${RELEASE}-control`)}/drills`, {
      headers: { authorization: `Bearer ${adminToken()}` },
      body: { kind: 'kill', target: 'pg-9' },
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(JSON.stringify(answer.body), /pg-9|target/);
  });

  it('a partition of pg-primary: payments answers 503 indeterminate, then heals', async () => {
    const token = adminToken();
    const control = serviceUrl(`${RELEASE}-control`);
    const payments = serviceUrl(`${RELEASE}-payments`);
    const headers = { authorization: `Bearer ${token}` };
    const drill = await httpJson(`${control}/drills`, {
      headers,
      body: { kind: 'partition', target: 'pg-primary', ttlSeconds: 60 },
    });
    assert.equal(drill.status, 201, JSON.stringify(drill.body));
    const during = await httpJson(`${payments}/accounts`, {
      body: { owner: 'k8s', initialBalance: 1 },
    });
    assert.equal(during.status, 503, JSON.stringify(during.body));
    const id = (drill.body as { id: string }).id;
    const healed = await httpJson(`${control}/drills/${id}`, { method: 'DELETE', headers });
    assert.equal(healed.status, 200, JSON.stringify(healed.body));
    await eventually(async () => {
      const after = await httpJson(`${payments}/accounts`, {
        body: { owner: 'k8s', initialBalance: 1 },
      });
      assert.equal(after.status, 201, JSON.stringify(after.body));
    }, 60_000);
  });

  it('uninstalls leaving what NOTES.txt says (the claims, the last test pod), and its command removes them', async () => {
    helm(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait', '--timeout', '5m']);
    const kinds = 'all,configmaps,secrets,networkpolicies,roles,rolebindings,serviceaccounts,pvc';
    const left = () =>
      kubectl(['-n', NAMESPACE, 'get', kinds, '-o', 'name'])
        .split('\n')
        .filter((n) => n && n !== 'configmap/kube-root-ca.crt' && n !== 'serviceaccount/default')
        .sort();
    await eventually(() => {
      assert.deepEqual(left(), [
        `persistentvolumeclaim/data-${RELEASE}-kafka-0`,
        `persistentvolumeclaim/data-${RELEASE}-postgres-0`,
        `persistentvolumeclaim/data-${RELEASE}-postgres-1`,
        `persistentvolumeclaim/data-${RELEASE}-postgres-2`,
        `pod/${RELEASE}-drill-test`,
      ]);
    }, 120_000);
    kubectl(['-n', NAMESPACE, 'delete', 'pvc,pod', '-l', `app.kubernetes.io/instance=${RELEASE}`]);
    await eventually(() => assert.deepEqual(left(), []), 120_000);
  });
});
