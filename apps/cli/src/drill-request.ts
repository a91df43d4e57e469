import type { DrillParams, DrillRequest } from '@faultline/contracts';
import { flagDuration } from './duration';
import { UsageError } from './usage-error';

/** The flags of `faultline drill`, as commander gives them. */
export interface DrillFlags {
  for?: string;
  latency?: string;
  jitter?: string;
  offset?: string;
  delay?: string;
  mode?: string;
}

/** The duration flags and the params they set; only a clock skew may go backwards. */
const DURATION_PARAMS = [
  { flag: 'latency', param: 'latencyMs', signed: false },
  { flag: 'jitter', param: 'jitterMs', signed: false },
  { flag: 'offset', param: 'offsetMs', signed: true },
  { flag: 'delay', param: 'delayMs', signed: false },
] as const;

/** Turns `faultline drill <kind> <target>` and its flags into the request body. */
export function drillRequest(kind: string, target: string, flags: DrillFlags): DrillRequest {
  const params: DrillParams = {};
  for (const { flag, param, signed } of DURATION_PARAMS) {
    const text = flags[flag];
    if (text !== undefined) params[param] = flagDuration(flag, text, 'ms', signed);
  }
  if (flags.mode !== undefined) params.mode = flags.mode;
  const request: DrillRequest = { kind, target, params };
  if (flags.for !== undefined) {
    const ms = flagDuration('for', flags.for, 's', false);
    if (ms % 1000 !== 0) throw new UsageError(`--for ${flags.for} must be whole seconds`);
    request.ttlSeconds = ms / 1000;
  }
  return request;
}
