/**
 * The primitives a drill is made of. The local backend works on the processes and
 * Toxiproxy of the local topology; a Kubernetes backend (pods, labels) can follow
 * behind the same interface.
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
  /** SIGKILL, and keep it down until `reviveNode`. */
  abstract killNode(node: string, drillId: string): Promise<void>;
  abstract reviveNode(node: string): Promise<void>;
  /** PostgreSQL standby's recovery_min_apply_delay; 0 resets it. */
  abstract setApplyDelay(node: string, delayMs: number): Promise<void>;
  /** A service's clock offset; 0 resets it. */
  abstract setClockOffset(node: string, offsetMs: number): Promise<void>;
  /** Removes every fault in the topology, whoever made it. */
  abstract clearAll(): Promise<string[]>;
}
