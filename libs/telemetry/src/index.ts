/**
 * Telemetry every faultline service shares: traces, metrics, logs and health.
 *
 * - Tracing: start the process with the preload, so the OpenTelemetry SDK runs before the app
 *   requires http, pg, ioredis, kafkajs or Nest: `node bin/service.js <app>` (the image's
 *   entry point and the local topology's command) loads it, then `dist/apps/<app>/src/main.js`.
 *   Configured by the standard variables only: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
 *   (e.g. `service.instance.id=payments-0`), OTEL_EXPORTER_OTLP_ENDPOINT (or
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; unset = nothing exported), OTEL_EXPORTER_OTLP_PROTOCOL,
 *   OTEL_BSP_*, OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS (default W3C tracecontext + baggage).
 * - `TelemetryModule.forRoot({ service: 'payments', readiness: [PostgresReadiness],
 *   imports: [DatabaseModule] })` in the root module: GET /metrics, /health, /ready (left out of
 *   the OpenAPI document), `faultline_http_server_duration_seconds{service,method,route,status}`
 *   for every request (`route` is the Nest route pattern, `unmatched` for requests that reached
 *   none), and JSON logs (LOG_LEVEL, default `info`) carrying `trace_id` and `span_id`. The
 *   module is global. `readiness` lists ReadinessCheck provider classes that TelemetryModule
 *   instantiates, their dependencies coming from `imports` (or global modules); /ready runs them
 *   concurrently, each bounded by READINESS_TIMEOUT_MS, and answers 503 naming the failed ones.
 * - In main.ts: `NestFactory.create(AppModule, { bufferLogs: true })`, then
 *   `app.useLogger(app.get(Logger))` (Logger from nestjs-pino) so Nest's own and
 *   `new Logger(context)` lines go out as JSON too, and `app.enableShutdownHooks()`: spans are
 *   flushed when the app closes.
 * - Own metrics: inject `MetricsRegistry` and register on its `registry` (a prom-client
 *   Registry in OpenMetrics mode; counters are exposed as `<name>_total` in both formats), e.g.
 *   `new Histogram({ ..., registers: [metrics.registry], enableExemplars: true })`, observed with
 *   `observeWithTraceExemplar(histogram, labels, seconds)` to link buckets to traces.
 */
export { MetricsRegistry } from './metrics-registry';
export { READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness';
export { TelemetryModule } from './telemetry.module';
export type { TelemetryOptions } from './telemetry-options';
export { observeWithTraceExemplar } from './trace-exemplar';
