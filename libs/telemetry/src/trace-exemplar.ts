import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';

type LabelValues<T extends string> = Partial<Record<T, string | number>>;

/**
 * Observes a value on a histogram created with `enableExemplars: true`, attaching the active
 * span's trace id as the exemplar `{trace_id="…"}` so a latency bucket links to a trace. Traces
 * that are not sampled would link to nothing, so they (and code outside any span) get none.
 */
export function observeWithTraceExemplar<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
  value: number,
): void {
  const spanContext = trace.getActiveSpan()?.spanContext();
  const sampled =
    spanContext !== undefined &&
    isSpanContextValid(spanContext) &&
    (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  // prom-client's typings give exemplars the metric's label names; the exemplar's own differ.
  const exemplarLabels = (sampled ? { trace_id: spanContext.traceId } : {}) as LabelValues<T>;
  histogram.observe({ labels, value, exemplarLabels });
}
