import type { TopologyMap } from '@faultline/topology';

/** One concern of the observer: measures part of the topology and sets its gauges. */
export interface Probe {
  readonly name: string;
  /**
   * Measures and replaces the probe's series; never rejects for an unreachable target
   * (its series are removed instead). Each network call is bounded by PROBE_TIMEOUT_MS.
   */
  observe(topology: TopologyMap): Promise<void>;
  /** Removes every series (the topology itself could not be read). */
  clear(): void;
}
