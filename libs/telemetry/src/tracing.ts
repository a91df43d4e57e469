import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import { isOperationalRequest } from './operational-endpoints';
import { matchedRoute } from './route';
import { tracesSampler } from './trace-sampling';

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/**
 * Without a collector spans are still recorded, so log lines and exemplars carry real trace ids
 * (and an incoming `traceparent` is continued), but they go nowhere.
 */
const RECORD_ONLY: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

let sdk: NodeSDK | undefined;

/**
 * Whether the standard variables say where to export traces: an OTLP endpoint, or the Zipkin
 * exporter (OTEL_TRACES_EXPORTER=zipkin, to OTEL_EXPORTER_ZIPKIN_ENDPOINT: the local topology's).
 */
export function traceExportConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ||
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ||
    (env.OTEL_TRACES_EXPORTER?.includes('zipkin') && env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim()),
  );
}

/**
 * Starts the OpenTelemetry SDK. It has to run before the instrumented libraries (http, pg,
 * ioredis, kafkajs, Nest) are first required, hence the preload module.
 *
 * Everything else comes from the standard OTEL_* variables: the exporter (OTLP, protocol from
 * OTEL_EXPORTER_OTLP_PROTOCOL, or Zipkin with OTEL_TRACES_EXPORTER=zipkin), the batch processor,
 * the propagators (W3C tracecontext + baggage unless OTEL_PROPAGATORS says otherwise) and the
 * resource. The sampler too when OTEL_TRACES_SAMPLER is set; else see `tracesSampler`.
 */
export function startTracing(): void {
  sdk = new NodeSDK({
    // The SDK's default detectors without serviceInstanceIdDetector, which would invent a random
    // service.instance.id: service.name and service.instance.id come from OTEL_SERVICE_NAME and
    // OTEL_RESOURCE_ATTRIBUTES only (the service name detector last, so it wins).
    resourceDetectors: [
      processDetector,
      hostDetector,
      osDetector,
      resourceAttributesEnvDetector,
      serviceNameEnvDetector,
    ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => isOperationalRequest(request.url),
        // Names the server span after the Nest route (`GET /items/:id`), known by the time the
        // response closes and the span ends.
        applyCustomAttributesOnSpan: (span, request) => {
          const { method } = request as IncomingMessage;
          const route = matchedRoute(request as IncomingMessage);
          if (route === undefined) return;
          span.setAttribute(ATTR_HTTP_ROUTE, route);
          span.updateName(`${method} ${route}`);
        },
      }),
      // fetch() is undici, not the http module: without this, a service calling another with
      // fetch (the orders saga) would start a new trace at every hop.
      new UndiciInstrumentation({
        ignoreRequestHook: (request) => isOperationalRequest(request.path),
      }),
      // Its supported range ends before Nest 12 so far: until it widens, the server spans above
      // (named after the route) are all there is of a request inside Nest.
      new NestInstrumentation(),
      // Readiness probes and pool housekeeping run outside any request; as root spans they
      // would be one trace per probe.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
    spanProcessors: traceExportConfigured() ? undefined : [RECORD_ONLY],
    sampler: tracesSampler(),
    // Metrics are prom-client's and logs go to stdout through pino.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
}

/** Flushes pending spans and stops the SDK; a no-op when tracing was not started. */
export async function shutdownTracing(): Promise<void> {
  const started = sdk;
  sdk = undefined;
  await started?.shutdown();
}
