import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import { hostname } from 'node:os';
import { stdTimeFunctions } from 'pino';
import { isOperationalRequest } from './operational-endpoints';

/** `trace_id` and `span_id` of the active span, so a log line leads to its trace. */
function traceCorrelation(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * nestjs-pino configuration: one JSON object per line on stdout, level from LOG_LEVEL (default
 * `info`), a line per completed request except for the operational endpoints.
 */
export function loggerParams(service: string): Params {
  return {
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service, pid: process.pid, hostname: hostname() },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceCorrelation,
      autoLogging: { ignore: (request) => isOperationalRequest(request.url) },
      // Method, URL and status say what happened; headers would mostly repeat on every line.
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    },
  };
}
