import { ConflictException } from '@nestjs/common';

/** The stores a `failover` drill targets, by the names users know them by. */
export const FAILOVER_STORES = ['pg', 'redis'] as const;
export type FailoverStore = (typeof FAILOVER_STORES)[number];

/** What a failover did: the node it demoted and the one it promoted. */
export interface FailoverOutcome {
  from?: string;
  to: string;
  /** In a sentence, for the drill's record. */
  summary: string;
}

/** A failover that cannot run now (no healthy standby, one already running): nothing changed. */
export class FailoverRefused extends ConflictException {}

/** Planned failovers, as the `failover` drill asks for them. */
export abstract class Switchovers {
  abstract switchover(store: FailoverStore): Promise<FailoverOutcome>;
}
