import { Inject, Injectable } from '@nestjs/common';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ControlEnvironment } from '../config/control-environment';
import { TopologySource } from '../topology/topology-source';
import { SharedFaultBackend } from './shared-fault-backend';

/** Loads the KubeConfig control reaches the Kubernetes API with. */
export type KubeConfigLoader = () => KubeConfig;

/** The injection token of the KubeConfigLoader (a test points it at a fake API server). */
export const KUBE_CONFIG_LOADER = Symbol('KubeConfigLoader');

/**
 * Control's own service account, as a pod sees it: the API server from
 * KUBERNETES_SERVICE_HOST/PORT, the token and CA, and the namespace (the context's) from
 * /var/run/secrets/kubernetes.io/serviceaccount.
 */
export const loadInClusterConfig: KubeConfigLoader = () => {
  // loadFromCluster does not fail outside a pod: it would aim at https://undefined:undefined.
  if (!process.env.KUBERNETES_SERVICE_HOST) {
    throw new Error(
      'control is not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST), which FAULTLINE_FAULT_BACKEND=kubernetes needs',
    );
  }
  const config = new KubeConfig();
  config.loadFromCluster();
  return config;
};

/** The label the chart's `<release>-postgres-primary` Service selects the primary by. */
export const ROLE_LABEL = 'faultline.dev/role';

/** How often the role labels are checked against the map (a recreated pod comes unlabelled). */
export const ROLE_LABEL_INTERVAL_MS = 2_000;

/** A Kubernetes API error, as a drill error with its HTTP status kept. */
class KubernetesRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Cluster {
  pods: CoreV1Api;
  namespace: string;
}

/** The message a Kubernetes API error carries: its Status object's `message`, or its code. */
function apiMessage(err: ApiException<unknown>): string {
  const { body } = err;
  let status: unknown = body;
  if (typeof body === 'string') {
    // The client hands the Status over as the response's text.
    try {
      status = JSON.parse(body);
    } catch {
      if (body.trim()) return body.trim();
    }
  }
  const message = (status as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  return err.code === 401 ? 'Unauthorized' : `HTTP ${err.code}`;
}

/**
 * Faults on the topology the Helm chart deploys: links, replication delay and clocks as
 * everywhere (SharedFaultBackend), through the addresses in the chart's topology map.
 *
 * A kill deletes the node's pod(s) at once (grace period 0, no SIGTERM handling), found by
 * the map's `pod` label selector in control's own namespace. Its controller (StatefulSet,
 * Deployment) creates a new pod straight away, so in Kubernetes the kill drill is "crash
 * and restart": there is no hold to keep a node down, `reviveNode` has nothing to release,
 * and the drill stays active until its TTL or heal only as a record of the crash.
 *
 * The API client is created on the first kill, not at start: control starts and is ready
 * wherever it runs, and a missing cluster or RBAC permission fails that drill, clearly.
 */
@Injectable()
export class KubernetesFaultBackend extends SharedFaultBackend {
  private cluster: Cluster | undefined;
  private roleTimer: NodeJS.Timeout | undefined;
  private lastRoleProblem = '';

  constructor(
    topology: TopologySource,
    env: ControlEnvironment,
    @Inject(KUBE_CONFIG_LOADER) private readonly loadKubeConfig: KubeConfigLoader,
  ) {
    super(topology, env, 'KubernetesFaultBackend');
  }

  private connect(): Cluster {
    if (!this.cluster) {
      const config = this.loadKubeConfig();
      const namespace = config.getContextObject(config.getCurrentContext())?.namespace;
      if (!namespace) {
        throw new Error(
          'the Kubernetes configuration names no namespace (in a pod: /var/run/secrets/kubernetes.io/serviceaccount/namespace)',
        );
      }
      this.cluster = { pods: config.makeApiClient(CoreV1Api), namespace };
    }
    return this.cluster;
  }

  async killNode(node: string): Promise<void> {
    const { pod: selector } = this.topology.node(node);
    if (!selector) throw new Error(`kill ${node}: it has no pod selector in the topology map`);
    let cluster: Cluster;
    try {
      cluster = this.connect();
    } catch (err) {
      throw new Error(`kill ${node}: ${(err as Error).message}`);
    }
    const { pods, namespace } = cluster;
    const list = await this.call(node, 'list', namespace, () =>
      pods.listNamespacedPod({ namespace, labelSelector: selector }),
    );
    if (list.items.length === 0) {
      throw new Error(`kill ${node}: no pod in namespace ${namespace} matches ${selector}`);
    }
    for (const { metadata } of list.items) {
      const name = metadata?.name;
      if (!name) continue;
      try {
        await this.call(node, 'delete', namespace, () =>
          pods.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
        );
        this.logger.log(`kill ${node}: deleted pod ${namespace}/${name}`);
      } catch (err) {
        // Gone between the list and the delete: already what the kill wanted.
        if (!(err instanceof KubernetesRefusal && err.code === 404)) throw err;
      }
    }
  }

  /** Nothing to release: the pod's controller has already replaced it (see above). */
  async reviveNode(): Promise<void> {}

  /**
   * Keeps `faultline.dev/role` on every PostgreSQL pod as the map says: the primary
   * Service selects `role=primary`, and a pod its StatefulSet recreates (after a kill)
   * comes back without the label. Checked every 2 s, from start (pods may not exist yet).
   */
  override start(): void {
    const tick = () =>
      void this.labelRoles()
        .then(() => (this.lastRoleProblem = ''))
        .catch((err: Error) => {
          // Once per distinct problem, not every tick.
          if (err.message !== this.lastRoleProblem) this.logger.warn(err.message);
          this.lastRoleProblem = err.message;
        })
        .finally(() => {
          if (this.roleTimer) this.roleTimer = setTimeout(tick, ROLE_LABEL_INTERVAL_MS);
        });
    this.roleTimer = setTimeout(tick, 0);
  }

  override stop(): void {
    clearTimeout(this.roleTimer);
    this.roleTimer = undefined;
  }

  /** Labels each PostgreSQL node's pod with its role where the label differs. */
  async labelRoles(): Promise<void> {
    const nodes = this.topology.current().nodes.filter((n) => n.kind === 'postgres' && n.pod);
    const { pods, namespace } = this.connect();
    for (const node of nodes) {
      const list = await pods.listNamespacedPod({ namespace, labelSelector: node.pod });
      for (const pod of list.items) {
        const name = pod.metadata?.name;
        if (!name || pod.metadata?.labels?.[ROLE_LABEL] === node.role) continue;
        await pods.patchNamespacedPod(
          { name, namespace, body: { metadata: { labels: { [ROLE_LABEL]: node.role } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        this.logger.log(`labelled pod ${namespace}/${name} ${ROLE_LABEL}=${node.role}`);
      }
    }
  }

  /**
   * One call to the API; its errors become drill errors that name the node, what control
   * tried and, for 403, the RBAC permission its service account lacks.
   */
  private async call<T>(
    node: string,
    verb: 'list' | 'delete',
    namespace: string,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof ApiException)) {
        throw new Error(
          `kill ${node}: cannot ${verb} pods through the Kubernetes API: ${(err as Error).message}`,
        );
      }
      const message = apiMessage(err);
      if (err.code === 403) {
        throw new KubernetesRefusal(
          403,
          `kill ${node}: control's service account may not ${verb} pods in namespace ${namespace}; its Role needs the "${verb}" permission on "pods" (${message})`,
        );
      }
      throw new KubernetesRefusal(
        err.code,
        `kill ${node}: the Kubernetes API answered ${err.code} to ${verb} pods in namespace ${namespace}: ${message}`,
      );
    }
  }
}
