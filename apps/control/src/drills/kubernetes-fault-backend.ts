import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { type Roles, writeRoles } from '@faultline/topology';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { ControlEnvironment } from '../config/control-environment';
import { RepeatingTask } from '../scheduling/repeating-task';
import { TopologySource } from '../topology/topology-source';
import { linksTouching } from './drill-kinds';
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

/** The label the chart's endpoint Services (`<release>-postgres-primary`, `…-redis-primary`) select the primary by. */
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

/** The Kubernetes API did not answer (no connection, a timeout). */
class UnansweredRequest extends Error {}

/** Whether the same request may succeed later: it got no answer, or a 5xx or 429. */
const mayAnswerLater = (err: unknown) =>
  err instanceof UnansweredRequest ||
  (err instanceof KubernetesRefusal && (err.code >= 500 || err.code === 429));

/** How long control's start waits for the API to give back the recorded roles (restoreRoles). */
export const RESTORE_ROLES_WITHIN_MS = 60_000;

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

/** How long a kill waits for the deleted pods to be gone before it answers anyway. */
export const KILL_WAIT_MS = 30_000;

/**
 * A deleted pod's grace period: SIGTERM, then SIGKILL a second later. Not 0, which is
 * force deletion: the API forgets the pod before its containers stop, and a StatefulSet
 * could run two pods of one identity.
 */
export const KILL_GRACE_SECONDS = 1;

/** The chart's init container that waits while its pod's key is in the kill-holds ConfigMap. */
export const HOLD_CONTAINER = 'kill-hold';

/** A pod held at start by a kill: its kill-hold init container still waiting. */
const isHeld = (pod: V1Pod) =>
  pod.status?.initContainerStatuses?.some((c) => c.name === HOLD_CONTAINER && c.state?.running) ??
  false;

/**
 * Faults on the topology the Helm chart deploys: links, replication delay and clocks as
 * everywhere (SharedFaultBackend), through the addresses in the chart's topology map.
 *
 * A kill holds the node down until its drill heals, as locally: it first puts the node's
 * `hold` key in the kill-holds ConfigMap (FAULTLINE_KILL_HOLDS), then deletes its pod(s)
 * (found by the map's `pod` label selector in control's own namespace). The controller
 * (StatefulSet, Deployment) recreates each pod at once, and the new pod's `kill-hold` init
 * container waits while the key is there. Heal removes the key and deletes the held pod, so
 * its controller starts one that finds no hold now rather than when the kubelet next
 * refreshes the mounted ConfigMap (a minute or more).
 *
 * A pause cannot stop the node's processes (control may not signal another pod's), so its
 * peers and clients are made to see it paused instead: every link it is at either end of is
 * held in Toxiproxy, both ways, until the drill heals.
 *
 * Control's start takes back the roles a previous control recorded (restoreRoles), so a
 * missing cluster or RBAC permission stops it then, with the reason. The API client is made
 * on first use, not when the backend is created.
 */
@Injectable()
export class KubernetesFaultBackend extends SharedFaultBackend {
  private cluster: Cluster | undefined;
  private lastRoleProblem = '';
  private readonly roleKeeper = new RepeatingTask(
    () =>
      this.labelRoles()
        .then(() => (this.lastRoleProblem = ''))
        .catch((err: Error) => {
          // Once per distinct problem, not every tick.
          if (err.message !== this.lastRoleProblem) this.logger.warn(err.message);
          this.lastRoleProblem = err.message;
        }),
    ROLE_LABEL_INTERVAL_MS,
  );

  constructor(
    topology: TopologySource,
    private readonly environment: ControlEnvironment,
    @Inject(KUBE_CONFIG_LOADER) private readonly loadKubeConfig: KubeConfigLoader,
  ) {
    super(topology, environment, 'KubernetesFaultBackend');
  }

  /** The cluster; `what` (the action, e.g. "kill pg-1") prefixes any error. */
  private connect(what: string): Cluster {
    if (!this.cluster) {
      let config: KubeConfig;
      try {
        config = this.loadKubeConfig();
      } catch (err) {
        throw new Error(`${what}: ${(err as Error).message}`);
      }
      const namespace = config.getContextObject(config.getCurrentContext())?.namespace;
      if (!namespace) {
        throw new Error(
          `${what}: the Kubernetes configuration names no namespace (in a pod: /var/run/secrets/kubernetes.io/serviceaccount/namespace)`,
        );
      }
      this.cluster = { pods: config.makeApiClient(CoreV1Api), namespace };
    }
    return this.cluster;
  }

