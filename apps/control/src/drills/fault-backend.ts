/**
 * The primitives a drill is made of. FAULTLINE_FAULT_BACKEND picks the implementation:
 * LocalFaultBackend works on the local topology's processes, KubernetesFaultBackend on the
 * pods the Helm chart deploys; both make link, replication-delay and clock faults the same
 * way (SharedFaultBackend).
 */
export abstract class FaultBackend {
  /** `blackhole`: bytes vanish (timeout toxic, timeout 0); `refuse`: connections refused (proxy disabled). */
  abstract partitionLink(
    link: string,
    mode: 'blackhole' | 'refuse',
    drillId: string,
  ): Promise<void>;
  abstract delayLink(
    link: string,
    latencyMs: number,
    jitterMs: number,
    drillId: string,
  ): Promise<void>;
  /** Undoes what `drillId` did to the link (its toxics; re-enables a refused link). */
  abstract healLink(link: string, drillId: string): Promise<void>;
  /**
   * Kills the node at once, without a graceful stop, and keeps it down until `reviveNode`:
   * locally a SIGKILL and a hold on the supervisor; in Kubernetes its pods are deleted and
   * their replacements held at start.
   */
  abstract killNode(node: string, drillId: string): Promise<void>;
  /** Releases a kill's hold: the node comes back. */
  abstract reviveNode(node: string): Promise<void>;
  /**
   * Freezes the node where it is, connections open, until `resumeNode`: a stop-the-world
   * pause (a long GC, a suspended VM) as its peers and clients see it. Locally a SIGSTOP; in
   * Kubernetes, where control may not stop another pod's processes, every link of the node is
   * held, both ways, and what it held arrives late when the node resumes.
   */
  abstract pauseNode(node: string, drillId: string): Promise<void>;
  /** Ends `drillId`'s pause of the node. */
  abstract resumeNode(node: string, drillId: string): Promise<void>;
  /** The id of the kill (or fence) holding the node down, if one does. */
  abstract holdOf(node: string): Promise<string | undefined>;
  /**
   * Makes a read-write endpoint (`pg-primary`) lead to the primary the roles now name:
   * locally its links' Toxiproxy upstreams move (closing their connections); in Kubernetes
   * the role labels its Service selects move.
   */
  abstract moveEndpoint(endpoint: string): Promise<void>;
  /**
   * A PostgreSQL primary's commits: `async` stops waiting for any standby
   * (synchronous_standby_names = ''); `sync` goes back to its configured quorum.
   */
  abstract setReplicationMode(node: string, mode: 'sync' | 'async'): Promise<void>;
  /** PostgreSQL standby's recovery_min_apply_delay; 0 resets it. */
  abstract setApplyDelay(node: string, delayMs: number): Promise<void>;
  /** A service's clock offset; 0 resets it. */
  abstract setClockOffset(node: string, offsetMs: number): Promise<void>;
  /** Removes every fault in the topology, whoever made it. */
  abstract clearAll(): Promise<string[]>;
  /**
   * Makes the roles failovers moved before this control started readable in the topology, before
   * anything reads them (the backend's factory waits for it). Locally the roles file beside the
   * state file has them already; in Kubernetes a new control pod reads them from the ConfigMap
   * its predecessor recorded them in.
   */
  async restoreRoles(): Promise<void> {}
  /** Work the backend keeps doing while control runs (Kubernetes: the pods' role labels). */
  start(): void {}
  stop(): void {}
}
