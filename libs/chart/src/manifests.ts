import type { Manifest } from './render';

/** The fields of a pod spec the checks read. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: SecurityContext;
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string };
      configMapKeyRef?: { name: string; key: string };
      fieldRef?: { fieldPath: string };
    };
  }[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: SecurityContext;
}

export interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
}

/** A workload's pod: its template's labels and spec (a bare Pod is its own template). */
export interface PodTemplate {
  owner: Manifest;
  labels: Record<string, string>;
  spec: PodSpec;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod']);

export function podTemplates(manifests: Manifest[]): PodTemplate[] {
  return manifests
    .filter((m) => WORKLOADS.has(m.kind))
    .map((m) => {
      if (m.kind === 'Pod') {
        return { owner: m, labels: m.metadata.labels ?? {}, spec: m.spec as PodSpec };
      }
      const template = (
        m.spec as { template: { metadata: { labels?: Record<string, string> }; spec: PodSpec } }
      ).template;
      return { owner: m, labels: template.metadata.labels ?? {}, spec: template.spec };
    });
}

export const allContainers = (spec: PodSpec): Container[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
];

export const named = (manifests: Manifest[], kind: string, name: string): Manifest | undefined =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);

/** Whether every `key: value` of a selector is among the labels. */
export const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Kubernetes quantities as numbers: CPU in cores, memory in bytes. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] ? BINARY[match[2]]! : 1);
}

/** A ConfigMap's or Secret's data (empty when there is none). */
export const dataOf = (manifest: Manifest | undefined): Record<string, string> =>
  (manifest?.data ?? {}) as Record<string, string>;

/** Every ConfigMap, Secret (with the key, when one is named) and ServiceAccount a pod uses. */
export function referencedObjects(spec: PodSpec): { kind: string; name: string; key?: string }[] {
  return [
    ...(spec.volumes ?? []).flatMap((v) => [
      ...(v.configMap ? [{ kind: 'ConfigMap', name: v.configMap.name }] : []),
      ...(v.secret ? [{ kind: 'Secret', name: v.secret.secretName }] : []),
    ]),
    ...allContainers(spec).flatMap((c) => [
      ...(c.env ?? []).flatMap(({ valueFrom }) => [
        ...(valueFrom?.secretKeyRef ? [{ kind: 'Secret', ...valueFrom.secretKeyRef }] : []),
        ...(valueFrom?.configMapKeyRef
          ? [{ kind: 'ConfigMap', ...valueFrom.configMapKeyRef }]
          : []),
      ]),
      ...(c.envFrom ?? []).flatMap((e) => [
        ...(e.secretRef ? [{ kind: 'Secret', name: e.secretRef.name }] : []),
        ...(e.configMapRef ? [{ kind: 'ConfigMap', name: e.configMapRef.name }] : []),
      ]),
    ]),
    ...(spec.serviceAccountName ? [{ kind: 'ServiceAccount', name: spec.serviceAccountName }] : []),
  ];
}