  /** The node's pod selector and hold key, and the cluster to use them in. */
  private target(what: string, node: string): Cluster & { selector: string; hold: string } {
    const { pod: selector, hold } = this.topology.node(node);
    if (!selector) throw new Error(`${what}: it has no pod selector in the topology map`);
    if (!hold) throw new Error(`${what}: it has no hold key in the topology map`);
    return { ...this.connect(what), selector, hold };
  }

  async pauseNode(node: string, drillId: string): Promise<void> {
    const links = linksTouching(this.topology.current(), node);
    if (links.length === 0) throw new Error(`pause ${node}: it has no link to hold`);
    // All at once: a pause must begin as one instant, as SIGSTOP does. One link after another
    // took long enough on a loaded node for a paused holder's write to slip out in time.
    const held = await Promise.allSettled(links.map((l) => this.holdLink(l.name, drillId)));
    const failed = held.find((h) => h.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Heals the links the pause holds, not the node's links now: a failover since (the operator
   * saw a paused primary) moves an endpoint's links away from the node, held all the same.
   */
  async resumeNode(_node: string, drillId: string): Promise<void> {
    for (const link of await this.linksWithToxicsOf(drillId)) await this.healLink(link, drillId);
  }

  async killNode(node: string, drillId: string): Promise<void> {
    const what = `kill ${node}`;
    const { pods, namespace, selector, hold } = this.target(what, node);
    // The hold first: the pod's controller recreates it at once, and that pod must find it.
    await this.setHold(what, hold, drillId);
    const list = await this.call(what, 'list', 'pods', namespace, () =>
      pods.listNamespacedPod({ namespace, labelSelector: selector }),
    );
    if (list.items.length === 0) {
      throw new Error(`${what}: no pod in namespace ${namespace} matches ${selector}`);
    }
    const deleted = new Set<string>();
    for (const pod of list.items) {
      if (await this.deletePod(what, pod)) deleted.add(pod.metadata!.uid!);
    }
    // The drill answers once the node is down: none of the deleted pods left.
    const gone = async () =>
      (await pods.listNamespacedPod({ namespace, labelSelector: selector })).items.every(
        (p) => !deleted.has(p.metadata?.uid ?? ''),
      );
    const deadline = performance.now() + KILL_WAIT_MS;
    while (!(await gone())) {
      if (performance.now() > deadline) {
        this.logger.warn(`${what}: its pods were still terminating after ${KILL_WAIT_MS} ms`);
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Removes the node's hold and restarts its held pod(s) now. */
  async reviveNode(node: string): Promise<void> {
    const what = `revive ${node}`;
    const { pods, namespace, selector, hold } = this.target(what, node);
    await this.setHold(what, hold, null);
    const list = await this.call(what, 'list', 'pods', namespace, () =>
      pods.listNamespacedPod({ namespace, labelSelector: selector }),
    );
    for (const pod of list.items.filter(isHeld)) await this.deletePod(what, pod);
  }

  async holdOf(node: string): Promise<string | undefined> {
    const what = `read the hold of ${node}`;
    const { pods, namespace, hold } = this.target(what, node);
    const holds = await this.call(what, 'get', 'configmaps', namespace, () =>
      pods.readNamespacedConfigMap({ name: this.holdsName(), namespace }),
    );
    return holds.data?.[hold];
  }

  /**
   * The `-primary` Services select the role label: moving it moves the endpoint. The roles go
   * to the roles ConfigMap first: a PostgreSQL pod reads its own there when it starts (a
   * demoted primary rejoins as a standby), and a new control pod takes them back.
   */
  async moveEndpoint(): Promise<void> {
    const what = 'record the roles';
    const { pods, namespace } = this.connect(what);
    const data: Roles = {};
    for (const node of this.topology.current().nodes) {
      if (node.kind === 'postgres' || node.kind === 'redis') {
        data[node.name] = node.role === 'primary' ? 'primary' : 'replica';
      }
    }
    await this.call(what, 'patch', 'configmaps', namespace, () =>
      pods.patchNamespacedConfigMap(
        { name: this.rolesName(), namespace, body: { data } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    await this.labelRoles();
  }

  /**
   * The roles a previous control pod recorded, taken back when this one has none (its roles
   * file is on a volume that lives as long as the pod). Control's start waits for them (the
   * backend's factory): a failover operator or drill that read the roles the nodes started in
   * would take a standby for the primary. Seen after a Redis failover: a new control recorded
   * Redis's move over the initial roles, labelled the demoted pg-0 primary, found no primary
   * behind the endpoint and promoted pg-2 beside the real one. An API that does not answer
   * yet is asked again for up to RESTORE_ROLES_WITHIN_MS; a refusal stops control at once.
   */
  override async restoreRoles(): Promise<void> {
    if (existsSync(this.topology.rolesFile)) return;
    const what = 'read the recorded roles';
    const deadline = Date.now() + RESTORE_ROLES_WITHIN_MS;
    for (let problem = ''; ;) {
      try {
        const { pods, namespace } = this.connect(what);
        const recorded = await this.call(what, 'get', 'configmaps', namespace, () =>
          pods.readNamespacedConfigMap({ name: this.rolesName(), namespace }),
        );
        writeRoles(this.topology.rolesFile, (recorded.data ?? {}) as Roles);
        return;
      } catch (err) {
        if (!mayAnswerLater(err) || Date.now() >= deadline) throw err;
        const { message } = err as Error;
        if (message !== problem) this.logger.warn(`${message}; asking again until it answers`);
        problem = message;
        await sleep(ROLE_LABEL_INTERVAL_MS);
      }
    }
  }

  private rolesName(): string {
    // Validated at start-up with FAULTLINE_FAULT_BACKEND=kubernetes.
    return this.environment.FAULTLINE_ROLES_CONFIGMAP!;
  }

  /** What every topology clears (SharedFaultBackend), then every kill hold. */
  override async clearAll(): Promise<string[]> {
    const cleared = await super.clearAll();
    await this.attempt(cleared, 'kill holds', async () => {
      const what = 'clear the kill holds';
      const { pods, namespace } = this.connect(what);
      const holds = await pods.readNamespacedConfigMap({ name: this.holdsName(), namespace });
      for (const hold of Object.keys(holds.data ?? {})) await this.setHold(what, hold, null);
      const list = await pods.listNamespacedPod({ namespace });
      for (const pod of list.items.filter(isHeld)) await this.deletePod(what, pod);
    });
    return cleared;
  }

  private holdsName(): string {
    // Validated at start-up with FAULTLINE_FAULT_BACKEND=kubernetes.
    return this.environment.FAULTLINE_KILL_HOLDS!;
  }

  /** Puts (`value`) or removes (`null`) one key of the kill-holds ConfigMap. */
  private async setHold(what: string, hold: string, value: string | null): Promise<void> {
    const { pods, namespace } = this.connect(what);
    const name = this.holdsName();
    await this.call(what, 'patch', 'configmaps', namespace, () =>
      pods.patchNamespacedConfigMap(
        { name, namespace, body: { data: { [hold]: value } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  /** Deletes one pod with a short grace period; false when it was already gone. */
  private async deletePod(what: string, pod: V1Pod): Promise<boolean> {
    const { pods, namespace } = this.connect(what);
    const name = pod.metadata!.name!;
    try {
      await this.call(what, 'delete', 'pods', namespace, () =>
        pods.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: KILL_GRACE_SECONDS }),
      );
      this.logger.log(`${what}: deleted pod ${namespace}/${name}`);
      return true;
    } catch (err) {
      // Gone between the list and the delete: already what the kill wanted.
      if (err instanceof KubernetesRefusal && err.code === 404) return false;
      throw err;
    }
  }

  /**
   * Keeps `faultline.dev/role` on every PostgreSQL and Redis pod as the roles say: the
   * endpoint Services select `role=primary`, and a pod its StatefulSet recreates (after a
   * kill) comes back without the label. Checked every 2 s, from start (pods may not exist yet).
   */
  override start(): void {
    this.roleKeeper.start(0);
  }

  override stop(): void {
    this.roleKeeper.stop();
  }

  /** Labels each PostgreSQL and Redis node's pod with its role where the label differs. */
  async labelRoles(): Promise<void> {
    const nodes = this.topology
      .current()
      .nodes.filter((n) => (n.kind === 'postgres' || n.kind === 'redis') && n.pod);
    const { pods, namespace } = this.connect('role labels');
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
   * One call to the API; its errors become drill errors that name the action, what control
   * tried and, for 403, the RBAC permission its service account lacks.
   */
  private async call<T>(
    what: string,
    verb: 'list' | 'delete' | 'patch' | 'get',
    resource: 'pods' | 'configmaps',
    namespace: string,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof ApiException)) {
        throw new UnansweredRequest(
          `${what}: cannot ${verb} ${resource} through the Kubernetes API: ${(err as Error).message}`,
        );
      }
      const message = apiMessage(err);
      if (err.code === 403) {
        throw new KubernetesRefusal(
          403,
          `${what}: control's service account may not ${verb} ${resource} in namespace ${namespace}; its Role needs the "${verb}" permission on "${resource}" (${message})`,
        );
      }
      throw new KubernetesRefusal(
        err.code,
        `${what}: the Kubernetes API answered ${err.code} to ${verb} ${resource} in namespace ${namespace}: ${message}`,
      );
    }
  }
}
