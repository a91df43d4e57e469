import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { LabName } from '@faultline/topology';
import { chartDir } from './chart-files';
import { resolveChartTools } from './chart-tools';

/** A rendered Kubernetes object, as much of it as the chart's checks read. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // The rest differs by kind; the checks read it field by field.
  [field: string]: unknown;
}

/** A way users install the chart; every check runs on each. */
export interface ChartVariant {
  name: string;
  set: string[];
  /** APIs the target cluster serves beyond Kubernetes' own (the monitoring CRDs). */
  apiVersions: string[];
}

export const RELEASE = 'faultline';
export const NAMESPACE = 'faultline';
/** The Kubernetes release the chart is rendered for and validated against (a current one). */
export const KUBERNETES_VERSION = '1.37.0';

export const VARIANTS: readonly ChartVariant[] = [
  { name: 'default', set: [], apiVersions: [] },
  {
    name: 'bring-your-own-monitoring',
    set: [
      'prometheus.enabled=false',
      'grafana.enabled=false',
      'traces.backend=external',
      'traces.externalOtlpEndpoint=tempo.monitoring.svc.cluster.local:4317',
      'monitoring.prometheusUrl=http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090',
    ],
    apiVersions: [
      'monitoring.coreos.com/v1/ServiceMonitor',
      'monitoring.coreos.com/v1/PrometheusRule',
    ],
  },
  { name: 'more-standbys', set: ['postgres.standbys=3'], apiVersions: [] },
  { name: 'no-workload', set: ['workload.enabled=false'], apiVersions: [] },
  { name: 'tempo-traces', set: ['traces.backend=tempo'], apiVersions: [] },
  // As on the offline cluster (k8s/offline/values.yaml), which has no trace backend's image.
  { name: 'no-traces', set: ['traces.backend=none'], apiVersions: [] },
  { name: 'quorum-lab', set: ['labs.quorum.enabled=true'], apiVersions: [] },
  { name: 'consensus-lab', set: ['labs.consensus.enabled=true'], apiVersions: [] },
];

/** Whether a variant deploys a lab. */
export const withLab = (variant: ChartVariant, lab: LabName): boolean =>
  variant.set.includes(`labs.${lab}.enabled=true`);

const valuesArgs = (variant: ChartVariant): string[] => variant.set.flatMap((s) => ['--set', s]);

const renderArgs = (variant: ChartVariant): string[] => [
  ...valuesArgs(variant),
  ...variant.apiVersions.flatMap((a) => ['--api-versions', a]),
  '--kube-version',
  KUBERNETES_VERSION,
];

/** `helm lint --strict` of the chart with a variant's values; throws with helm's output. */
export function lintChart(variant: ChartVariant): string {
  return execFileSync(
    resolveChartTools().helm,
    ['lint', '--strict', chartDir(), '--namespace', NAMESPACE, ...valuesArgs(variant)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** `helm template` (test hooks included), as text and as objects. */
export function renderChart(
  variant: ChartVariant,
  chart = chartDir(),
): { yaml: string; manifests: Manifest[] } {
  const yaml = execFileSync(
    resolveChartTools().helm,
    ['template', RELEASE, chart, '--namespace', NAMESPACE, ...renderArgs(variant)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
  );
  const manifests = parseAllDocuments(yaml)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
  return { yaml, manifests };
}

/**
 * The NOTES.txt `helm install` prints. Helm renders it only against a cluster, so a
 * copy of the chart carries one more template that holds the rendered notes.
 */
export function renderNotes(variant: ChartVariant): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-notes-'));
  try {
    const chart = join(dir, 'faultline');
    cpSync(chartDir(), chart, { recursive: true });
    writeFileSync(
      join(chart, 'templates', 'notes-preview.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: { name: notes-preview }
data:
  notes: {{ include "faultline/templates/NOTES.txt" . | quote }}
`,
    );
    const { manifests } = renderChart(variant, chart);
    const preview = manifests.find((m) => m.metadata.name === 'notes-preview');
    return (preview!.data as { notes: string }).notes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
