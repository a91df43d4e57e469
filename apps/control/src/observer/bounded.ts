/** How long any single probe (one query, one HTTP request) may take before it counts as failed. */
export const PROBE_TIMEOUT_MS = 800;

/** Bounds a probe's call (`@faultline/service`'s, re-exported for the probes). */
export { within } from '@faultline/service';
