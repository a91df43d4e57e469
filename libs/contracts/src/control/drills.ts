import type { EndpointStatus, LinkStatus, NodeStatus } from '@faultline/topology';

/** The faults control can apply (docs/architecture.md, "Drills"). */
export const DRILL_KINDS = [
  'partition',
  'latency',
  'kill',
  'pause',
  'replication-delay',
  'replication-mode',
  'failover',
  'clock-skew',
] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** active → healed (DELETE, or cleared when control restarted) | expired (TTL) | failed (could not apply). */
export const DRILL_STATES = ['active', 'healed', 'expired', 'failed'] as const;
export type DrillState = (typeof DRILL_STATES)[number];

export type DrillParams = Record<string, string | number>;

export const DEFAULT_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 3600;

/** `POST /drills`: the params each kind takes are checked by control against the topology. */
export interface DrillRequest {
  /** One of DRILL_KINDS. */
  kind: string;
  /** A node, an endpoint (`pg-primary`) or a link `client->server`. */
  target: string;
  params?: DrillParams;
  /** Omitted: DEFAULT_TTL_SECONDS. */
  ttlSeconds?: number;
}

/** A drill parameter as `GET /drill-kinds` describes it: what the drill form asks for. */
export type DrillParamSpec = {
  name: string;
  required: boolean;
  description?: string;
} & (
  | { type: 'integer'; minimum: number; maximum: number; default?: number }
  | { type: 'choice'; values: string[]; default: string }
);

/** `GET /drill-kinds`: each kind with the targets it accepts in this topology now, and its params. */
export interface DrillKindView {
  kind: DrillKind;
  targets: string[];
  params: DrillParamSpec[];
}

/** A drill as control answers it. */
export interface Drill {
  id: string;
  kind: DrillKind;
  target: string;
  /** The node an endpoint target (`pg-primary`, `redis-primary`) led to when it started. */
  node?: string;
  params: DrillParams;
  ttlSeconds: number;
  startedAt: string;
  expiresAt: string;
  state: DrillState;
  /** What the drill holds: `link:<name>` or `node:<name>:<aspect>`; two active drills never share one. */
  footprint: string[];
  /** What an instant drill did (a failover: which node it promoted). */
  result?: string;
  endedAt?: string;
  error?: string;
}

/** An active drill as it shows on the node or link it affects. */
export interface Fault {
  drillId: string;
  kind: DrillKind;
  params: DrillParams;
  expiresAt: string;
}

/** `GET /topology`: `faultline status --json` plus the faults on each node and link. */
export interface TopologyView {
  nodes: (NodeStatus & { faults: Fault[] })[];
  endpoints: EndpointStatus[];
  links: (LinkStatus & { faults: Fault[] })[];
}
