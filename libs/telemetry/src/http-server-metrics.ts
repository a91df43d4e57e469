import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';
import { matchedRoute, UNMATCHED_ROUTE } from './route';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry-options';
import { observeWithTraceExemplar } from './trace-exemplar';

type HttpLabel = 'service' | 'method' | 'route' | 'status';

/**
 * Records faultline_http_server_duration_seconds for every request. It takes the HTTP adapter's
 * request hook (there is one per app), which runs first for each request, ahead of body parsing,
 * middleware, guards and pipes: requests they reject (a malformed body, a ValidationPipe 400) or
 * that match no route (404) are counted too. By the time the response finishes, exception
 * filters have set the status and the route is known.
 */
@Injectable()
export class HttpServerMetrics {
  private readonly duration: Histogram<HttpLabel>;

  constructor(
    metrics: MetricsRegistry,
    @Inject(TELEMETRY_OPTIONS) private readonly options: TelemetryOptions,
    adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: 'faultline_http_server_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, by route pattern and status code.',
      labelNames: ['service', 'method', 'route', 'status'],
      // Up to 30 s: under a partition requests wait for the clients' own timeouts.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
      enableExemplars: true,
    });
    adapterHost.httpAdapter.setOnRequestHook(
      (request: IncomingMessage, response: ServerResponse, done: () => void) => {
        this.measure(request, response);
        done();
      },
    );
  }

  private measure(request: IncomingMessage, response: ServerResponse): void {
    const start = performance.now();
    response.once('finish', () => {
      observeWithTraceExemplar(
        this.duration,
        {
          service: this.options.service,
          method: request.method,
          route: matchedRoute(request) ?? UNMATCHED_ROUTE,
          status: response.statusCode,
        },
        (performance.now() - start) / 1000,
      );
    });
  }
}
