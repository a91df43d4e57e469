import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getMetadataStorage } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { ServiceEnvironment } from '@faultline/service';
import {
  CONTROL_SERVICE,
  ENDPOINTS,
  LAB_NAMES,
  LAB_SERVICES,
  type LabName,
  repoRoot,
  SERVICES,
  WORKLOAD_SERVICE,
  type ServiceEnvContext,
  type TopologyMap,
} from '@faultline/topology';
import { CartsEnvironment } from '../../../apps/carts/src/config/carts-environment';
import { CatalogEnvironment } from '../../../apps/catalog/src/config/catalog-environment';
import { LedgerEnvironment } from '../../../apps/ledger/src/config/ledger-environment';
import { ControlEnvironment } from '../../../apps/control/src/config/control-environment';
import { OrdersEnvironment } from '../../../apps/orders/src/config/orders-environment';
import { PaymentsEnvironment } from '../../../apps/payments/src/config/payments-environment';
import { WorkloadEnvironment } from '../../../apps/workload/src/config/workload-environment';
import { planDrill } from '../../../apps/control/src/drills/drill-kinds';
import {
  allContainers,
  type ChartVariant,
  chartCopies,
  chartDir,
  linkClientComponent,
  chartTopology,
  cpuCores,
  dataOf,
  KUBERNETES_VERSION,
  expectedChartFiles,
  filesUnder,
  lintChart,
  type Manifest,
  memoryBytes,
  named,
  podTemplates,
  referencedObjects,
  renderChart,
  renderNotes,
  resolveChartTools,
  selects,
  VARIANTS,
  withLab,
} from '@faultline/chart';

/** The variables the telemetry preload reads (not app configuration): OpenTelemetry's and the sampler's. */
const TELEMETRY_ENV = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'FAULTLINE_TRACES_PER_SECOND',
];

const APP_ENVIRONMENTS: Record<string, new () => object> = {
  payments: PaymentsEnvironment,
  catalog: CatalogEnvironment,
  carts: CartsEnvironment,
  ledger: LedgerEnvironment,
  orders: OrdersEnvironment,
  control: ControlEnvironment,
  workload: WorkloadEnvironment,
};

const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** A datastore's main port's name, where it is not named after the datastore. */
const MAIN_PORTS: Record<string, string> = { cassandra: 'cql', etcd: 'client' };
/** What each replicated datastore must keep through a voluntary disruption, of its members. */
const MUST_KEEP: Record<string, (members: number) => number> = {
  // The primary and a synchronous standby: every commit waits for one (ANY 1).
  postgres: () => 2,
  // A primary, and a replica the Sentinels can promote if the primary is the one evicted.
  redis: () => 2,
  // A majority of the Sentinels authorises a failover.
  sentinel: (members) => Math.floor(members / 2) + 1,
  // A QUORUM of the ring at replication factor 3.
  cassandra: () => 2,
  // The majority Raft needs.
  etcd: (members) => Math.floor(members / 2) + 1,
};
/** What all requests may add up to: the core topology's, and what each lab adds. */
const BUDGET = { cpu: 3, memory: 4 * 2 ** 30 };
const LAB_BUDGETS: Record<LabName, { cpu: number; memory: number }> = {
  quorum: { cpu: 0.5, memory: 2.5 * 2 ** 30 },
  consensus: { cpu: 0.3, memory: 0.75 * 2 ** 30 },
};

const rendered = new Map(VARIANTS.map((v) => [v.name, renderChart(v)]));
const scratch = mkdtempSync(join(tmpdir(), 'faultline-chart-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('the chart carries the project files it is built from', () => {
  it('topology.json is generated from the model, and the dashboards, provisioning and rules are copies', () => {
    for (const { file, content } of expectedChartFiles()) {
      assert.equal(
        readFileSync(file, 'utf8'),
        content,
        `${file} differs from its source: run \`npm run build && npm run chart:sync\``,
      );
    }
  });

  it('has no stale copy of a file the project no longer has', () => {
    const copies = new Set(chartCopies().map((c) => c.copy));
    for (const dir of ['grafana', 'prometheus']) {
      for (const file of filesUnder(join(chartDir(), 'files', dir))) {
        assert.ok(copies.has(file), `${file} has no source: remove it`);
      }
    }
  });
});

