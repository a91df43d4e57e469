/** A fault with a target and a TTL (DESIGN.md, "drill"). */
export const DRILL_KINDS = [
  'partition',
  'latency',
  'kill',
  'replication-delay',
  'replication-mode',
  'failover',
  'clock-skew',
] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** active → healed (DELETE, or cleared when control restarted) | expired (TTL) | failed (could not apply). */
export type DrillState = 'active' | 'healed' | 'expired' | 'failed';

export type DrillParams = Record<string, string | number>;

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

export const DEFAULT_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 3600;
