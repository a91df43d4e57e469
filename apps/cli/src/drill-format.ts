import type { Drill, DrillParams } from './control-api';

/** `latencyMs=300 jitterMs=0`; empty for a drill without params. */
export const formatParams = (params: DrillParams): string =>
  Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/** An ISO timestamp to the second: milliseconds are noise next to TTLs in seconds. */
export const formatTime = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** `<id> <kind> <target> [params]`: which drill, in one line. */
export const describeDrill = (drill: Drill): string =>
  [drill.id, drill.kind, drill.target, formatParams(drill.params)].filter(Boolean).join(' ');
