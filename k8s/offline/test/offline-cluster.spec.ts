// The offline cluster, for real: `cluster.sh up` brings a node up from the locally built
// binaries and images, a pod of a locally built image serves through a Service that another
// pod reaches by its DNS name, and `cluster.sh down` leaves nothing behind. Root only.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { eventually } from '@faultline/testing';
import { cluster, described, kubectl, run, withOwnCluster } from './offline-cluster';

const namespace = 'offline-cluster-test';

/**
 * Runs a shell command in a fresh pod of IMAGE to completion and returns its output; the pod's
 * and its container's spec take extra fields (volumes and their mounts).
 */
async function runPod(
  name: string,
  image: string,
  command: string,
  labels: Record<string, string> = {},
  podSpec: object = {},
  containerSpec: object = {},
): Promise<string> {
  const container = { name, image, imagePullPolicy: 'Never', command: ['sh', '-c', command] };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { restartPolicy: 'Never', containers: [{ ...container, ...containerSpec }], ...podSpec },
  };
  kubectl(['apply', '-f', '-'], JSON.stringify(pod));
  const phase = await eventually(() => {
    const now = kubectl(['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
    assert.match(now, /^(Succeeded|Failed)$/, `pod ${name} is ${now || 'pending'}`);
    return now;
  }, 120_000);
  const logs = kubectl(['-n', namespace, 'logs', name]);
  assert.equal(phase, 'Succeeded', `pod ${name} failed:\n${logs}`);
  return logs;
}

describe('the offline cluster', () => {
  withOwnCluster();

  it('has a Ready node of the version it built', () => {
    const node = JSON.parse(kubectl(['get', 'node', described.nodeName, '-o', 'json'])) as {
      status: {
        conditions: { type: string; status: string }[];
        nodeInfo: { kubeletVersion: string };
        addresses: { type: string; address: string }[];
      };
    };
    const ready = node.status.conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(node.status.nodeInfo.kubeletVersion, described.kubernetesVersion);
    assert.deepEqual(
      node.status.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address),
      [described.nodeIp],
    );
  });

  it('serves a pod of a locally built image through a Service, by DNS name, to another pod', async () => {
    const redis = described.images.redis;
    kubectl(['create', 'namespace', namespace]);
    const server = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'kv', namespace },
      spec: {
        selector: { matchLabels: { app: 'kv' } },
        template: {
          metadata: { labels: { app: 'kv' } },
          spec: {
            containers: [
              {
                name: 'redis',
                image: redis,
                imagePullPolicy: 'Never',
                command: ['redis-server', '--protected-mode', 'no', '--save', ''],
                ports: [{ containerPort: 6379 }],
                readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kv', namespace },
      spec: { selector: { app: 'kv' }, ports: [{ port: 6379, targetPort: 6379 }] },
    };
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [server, service] }),
    );
    kubectl(['-n', namespace, 'rollout', 'status', 'deployment/kv', '--timeout=120s']);
    const clusterIp = kubectl([
      '-n',
      namespace,
      'get',
      'service',
      'kv',
      '-o',
      'jsonpath={.spec.clusterIP}',
    ]);

    const name = `kv.${namespace}.svc.cluster.local`;
    const output = await runPod(
      'client',
      redis,
      `getent hosts ${name} && redis-cli -h ${name} set greeting from-another-pod && redis-cli -h kv get greeting`,
    );
    const [resolved, set, got] = output.trim().split('\n');
    assert.equal(resolved.split(/\s+/)[0], clusterIp, 'the name resolves to the Service');
    assert.equal(set, 'OK');
    assert.equal(got, 'from-another-pod', 'the short name reaches the same server');
  });

  it('enforces NetworkPolicies (kube-router): denied until a rule lets a labelled pod in', async () => {
    const redis = described.images.redis;
    const policy = (ingress: object[]) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kv', namespace },
      spec: { podSelector: { matchLabels: { app: 'kv' } }, policyTypes: ['Ingress'], ingress },
    });
    // Policies take effect within a sync of kube-router: each probe retries for 30 s.
    const probe = (until: 'blocked' | 'open') =>
      `for i in $(seq 30); do if timeout 2 redis-cli -h kv ping >/dev/null 2>&1; then s=open; else s=blocked; fi; ` +
      `[ $s = ${until} ] && break; sleep 1; done; echo $s`;
    const stays =
      'if timeout 3 redis-cli -h kv ping >/dev/null 2>&1; then echo open; else echo blocked; fi';

    kubectl(['apply', '-f', '-'], JSON.stringify(policy([])));
    assert.equal((await runPod('denied', redis, probe('blocked'))).trim(), 'blocked');

    const fromLabelled = {
      from: [{ podSelector: { matchLabels: { access: 'kv' } } }],
      ports: [{ port: 6379 }],
    };
    kubectl(['apply', '-f', '-'], JSON.stringify(policy([fromLabelled])));
    assert.equal((await runPod('allowed', redis, probe('open'), { access: 'kv' })).trim(), 'open');
    assert.equal((await runPod('still-denied', redis, stays)).trim(), 'blocked');

    kubectl(['-n', namespace, 'delete', 'networkpolicy', 'kv']);
    assert.equal((await runPod('open-again', redis, probe('open'))).trim(), 'open');
  });

  it('gives a claim a volume (the default StorageClass) whose data outlives the pod', async () => {
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
    };
    kubectl(['apply', '-f', '-'], JSON.stringify(claim));
    const volume = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] };
    const mount = { volumeMounts: [{ name: 'data', mountPath: '/data' }] };
    const debian = described.images.debian;
    assert.equal(
      (
        await runPod(
          'writer',
          debian,
          'echo kept > /data/note && cat /data/note',
          {},
          volume,
          mount,
        )
      ).trim(),
      'kept',
    );
    kubectl(['-n', namespace, 'delete', 'pod', 'writer']);
    assert.equal(
      (await runPod('reader', debian, 'cat /data/note', {}, volume, mount)).trim(),
      'kept',
    );
    const phase = kubectl([
      '-n',
      namespace,
      'get',
      'pvc',
      'data',
      '-o',
      'jsonpath={.status.phase}',
    ]);
    assert.equal(phase, 'Bound');
  });

  it('resolves no name outside the cluster (CoreDNS has no upstream)', async () => {
    const output = await runPod(
      'offline-dns',
      described.images.redis,
      'if getent hosts example.com; then echo resolved; else echo unresolved; fi',
    );
    assert.equal(output.trim(), 'unresolved');
  });

  it('goes down leaving no process, mount, interface, rule, cgroup or state behind', () => {
    assert.equal(cluster('down', true), 0);
    const ours = [described.binDir, described.containerdSocket, described.state];
    const processes = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          return ''; // gone meanwhile
        }
      })
      .filter((cmdline) => ours.some((path) => cmdline.includes(path)));
    assert.deepEqual(processes, []);

    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter((target) =>
        [described.state, described.containerdState, described.containerdRoot].some((p) =>
          target.startsWith(p),
        ),
      );
    assert.deepEqual(mounts, []);

    assert.notEqual(
      run('ip', ['link', 'show', described.podBridge]).status,
      0,
      'the bridge is gone',
    );
    assert.doesNotMatch(
      run('ip', ['addr', 'show', 'dev', 'lo']).stdout,
      new RegExp(` ${described.nodeIp}/`),
    );
    for (const tool of ['iptables-save', 'ip6tables-save']) {
      assert.doesNotMatch(
        run(tool, []).stdout,
        /\b(KUBE|CNI|FAULTLINE)-/,
        `${tool} shows no chain of ours`,
      );
    }
    assert.doesNotMatch(run('ipset', ['list', '-n']).stdout, /\S/, 'kube-router left no ipset');
    const cgroups = readdirSync('/sys/fs/cgroup').filter((c) =>
      existsSync(`/sys/fs/cgroup/${c}/kubepods`),
    );
    assert.deepEqual(cgroups, []);
    assert.equal(existsSync(described.state), false, 'the state directory is gone');
    assert.equal(existsSync(described.containerdState), false);
  });
});
