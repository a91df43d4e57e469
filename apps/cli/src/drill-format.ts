import type { Drill, DrillParams } from '@faultline/contracts';

/** `latencyMs=300 jitterMs=0`; empty for a drill without params. */
export const formatParams = (params: DrillParams): string =>
  Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/** An ISO timestamp to the second: milliseconds are noise next to TTLs in seconds. */
export const formatTime = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** The target as given, and the node an endpoint led to: `pg-primary (pg-0)`. */
export const formatTarget = (drill: Drill): string =>
  drill.node ? `${drill.target} (${drill.node})` : drill.target;

/** `<id> <kind> <target> [params]`: which drill, in one line. */
export const describeDrill = (drill: Drill): string =>
  [drill.id, drill.kind, formatTarget(drill), formatParams(drill.params)].filter(Boolean).join(' ');
