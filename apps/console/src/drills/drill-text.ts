import type { DrillParams, Fault } from '@faultline/contracts';

/** A drill's params as the CLI writes them: `latencyMs=300 jitterMs=0`. */
export const paramsText = (params: DrillParams): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** A fault on a node or link: its kind, params and the drill that holds it. */
export const faultText = (fault: Fault): string => {
  const params = paramsText(fault.params);
  return `${fault.kind}${params ? ` ${params}` : ''} (${fault.drillId})`;
};