for (const variant of VARIANTS) {
  const { yaml, manifests } = rendered.get(variant.name)!;
  const pods = podTemplates(manifests);
  const of = (kind: string) => manifests.filter((m) => m.kind === kind);

  describe(`chart, ${variant.name} values`, () => {
    it('passes helm lint --strict', () => {
      assert.match(lintChart(variant), /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    it('renders objects that are valid against the Kubernetes schemas (kubernetes-validate --strict)', () => {
      // The monitoring CRDs' kinds are not Kubernetes' own; the tests below check them.
      const core = manifests.filter((m) => !m.apiVersion.startsWith('monitoring.coreos.com/'));
      const file = join(scratch, `${variant.name}.yaml`);
      writeFileSync(file, core.map((m) => JSON.stringify(m)).join('\n---\n'));
      const result = spawnSync(resolveChartTools().kubernetesValidate, ['--strict', file], {
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
      assert.ok(core.length > 30, `only ${core.length} objects rendered`);
    });

    it('passes the security scanner (checkov): no failed check, every skip with a reason', () => {
      const dir = mkdtempSync(join(scratch, 'checkov-'));
      writeFileSync(join(dir, 'chart.yaml'), yaml);
      const result = spawnSync(
        resolveChartTools().checkov,
        ['-d', dir, '--framework', 'kubernetes', '--compact', '-o', 'json'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const report = JSON.parse(result.stdout) as {
        results: {
          failed_checks: { check_id: string; resource: string }[];
          skipped_checks: { check_id: string; check_result: { suppress_comment: string } }[];
        };
        summary: { passed: number };
      };
      assert.deepEqual(
        report.results.failed_checks.map((c) => `${c.check_id} ${c.resource}`),
        [],
      );
      assert.ok(report.summary.passed > 500, 'checkov ran its Kubernetes checks');
      for (const skip of report.results.skipped_checks) {
        assert.ok(
          skip.check_result.suppress_comment.length > 20,
          `${skip.check_id} skipped without a reason`,
        );
      }
    });

    it('pins every image and gives every container requests, limits, probes and a locked-down security context', () => {
      for (const { owner, spec } of pods) {
        const hook = owner.metadata.annotations?.['helm.sh/hook'] === 'test';
        const writable = Object.values(owner.metadata.annotations ?? {}).some((a) =>
          a.startsWith('CKV_K8S_22='),
        );
        assert.equal(
          spec.securityContext?.runAsNonRoot,
          true,
          `${owner.metadata.name} runAsNonRoot`,
        );
        assert.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault');
        for (const c of allContainers(spec)) {
          const where = `${owner.kind} ${owner.metadata.name}, container ${c.name}`;
          // Init containers have no probes (Kubernetes refuses them), and no reason to write.
          const init = spec.initContainers?.includes(c) ?? false;
          assert.match(c.image, /^[\w./-]+:[\w.-]+$/, `${where}: image with a tag`);
          assert.doesNotMatch(c.image, /:latest$/, `${where}: pinned`);
          for (const kind of ['requests', 'limits'] as const) {
            assert.ok(c.resources?.[kind]?.cpu, `${where}: ${kind}.cpu`);
            assert.ok(c.resources?.[kind]?.memory, `${where}: ${kind}.memory`);
          }
          if (!hook && !init) {
            assert.ok(c.livenessProbe, `${where}: liveness probe`);
            assert.ok(c.readinessProbe, `${where}: readiness probe`);
          }
          const sc = c.securityContext;
          assert.equal(sc?.allowPrivilegeEscalation, false, `${where}: no privilege escalation`);
          assert.deepEqual(sc?.capabilities?.drop, ['ALL'], `${where}: capabilities dropped`);
          assert.equal(sc?.capabilities?.add, undefined, `${where}: no capability added`);
          assert.equal(sc?.runAsNonRoot, true, `${where}: runAsNonRoot`);
          assert.equal(sc?.seccompProfile?.type, 'RuntimeDefault', `${where}: seccomp`);
          // Only a workload that says why (a checkov skip with its reason) writes to its root.
          assert.equal(sc?.readOnlyRootFilesystem, init || !writable, `${where}: read-only root`);
        }
      }
    });

    it('keeps all requests together within 3 CPU and 4 GiB, the quorum lab within 0.5 CPU and 2.5 GiB more, the consensus lab within 0.3 CPU and 0.75 GiB', () => {
      let cpu = 0;
      let memory = 0;
      for (const { owner, spec } of pods) {
        if (owner.metadata.annotations?.['helm.sh/hook']) continue;
        const replicas = (owner.spec as { replicas?: number } | undefined)?.replicas ?? 1;
        for (const c of allContainers(spec)) {
          cpu += replicas * cpuCores(c.resources!.requests!.cpu!);
          memory += replicas * memoryBytes(c.resources!.requests!.memory!);
        }
      }
      const budget = { ...BUDGET };
      for (const lab of LAB_NAMES.filter((l) => withLab(variant, l))) {
        budget.cpu += LAB_BUDGETS[lab].cpu;
        budget.memory += LAB_BUDGETS[lab].memory;
      }
      assert.ok(cpu <= budget.cpu, `requests ${cpu} CPU > ${budget.cpu}`);
      assert.ok(
        memory <= budget.memory,
        `requests ${memory / 2 ** 30} GiB > ${budget.memory / 2 ** 30} GiB`,
      );
    });

    it('renders every ConfigMap, Secret and ServiceAccount a pod references', () => {
      for (const { owner, spec } of pods) {
        for (const { kind, name, key } of referencedObjects(spec)) {
          const found = named(manifests, kind, name);
          const where = `${owner.kind} ${owner.metadata.name}: ${kind} ${name}`;
          assert.ok(found, `${where} is not rendered`);
          if (key) assert.ok(key in dataOf(found), `${where} has no key ${key}`);
        }
      }
    });

    it('has every Service select some pod, on a port the pod declares', () => {
      for (const service of of('Service')) {
        const spec = service.spec as {
          selector: Record<string, string>;
          ports: { name: string; targetPort: string | number }[];
        };
        const target = pods.find((p) => selects(spec.selector, p.labels));
        if (spec.selector['faultline.dev/role']) {
          // The primary's Service: control puts the role label on the pod at run time.
          const rest = Object.fromEntries(
            Object.entries(spec.selector).filter(([k]) => k !== 'faultline.dev/role'),
          );
          assert.ok(
            pods.some((p) => selects(rest, p.labels)),
            `${service.metadata.name} selects no pod`,
          );
          continue;
        }
        assert.ok(target, `${service.metadata.name} selects no pod`);
        const declared = target.spec.containers.flatMap(
          (c) => (c as { ports?: { name?: string; containerPort: number }[] }).ports ?? [],
        );
        for (const port of spec.ports) {
          assert.ok(
            declared.some((d) => d.name === port.targetPort || d.containerPort === port.targetPort),
            `${service.metadata.name}: target port ${port.targetPort} is not one of the pod's`,
          );
        }
      }
    });

    it('gives control a namespaced Role on pods (get, list, delete, patch) and the kill-holds and roles ConfigMaps only', () => {
      const roles = of('Role');
      assert.equal(roles.length, 1);
      assert.deepEqual((roles[0] as unknown as { rules: unknown }).rules, [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete', 'patch'] },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['faultline-kill-holds', 'faultline-roles'],
          verbs: ['get', 'patch'],
        },
      ]);
      assert.equal(of('ClusterRole').length, 0);
      const control = pods.find((p) => p.labels[COMPONENT_LABEL] === 'control')!;
      assert.equal(control.spec.serviceAccountName, roles[0]!.metadata.name);
      for (const { owner, spec } of pods) {
        if (spec !== control.spec) {
          assert.equal(
            spec.automountServiceAccountToken,
            false,
            `${owner.metadata.name} mounts no token`,
          );
        }
      }
    });

    it('holds at start every node a kill may take down, by the key the map gives control', () => {
      const map = JSON.parse(
        dataOf(named(manifests, 'ConfigMap', 'faultline-topology'))['topology.json']!,
      ) as TopologyMap;
      const control = pods.find((p) => p.labels[COMPONENT_LABEL] === 'control')!;
      const holds = control.spec.containers[0]!.env!.find(
        (e) => e.name === 'FAULTLINE_KILL_HOLDS',
      )!.value!;
      assert.ok(named(manifests, 'ConfigMap', holds), `the ConfigMap ${holds} is rendered`);
      for (const node of map.nodes) {
        const killable = (() => {
          try {
            planDrill(map, 'kill', node.name, {});
            return true;
          } catch {
            return false;
          }
        })();
        assert.equal(Boolean(node.hold), killable, `${node.name}: a hold key iff kill accepts it`);
        if (!node.hold) continue;
        // A StatefulSet pod's key is its own name (<set>-<ordinal>), a Deployment's its name.
        const statefulSet = node.pod!.startsWith('statefulset.kubernetes.io/pod-name=');
        const owner = statefulSet ? node.hold.replace(/-\d+$/, '') : node.hold;
        const pod = pods.find((p) => p.owner.metadata.name === owner);
        assert.ok(pod, `${node.name}: its pods' owner ${owner} is rendered`);
        const [gate] = pod.spec.initContainers ?? [];
        assert.equal(
          gate?.name,
          'kill-hold',
          `${node.name}: kill-hold is its first init container`,
        );
        const key = gate.env!.find((e) => e.name === 'HOLD_KEY')!;
        if (statefulSet) {
          assert.deepEqual(key.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
        } else {
          assert.equal(key.value, node.hold);
        }
        assert.ok(
          pod.spec.volumes!.some((v) => v.name === 'kill-holds' && v.configMap?.name === holds),
          `${node.name}: mounts ${holds}`,
        );
      }
    });

    it('generates its secrets at install (nothing secret in values)', () => {
      const values = readFileSync(join(chartDir(), 'values.yaml'), 'utf8');
      assert.doesNotMatch(values, /password|token|secret/i);
      const again = renderChart(variant).manifests;
      for (const secret of of('Secret')) {
        const data = dataOf(secret);
        const other = dataOf(named(again, 'Secret', secret.metadata.name));
        for (const [key, value] of Object.entries(data)) {
          assert.ok(
            Buffer.from(value, 'base64').length >= 32,
            `${secret.metadata.name}.${key} is long`,
          );
          assert.notEqual(
            other[key],
            value,
            `${secret.metadata.name}.${key} is generated, not fixed`,
          );
        }
      }
    });

    it("runs Toxiproxy with exactly the topology's links", () => {
      const config = { data: dataOf(named(manifests, 'ConfigMap', 'faultline-toxiproxy')) };
      const proxies = JSON.parse(config.data['proxies.json']!) as {
        name: string;
        listen: string;
      }[];
      const expected = expectedLinks(variant);
      assert.deepEqual(
        proxies.map((p) => [p.name, p.listen]).sort(),
        expected.map((l) => [l.name, `0.0.0.0:${l.port}`]).sort(),
      );
    });

    it('lets a drain take one member of each replicated datastore at a time, never what it needs to go on', () => {
      const budgets = of('PodDisruptionBudget') as (Manifest & { spec: BudgetSpec })[];
      assert.deepEqual(budgets.map((b) => b.metadata.name).sort(), [
        ...(withLab(variant, 'quorum') ? ['faultline-cassandra'] : []),
        ...(withLab(variant, 'consensus') ? ['faultline-etcd'] : []),
        'faultline-postgres',
        'faultline-redis',
        'faultline-sentinel',
      ]);
      for (const { metadata, spec } of budgets) {
        // Exactly one StatefulSet's pods, by that set's own selector.
        const [set, ...others] = pods.filter((p) => selects(spec.selector.matchLabels, p.labels));
        assert.ok(set && others.length === 0, `${metadata.name} selects one set's pods`);
        assert.equal(set.owner.kind, 'StatefulSet');
        const { replicas, selector } = set.owner.spec as {
          replicas: number;
          selector: { matchLabels: Record<string, string> };
        };
        assert.deepEqual(spec.selector.matchLabels, selector.matchLabels);
        const component = set.labels[COMPONENT_LABEL]!;
        const left = replicas - spec.maxUnavailable;
        assert.ok(spec.maxUnavailable >= 1, `${component}: a drain can proceed`);
        assert.ok(
          left >= MUST_KEEP[component]!(replicas),
          `${component}: ${left} of ${replicas} left, fewer than it needs`,
        );
      }
      const kafka = pods.find((p) => p.labels[COMPONENT_LABEL] === 'kafka')!;
      assert.ok(
        !budgets.some((b) => selects(b.spec.selector.matchLabels, kafka.labels)),
        'the single Kafka broker has no budget',
      );
    });

    it('denies all traffic by default and allows exactly the links and connections of the topology', () => {
      const policies = of('NetworkPolicy') as (Manifest & { spec: PolicySpec })[];
      const deny = policies.find((p) => p.metadata.name === 'faultline-default-deny');
      assert.ok(deny, 'a default deny policy');
      assert.deepEqual(deny.spec.policyTypes, ['Ingress', 'Egress']);
      assert.equal(deny.spec.ingress, undefined);
      for (const { labels } of pods) assert.ok(selects(deny.spec.podSelector.matchLabels, labels));

      const deployed = new Set(pods.map((p) => p.labels[COMPONENT_LABEL]!));
      const allowed = allowedTraffic(variant, manifests, deployed);
      const seen = new Set<string>();
      for (const policy of policies.filter((p) => p !== deny)) {
        const self = policy.spec.podSelector.matchLabels[COMPONENT_LABEL]!;
        assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
        for (const rule of policy.spec.ingress ?? []) {
          for (const from of rule.from) {
            for (const { port } of rule.ports) {
              const edge = from.podSelector
                ? `${from.podSelector.matchLabels[COMPONENT_LABEL]}->${self}:${port}`
                : `monitoring->${self}:${port}`;
              assert.ok(
                allowed.has(edge),
                `${policy.metadata.name} allows ${edge}, not in the topology`,
              );
              seen.add(`in ${edge}`);
            }
          }
        }
        for (const rule of policy.spec.egress ?? []) {
          for (const { port } of rule.ports) {
            // A rule without `to` is to any address (the API server's, an external backend's).
            const edge = rule.to
              ? `${self}->${rule.to[0]!.podSelector!.matchLabels[COMPONENT_LABEL]}:${port}`
              : `${self}->*:${port}`;
            assert.ok(
              allowed.has(edge),
              `${policy.metadata.name} allows ${edge}, not in the topology`,
            );
            seen.add(`out ${edge}`);
          }
        }
      }
      for (const edge of allowed) {
        if (!edge.startsWith('monitoring->') && !edge.includes('->*:')) {
          assert.ok(seen.has(`in ${edge}`), `nothing lets ${edge} in`);
        }
        if (!edge.startsWith('monitoring->'))
          assert.ok(seen.has(`out ${edge}`), `nothing lets ${edge} out`);
      }
    });

    it('sets each app exactly the variables its validated configuration declares, and every one it requires', () => {
      const image = /^faultline:/;
      // The raft relay runs from the app image too, but is no app: it has no configuration.
      const apps = pods.filter(
        (p) =>
          p.owner.kind === 'Deployment' &&
          image.test(p.spec.containers[0]!.image) &&
          p.labels[COMPONENT_LABEL] !== 'raft-relay',
      );
      assert.equal(
        apps.length,
        (variant.name === 'no-workload' ? 5 : 6) +
          (withLab(variant, 'quorum') ? 2 : 0) +
          (withLab(variant, 'consensus') ? 2 : 0),
      );
      for (const { owner, spec } of apps) {
        const [container] = spec.containers;
        const app = container!.args![0]!;
        const config = APP_ENVIRONMENTS[app];
        assert.ok(config, `${owner.metadata.name} runs unknown app ${app}`);
        const set = new Set(container!.env!.map((e) => e.name));
        const declared = new Set([
          ...declaredVariables(ServiceEnvironment).all,
          ...declaredVariables(config).all,
          ...TELEMETRY_ENV,
        ]);
        const required = [
          ...declaredVariables(ServiceEnvironment).required,
          ...declaredVariables(config).required,
        ];
        assert.deepEqual(
          [...set].filter((v) => !declared.has(v)),
          [],
          `${owner.metadata.name} sets undeclared variables`,
        );
        assert.deepEqual(
          required.filter((v) => !set.has(v)),
          [],
          `${owner.metadata.name} misses required variables`,
        );
        // …and what the local topology gives the same node (README, "Services").
        const local = localEnvironment(
          container!.env!.find((e) => e.name === 'FAULTLINE_NODE')!.value!,
          LAB_NAMES.filter((l) => withLab(variant, l)),
        );
        const leftOut = new Set(leftOutOfRelease(variant));
        assert.deepEqual(
          local.filter((v) => !set.has(v) && !leftOut.has(v)),
          [],
          `${owner.metadata.name} lacks what the local topology sets`,
        );
      }
    });
  });
}

describe('chart, bring-your-own monitoring', () => {
  const byo = rendered.get('bring-your-own-monitoring')!.manifests;
  const standard = rendered.get('default')!.manifests;

  it('runs no Prometheus, Grafana, Zipkin or Tempo of its own', () => {
    for (const component of ['prometheus', 'grafana', 'zipkin', 'tempo']) {
      assert.equal(
        podTemplates(byo).filter((p) => p.labels[COMPONENT_LABEL] === component).length,
        0,
        component,
      );
    }
  });

  it('emits a ServiceMonitor for every Service our Prometheus would scrape, matching it', () => {
    const monitors = byo.filter((m) => m.kind === 'ServiceMonitor');
    const services = byo.filter((m) => m.kind === 'Service');
    const nodes = monitors.map((m) => {
      const spec = m.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: {
          port: string;
          relabelings?: { replacement?: string; targetLabel?: string }[];
        }[];
      };
      const service = services.find((s) =>
        selects(spec.selector.matchLabels, s.metadata.labels ?? {}),
      );
      assert.ok(service, `${m.metadata.name} selects no Service`);
      const ports = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
      assert.ok(
        ports.includes(spec.endpoints[0]!.port),
        `${m.metadata.name}: port ${spec.endpoints[0]!.port}`,
      );
      assert.equal(m.metadata.labels?.release, 'kube-prometheus-stack');
      return spec.endpoints[0]!.relabelings?.find((r) => r.targetLabel === 'node')?.replacement;
    });
    const config = { data: dataOf(named(standard, 'ConfigMap', 'faultline-prometheus')) };
    const jobs = [...config.data['prometheus.yml']!.matchAll(/job_name: "?([\w-]+)"?/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(nodes.sort(), jobs.filter((j) => j !== 'prometheus').sort());
    assert.equal(byo.filter((m) => m.kind === 'PrometheusRule').length, 1);
  });

  it('emits every dashboard as a ConfigMap labelled grafana_dashboard="1", identical to grafana/dashboards', () => {
    const dashboards = byo.filter(
      (m) => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard === '1',
    ) as (Manifest & { data: Record<string, string> })[];
    const sources = chartCopies().filter((c) => c.source.includes('/grafana/dashboards/'));
    assert.equal(dashboards.length, sources.length);
    for (const { source } of sources) {
      const content = readFileSync(source, 'utf8');
      assert.ok(
        dashboards.some((d) => Object.values(d.data).includes(content)),
        `${source} is not emitted as it is`,
      );
    }
  });

  it('lets the monitoring namespace scrape the apps, and emits no ServiceMonitor without the CRDs', () => {
    const policies = byo.filter((m) => m.kind === 'NetworkPolicy');
    assert.ok(JSON.stringify(policies).includes('"kubernetes.io/metadata.name":"monitoring"'));
    const withoutCrds = renderChart({ ...VARIANTS[1]!, apiVersions: [] }).manifests;
    assert.equal(
      withoutCrds.filter((m) => m.apiVersion.startsWith('monitoring.coreos.com/')).length,
      0,
    );
  });
});

describe('chart, what its pods run', () => {
  // With the quorum lab: every script of the default values, and the ring members' too.
  const { manifests } = rendered.get('quorum-lab')!;

  it('the shell scripts it runs pass shellcheck (and so do k8s/*.sh and k8s/offline/*.sh)', () => {
    const scripts: { where: string; text: string }[] = [];
    for (const m of manifests.filter((x) => x.kind === 'ConfigMap')) {
      for (const [key, text] of Object.entries(dataOf(m))) {
        if (key.endsWith('.sh')) scripts.push({ where: `${m.metadata.name}/${key}`, text });
      }
    }
    for (const { owner, spec } of podTemplates(manifests)) {
      for (const c of allContainers(spec)) {
        const [shell, flag, text] = c.command ?? [];
        if (/^(ba)?sh$/.test(shell ?? '') && flag === '-c') {
          scripts.push({
            where: `${owner.metadata.name}/${c.name}`,
            text: `#!/bin/${shell}\n${text}`,
          });
        }
      }
    }
    assert.ok(scripts.length >= 3, `only ${scripts.length} scripts found`);
    const shellcheck = (file: string) =>
      spawnSync('shellcheck', ['--external-sources', file], { encoding: 'utf8', cwd: repoRoot() });
    for (const { where, text } of scripts) {
      const file = join(scratch, where.replace(/\//g, '_'));
      writeFileSync(file, text);
      const result = shellcheck(file);
      assert.equal(result.status, 0, `${where}:\n${result.stdout}${result.stderr}`);
    }
    // The repository's own scripts, checked in place: they source their neighbours.
    const own = ['k8s', join('k8s', 'offline')].flatMap((dir) =>
      readdirSync(join(repoRoot(), dir))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => join(dir, f)),
    );
    assert.ok(own.length >= 8, `only ${own.length} scripts in k8s/`);
    for (const file of own) {
      const result = shellcheck(file);
      assert.equal(result.status, 0, `${file}:\n${result.stdout}${result.stderr}`);
    }
  });

  it("Prometheus's configuration, with the project's rules, passes promtool check config", () => {
    const dir = mkdtempSync(join(scratch, 'prometheus-'));
    const rules = dataOf(named(manifests, 'ConfigMap', 'faultline-prometheus-rules'));
    writeFileSync(join(dir, 'faultline.rules.yml'), rules['faultline.rules.yml']!);
    const config = dataOf(named(manifests, 'ConfigMap', 'faultline-prometheus'))['prometheus.yml']!;
    assert.match(config, /\/etc\/prometheus\/rules\/faultline\.rules\.yml/);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      config.replace('/etc/prometheus/rules/faultline.rules.yml', join(dir, 'faultline.rules.yml')),
    );
    const result = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /SUCCESS: 1 rule files found/);
  });
});

describe('chart, values schema', () => {
  for (const [set, message] of [
    ['postgres.standbys=0', /standbys/],
    ['image.tag=latest', /tag/],
    ['catalog.ordering=lamport', /ordering/],
    ['workload.backgroundRate=-1', /backgroundRate/],
    ['postgres.storage=lots', /storage/],
    ['podDisruptionBudgets.enabled=sometimes', /podDisruptionBudgets/],
    ['nonsense=1', /nonsense|additional/i],
    ['traces.backend=jaeger', /backend/],
    ['traces.backend=external', /externalOtlpEndpoint/],
    ['monitoring.prometheusUrl=prometheus:9090', /prometheusUrl/],
    ['tempo.enabled=true', /tempo|additional/i],
  ] as const) {
    it(`rejects ${set}`, () => {
      const result = spawnSync(
        resolveChartTools().helm,
        ['template', 'faultline', chartDir(), '--kube-version', KUBERNETES_VERSION, '--set', set],
        { encoding: 'utf8' },
      );
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, message);
    });
  }

  it('renders no PodDisruptionBudget with podDisruptionBudgets.enabled=false', () => {
    const { manifests } = renderChart({
      name: 'no-budgets',
      set: ['podDisruptionBudgets.enabled=false'],
      apiVersions: [],
    });
    assert.deepEqual(
      manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name),
      [],
    );
  });

  it("accepts what k8s/up.sh installs with, and its usage example's --set changes the release", () => {
    const script = readFileSync(join(repoRoot(), 'k8s', 'up.sh'), 'utf8').split('\n');
    const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      version: string;
    };
    const setsIn = (lines: string[]) =>
      lines.flatMap((line) =>
        [...line.matchAll(/--set\s+"?([^"\s`]+)"?/g)].map((m) =>
          m[1]!.replace('${version}', version),
        ),
      );
    const example = setsIn(script.filter((line) => line.startsWith('#')));
    const installed = setsIn(script.filter((line) => !line.trimStart().startsWith('#')));
    assert.ok(example.length > 0, 'the usage comment shows a --set');
    assert.ok(installed.length > 0, 'the script sets the image');
    // renderChart throws with helm's message when the schema refuses a key; Secrets are
    // generated afresh on every render, so they are left out of the comparison.
    const release = (set: string[]) =>
      renderChart({ name: 'k8s/up.sh', set, apiVersions: [] }).manifests.filter(
        (m) => m.kind !== 'Secret',
      );
    assert.notDeepEqual(
      release([...installed, ...example]),
      release(installed),
      `${example.join(' ')} changes nothing in the release`,
    );
  });

  it('NOTES.txt names the port-forwards (console, trace backend, Grafana), the first drill and the lab’s scenario', () => {
    const notes = renderNotes(VARIANTS[0]!);
    assert.match(
      notes,
      /port-forward svc\/faultline-control 8080:8080 &\n\s+open http:\/\/localhost:8080\//,
    );
    assert.match(
      notes,
      /port-forward svc\/faultline-zipkin 9411:9411 &\n\s+open http:\/\/localhost:9411\/zipkin\//,
    );
    assert.match(notes, /port-forward svc\/faultline-grafana 3000:3000/);
    assert.match(notes, /faultline drill partition pg-primary/);
    assert.match(notes, /helm test faultline/);
    const byo = renderNotes(VARIANTS[1]!);
    assert.doesNotMatch(byo, /svc\/faultline-(grafana|zipkin|tempo)/);
    const tempo = renderNotes(variantNamed('tempo-traces'));
    assert.match(tempo, /port-forward svc\/faultline-tempo 3200:3200/);
    assert.doesNotMatch(tempo, /zipkin/);
    // The quorum lab's scenario, only when the release has the lab.
    assert.doesNotMatch(notes, /scenario run quorum/);
    assert.match(renderNotes(variantNamed('quorum-lab')), /faultline scenario run quorum/);
    assert.doesNotMatch(notes, /scenario run lock-pause/);
    assert.match(
      renderNotes(variantNamed('consensus-lab')),
      /faultline scenario run lock-pause --lock redlock/,
    );
  });
});

describe('chart, the trace backend (traces.backend)', () => {
  interface CollectorConfig {
    exporters: Record<string, { endpoint?: string }>;
    service: { pipelines: { traces: { exporters: string[] } } };
  }
  interface Datasource {
    uid: string;
    type: string;
    name: string;
    url: string;
    jsonData?: { exemplarTraceIdDestinations?: { datasourceUid: string }[] };
  }

  /** What a release runs for traces, where its collector sends them and where Grafana reads them. */
  const traces = (variant: string) => {
    const { manifests } = rendered.get(variant)!;
    const collector = parseYaml(
      dataOf(named(manifests, 'ConfigMap', 'faultline-otel-collector'))['config.yaml']!,
    ) as CollectorConfig;
    const exporters = collector.service.pipelines.traces.exporters;
    const { datasources } = parseYaml(
      dataOf(named(manifests, 'ConfigMap', 'faultline-grafana-provisioning'))[
        'datasources-faultline.yaml'
      ]!,
    ) as { datasources: Datasource[] };
    const prometheus = datasources.find((d) => d.type === 'prometheus')!;
    const [exemplarTarget] = prometheus.jsonData!.exemplarTraceIdDestinations!;
    return {
      backends: ['zipkin', 'tempo'].filter((component) =>
        manifests.some((m) => m.metadata.labels?.[COMPONENT_LABEL] === component),
      ),
      exporters,
      endpoints: exporters.map((e) => collector.exporters[e]!.endpoint),
      datasource: datasources.find((d) => d.uid === exemplarTarget!.datasourceUid),
      others: datasources.filter(
        (d) => d !== prometheus && d.uid !== exemplarTarget!.datasourceUid,
      ),
      manifests,
    };
  };

  /** A Service's address `host:port` by its name and a port name. */
  const serviceAddress = (manifests: Manifest[], name: string, port: string): string => {
    const service = named(manifests, 'Service', name);
    assert.ok(service, `Service ${name} is rendered`);
    const { ports } = service.spec as { ports: { name: string; port: number }[] };
    return `${name}:${ports.find((p) => p.name === port)!.port}`;
  };

  it("zipkin by default: the chart's Zipkin, in memory; the collector exports to its span API; Grafana reads it", () => {
    const { backends, exporters, endpoints, datasource, others, manifests } = traces('default');
    assert.deepEqual(backends, ['zipkin']);
    const zipkin = podTemplates(manifests).find(
      (p) => p.owner.metadata.name === 'faultline-zipkin',
    );
    assert.equal(zipkin?.owner.kind, 'Deployment');
    const [container] = zipkin.spec.containers;
    assert.equal(container!.image, 'openzipkin/zipkin:3.5.1');
    assert.ok(container!.env!.some((e) => e.name === 'STORAGE_TYPE' && e.value === 'mem'));
    const address = serviceAddress(manifests, 'faultline-zipkin', 'http');
    assert.deepEqual(exporters, ['zipkin']);
    assert.deepEqual(endpoints, [`http://${address}/api/v2/spans`]);
    // The exemplars' trace links open in the Zipkin datasource; no other trace datasource.
    assert.deepEqual(
      { type: datasource?.type, url: datasource?.url },
      { type: 'zipkin', url: `http://${address}` },
    );
    assert.deepEqual(others, []);
  });

  it("tempo: the chart's Tempo, the collector's OTLP exporter to it, Grafana's Tempo datasource; no Zipkin", () => {
    const { backends, exporters, endpoints, datasource, manifests } = traces('tempo-traces');
    assert.deepEqual(backends, ['tempo']);
    assert.deepEqual(exporters, ['otlp']);
    assert.deepEqual(endpoints, [serviceAddress(manifests, 'faultline-tempo', 'otlp-grpc')]);
    assert.deepEqual(
      { type: datasource?.type, url: datasource?.url },
      { type: 'tempo', url: `http://${serviceAddress(manifests, 'faultline-tempo', 'http')}` },
    );
  });

  it('none: no trace backend; the collector drops the traces (debug), the trace datasource has no URL', () => {
    const { backends, exporters, datasource } = traces('no-traces');
    assert.deepEqual(backends, []);
    assert.deepEqual(exporters, ['debug']);
    assert.equal(datasource?.url, '');
  });
});

describe("chart, control's console: Prometheus to query and a trace UI to link to", () => {
  /** Control's variables of a release. */
  const controlEnv = (manifests: Manifest[]): Record<string, string | undefined> => {
    const control = podTemplates(manifests).find((p) => p.labels[COMPONENT_LABEL] === 'control')!;
    return Object.fromEntries(control.spec.containers[0]!.env!.map((e) => [e.name, e.value]));
  };
  const render = (set: string[]) =>
    renderChart({ name: 'console', set, apiVersions: [] }).manifests;

  it("gets the chart's Prometheus, and Zipkin at the port-forward NOTES.txt prints", () => {
    const env = controlEnv(rendered.get('default')!.manifests);
    assert.equal(env.FAULTLINE_PROMETHEUS_URL, 'http://faultline-prometheus:9090');
    assert.equal(env.FAULTLINE_TRACES_URL, 'http://localhost:9411/zipkin');
    const notes = renderNotes(VARIANTS[0]!);
    const forward = /port-forward svc\/faultline-zipkin (\d+):(\d+)/.exec(notes);
    assert.equal(forward?.[1], new URL(env.FAULTLINE_TRACES_URL).port);
    assert.equal(forward?.[2], '9411');
  });

  it('gets your Prometheus (monitoring.prometheusUrl), or none; trace links only to a Zipkin UI or traces.uiUrl', () => {
    const byo = controlEnv(rendered.get('bring-your-own-monitoring')!.manifests);
    assert.equal(
      byo.FAULTLINE_PROMETHEUS_URL,
      'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090',
    );
    assert.ok(!('FAULTLINE_TRACES_URL' in byo), 'an external backend has no known UI');
    for (const variant of ['tempo-traces', 'no-traces']) {
      const env = controlEnv(rendered.get(variant)!.manifests);
      assert.ok(!('FAULTLINE_TRACES_URL' in env), `${variant}: no trace links`);
    }
    const unset = controlEnv(render(['prometheus.enabled=false']));
    assert.ok(!('FAULTLINE_PROMETHEUS_URL' in unset), 'no Prometheus known: unset');
    const ui = 'https://zipkin.example.com/zipkin';
    for (const backend of ['external', 'zipkin']) {
      const env = controlEnv(
        render([
          `traces.backend=${backend}`,
          'traces.externalOtlpEndpoint=zipkin.example.com:4317',
          `traces.uiUrl=${ui}`,
        ]),
      );
      assert.equal(env.FAULTLINE_TRACES_URL, ui, `${backend}: traces.uiUrl wins`);
    }
  });

  it("may reach Prometheus through the NetworkPolicies: the chart's on its port, yours on its port anywhere", () => {
    type Policy = Manifest & { spec: PolicySpec };
    const egress = (manifests: Manifest[]) =>
      (named(manifests, 'NetworkPolicy', 'faultline-control-traffic') as Policy).spec.egress ?? [];
    const toPrometheus = egress(rendered.get('default')!.manifests).find(
      (rule) => rule.to?.[0]?.podSelector?.matchLabels[COMPONENT_LABEL] === 'prometheus',
    );
    assert.deepEqual(toPrometheus?.ports, [{ port: 9090, protocol: 'TCP' }]);
    const ingress = (
      named(
        rendered.get('default')!.manifests,
        'NetworkPolicy',
        'faultline-prometheus-traffic',
      ) as Policy
    ).spec.ingress!;
    assert.ok(
      ingress.some(
        (rule) =>
          rule.from[0]?.podSelector?.matchLabels[COMPONENT_LABEL] === 'control' &&
          rule.ports.some((p) => p.port === 9090),
      ),
      "Prometheus lets control's queries in",
    );
    const anywhere = egress(rendered.get('bring-your-own-monitoring')!.manifests).filter(
      (rule) => rule.to === undefined,
    );
    assert.ok(
      anywhere.some((rule) => rule.ports.some((p) => p.port === 9090)),
      "your Prometheus's port",
    );
    const https = egress(
      render([
        'prometheus.enabled=false',
        'monitoring.prometheusUrl=https://prometheus.example.com',
      ]),
    ).filter((rule) => rule.to === undefined);
    assert.ok(
      https.some((rule) => rule.ports.length === 1 && rule.ports[0]!.port === 443),
      'an https URL without a port: 443',
    );
  });
});

describe("chart, the collector's way to a trace backend outside the chart", () => {
  const EXTERNAL = 'traces.example.com:14317';
  /** The collector's exporter endpoint, its egress rules to any address, and DNS for it. */
  const collector = (set: string[]) => {
    const { manifests } = renderChart({ name: 'external-otlp', set, apiVersions: [] });
    const policy = named(manifests, 'NetworkPolicy', 'faultline-otel-collector-traffic') as
      (Manifest & { spec: PolicySpec }) | undefined;
    assert.ok(policy, "the collector's NetworkPolicy is rendered");
    const deny = named(manifests, 'NetworkPolicy', 'faultline-default-deny') as Manifest & {
      spec: PolicySpec;
    };
    const pod = podTemplates(manifests).find(
      (p) => p.labels[COMPONENT_LABEL] === 'otel-collector',
    )!;
    const config = dataOf(named(manifests, 'ConfigMap', 'faultline-otel-collector'))[
      'config.yaml'
    ]!;
    return {
      exportsTo: /otlp:\s+endpoint: "([^"]+)"/.exec(config)?.[1],
      anywhere: (policy.spec.egress ?? []).filter((rule) => rule.to === undefined),
      dns:
        selects(deny.spec.podSelector.matchLabels, pod.labels) &&
        (deny.spec.egress ?? []).some((rule) => rule.ports.some((p) => p.port === 53)),
    };
  };

  it("allows traces.externalOtlpEndpoint's port to any address when the collector exports there", () => {
    const { exportsTo, anywhere, dns } = collector([
      'traces.backend=external',
      `traces.externalOtlpEndpoint=${EXTERNAL}`,
    ]);
    assert.equal(exportsTo, EXTERNAL);
    assert.deepEqual(anywhere, [{ ports: [{ port: 14317, protocol: 'TCP' }] }]);
    assert.ok(dns, 'the collector may resolve the endpoint');
  });

  it('allows nothing outside the cluster without one, or when the chart runs the backend', () => {
    const none = collector(['traces.backend=none']);
    assert.equal(none.exportsTo, undefined);
    assert.deepEqual(none.anywhere, []);
    // With the chart's Tempo the value is not used: the collector exports in the cluster.
    const own = collector(['traces.backend=tempo', `traces.externalOtlpEndpoint=${EXTERNAL}`]);
    assert.equal(own.exportsTo, 'faultline-tempo:4317');
    assert.deepEqual(own.anywhere, []);
  });
});

interface BudgetSpec {
  selector: { matchLabels: Record<string, string> };
  maxUnavailable: number;
}

interface PolicyPeer {
  podSelector?: { matchLabels: Record<string, string> };
  namespaceSelector?: { matchLabels: Record<string, string> };
}

interface PolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress?: { from: PolicyPeer[]; ports: { port: number }[] }[];
  egress?: { to?: PolicyPeer[]; ports: { port: number }[] }[];
}

/** The links of a variant: the model's (its labs' if enabled), plus the standbys beyond its two. */
function expectedLinks(variant: ChartVariant) {
  const topology = chartTopology();
  const links: {
    name: string;
    client: string;
    server: string;
    port: number;
    dedicatedListener?: boolean;
    serverPort?: string;
    via?: string;
  }[] = topology.links.filter((l) => !l.lab || withLab(variant, l.lab));
  if (variant.name === 'more-standbys') {
    links.push({
      name: 'pg-3->pg-primary',
      client: 'pg-3',
      server: 'pg-primary',
      port: topology.extraStandbyLinkPortBase + 3,
    });
  }
  return links.filter((l) => !(variant.name === 'no-workload' && l.client === 'workload'));
}

/**
 * Every flow the topology table allows, as `client->server:port` between components:
 * each link twice (client to Toxiproxy, Toxiproxy to the server), each direct connection
 * between components this variant deploys, DNS aside. Ports come from the rendered Services.
 */
function allowedTraffic(
  variant: ChartVariant,
  manifests: Manifest[],
  deployed: Set<string>,
): Set<string> {
  const portOf = (component: string, name: string): number => {
    if (component === 'kubernetes-api') return 443;
    for (const s of manifests.filter(
      (m) => m.kind === 'Service' && m.metadata.labels?.[COMPONENT_LABEL] === component,
    )) {
      const port = (s.spec as { ports: { name: string; port: number }[] }).ports.find(
        (p) => p.name === name,
      );
      if (port) return port.port;
    }
    throw new Error(`no Service of ${component} has a port ${name}`);
  };
  // A link to an endpoint (pg-primary) reaches whichever pod of its StatefulSet is primary.
  const componentOf = (node: string) =>
    ENDPOINTS.find((e) => e.name === node)?.kind ?? linkClientComponent(node);
  const allowed = new Set<string>();
  for (const link of expectedLinks(variant)) {
    const server = componentOf(link.server);
    allowed.add(`${link.via ?? componentOf(link.client)}->toxiproxy:${link.port}`);
    // The port the link leads to: Kafka's link listener, the one it names, else the main one.
    const port = link.dedicatedListener
      ? 'link'
      : (link.serverPort ?? MAIN_PORTS[server] ?? server);
    allowed.add(`toxiproxy->${server}:${portOf(server, port)}`);
  }
  const prometheusOwn = deployed.has('prometheus');
  for (const c of chartTopology().connections) {
    if (c.server === 'kubernetes-api' && deployed.has(c.client)) {
      allowed.add(`${c.client}->*:443`);
      allowed.add(`${c.client}->*:6443`);
    } else if (deployed.has(c.client) && deployed.has(c.server)) {
      allowed.add(`${c.client}->${c.server}:${portOf(c.server, c.port)}`);
    } else if (c.client === 'prometheus' && !prometheusOwn && deployed.has(c.server)) {
      allowed.add(`monitoring->${c.server}:${portOf(c.server, c.port)}`);
    }
  }
  // Backends outside the chart: the collector's traces, control's Prometheus.
  const value = (key: string) =>
    variant.set.find((s) => s.startsWith(`${key}=`))?.slice(key.length + 1);
  const traces = value('traces.externalOtlpEndpoint');
  if (traces) allowed.add(`otel-collector->*:${traces.split(':').pop()}`);
  const prometheus = value('monitoring.prometheusUrl');
  if (prometheus && !prometheusOwn) allowed.add(`control->*:${new URL(prometheus).port}`);
  return allowed;
}

/** The variables a configuration class declares, and those without a default it requires. */
function declaredVariables(config: new () => object): { all: string[]; required: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(config, '', true, false);
  const all = [...new Set(metadata.map((m) => m.propertyName))];
  const optional = new Set(
    metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName),
  );
  const defaults = new config() as Record<string, unknown>;
  return { all, required: all.filter((v) => !optional.has(v) && defaults[v] === undefined) };
}

const variantNamed = (name: string): ChartVariant => VARIANTS.find((v) => v.name === name)!;

/**
 * What the local topology sets that a variant's release leaves out: the console's trace
 * links need Zipkin's UI, which only the chart's Zipkin (or traces.uiUrl) gives.
 */
const leftOutOfRelease = (variant: ChartVariant): string[] =>
  variant.set.some((s) => s.startsWith('traces.backend=') && s !== 'traces.backend=zipkin')
    ? ['FAULTLINE_TRACES_URL']
    : [];

/** The variable names the local topology gives a node. */
function localEnvironment(node: string, labs: LabName[]): string[] {
  const spec = [
    ...SERVICES,
    ...LAB_NAMES.flatMap((lab) => LAB_SERVICES[lab]),
    CONTROL_SERVICE,
    WORKLOAD_SERVICE,
  ].find((s) => s.node === node);
  assert.ok(spec, `the local topology has no service node ${node}`);
  const ctx: ServiceEnvContext = {
    linkPort: () => 1,
    adminToken: 'token',
    catalogOrdering: 'wall',
    stateFile: '/state/state.json',
    serviceUrl: (n) => `http://127.0.0.1/${n}`,
    labs,
    workloadRate: 0,
    redisMinReplicasToWrite: 0,
  };
  return Object.keys(spec.env(ctx));
}
