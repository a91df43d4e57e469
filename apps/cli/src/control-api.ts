import type { EndpointStatus, LinkStatus, NodeStatus } from '@faultline/topology';

// What the control API answers (apps/control): the parts of it the CLI reads.

export type DrillParams = Record<string, string | number>;

export interface Drill {
  id: string;
  kind: string;
  target: string;
  /** The node an endpoint target led to when the drill started. */
  node?: string;
  params: DrillParams;
  ttlSeconds: number;
  startedAt: string;
  expiresAt: string;
  state: 'active' | 'healed' | 'expired' | 'failed';
  /** What an instant drill did (a failover: which node it promoted). */
  result?: string;
  endedAt?: string;
  error?: string;
}

/** An active drill as it shows on the node or link it affects. */
export interface Fault {
  drillId: string;
  kind: string;
  params: DrillParams;
  expiresAt: string;
}

/** `GET /topology`: `faultline status --json` plus the faults on each node and link. */
export interface TopologyView {
  nodes: (NodeStatus & { faults: Fault[] })[];
  endpoints: EndpointStatus[];
  links: (LinkStatus & { faults: Fault[] })[];
}
