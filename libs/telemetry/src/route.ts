import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

/** The label value for requests that no route matched (404s for unknown URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

/*
 * Express's `req.route` cannot tell which route matched: Nest registers middleware as routes too,
 * so for a URL no controller serves it holds the last middleware's pattern. Nest instead reports
 * each route it dispatches to (AbstractHttpAdapter.setOnRouteTriggered), without the request;
 * the request is found through the async context RouteTrackingMiddleware opens for it.
 */

const ROUTE = Symbol('faultline.route');
type RoutedRequest = IncomingMessage & { [ROUTE]?: string };
const requestInFlight = new AsyncLocalStorage<RoutedRequest>();

/** Continues handling a request (`next`) so that the route Nest dispatches it to is recorded. */
export function trackRoute(request: IncomingMessage, next: () => void): void {
  requestInFlight.run(request, next);
}

/** Records the route pattern Nest dispatches the request in flight to. */
export function recordRoute(path: string): void {
  const request = requestInFlight.getStore();
  if (request !== undefined) request[ROUTE] = path;
}

/** The route pattern, e.g. `/items/:id`, that served the request; undefined when none matched. */
export function matchedRoute(request: IncomingMessage): string | undefined {
  return (request as RoutedRequest)[ROUTE];
}
