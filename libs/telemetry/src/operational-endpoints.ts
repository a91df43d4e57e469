/**
 * The endpoints Prometheus, Kubernetes and control's observer poll every second or so. Tracing them or logging each
 * request would bury the requests that matter, so both skip them.
 */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set([
  '/metrics',
  '/health',
  '/ready',
  '/internal/time',
]);

/** Whether a request URL (path and optional query) addresses one of the operational endpoints. */
export function isOperationalRequest(url: string | undefined): boolean {
  return OPERATIONAL_PATHS.has((url ?? '').split('?', 1)[0]);
}
