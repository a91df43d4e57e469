import { Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordRoute, trackRoute } from './route';

/** Records on each request the route pattern Nest dispatches it to (see route.ts). */
@Injectable()
export class RouteTrackingMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  constructor(adapterHost: HttpAdapterHost) {
    // Middleware is instantiated before Nest registers the routes, which read this callback.
    const adapter = adapterHost.httpAdapter;
    const previous = adapter.getOnRouteTriggered();
    adapter.setOnRouteTriggered((method, path) => {
      previous?.(method, path);
      recordRoute(path);
    });
  }

  use(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
    trackRoute(request, next);
  }
}
