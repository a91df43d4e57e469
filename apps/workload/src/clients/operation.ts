import { type HistoryRecorder, OPERATIONS, type OpExtra } from '@faultline/history';
import {
  isSpanContextValid,
  type Span,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import type { ServiceName } from '@faultline/contracts';
import type { Seen } from './service-call';

/** The service each recorded function exercises (nemesis and final reads belong to none). */
export const SERVICE_OF_FUNCTION: Readonly<Record<string, ServiceName>> = {
  [OPERATIONS.transfer]: 'payments',
  [OPERATIONS.readBalances]: 'payments',
  [OPERATIONS.pay]: 'payments',
  [OPERATIONS.write]: 'catalog',
  [OPERATIONS.read]: 'catalog',
  [OPERATIONS.order]: 'orders',
  [OPERATIONS.cartAdd]: 'carts',
  [OPERATIONS.cartReplace]: 'carts',
  [OPERATIONS.cartRead]: 'carts',
  [OPERATIONS.ledgerAppend]: 'ledger',
  [OPERATIONS.registerWrite]: 'ledger',
  [OPERATIONS.registerRead]: 'ledger',
};

/** What an operation completed with, as the history records it. */
export interface Completion {
  seen: Seen;
  value?: unknown;
  node?: string;
}

/** An operation the workload performed itself (not an HTTP call) that succeeded with `value`. */
export const succeeded = (value: unknown, node?: string): Completion => ({
  seen: { type: 'ok', body: value },
  value,
  node,
});

/** The tracer of the spans the workload starts, one per operation. */
const WORKLOAD_TRACER = 'faultline-workload';

/** The span's trace id when its trace is sampled; the no-op span of tracing turned off has none. */
function sampledTrace(span: Span): Pick<OpExtra, 'trace'> {
  const context = span.spanContext();
  const sampled = isSpanContextValid(context) && (context.traceFlags & TraceFlags.SAMPLED) !== 0;
  return sampled ? { trace: context.traceId } : {};
}

/**
 * Records `invoke`, performs the call, records its completion; returns what was seen. The call
 * runs inside a span named `<f>` (a trace of its own), parent of the HTTP client spans it makes (and so of the
 * services' spans), whose trace id both records carry when the trace is sampled.
 */
export async function operate(
  history: HistoryRecorder,
  process: string,
  f: string,
  value: unknown,
  perform: () => Promise<Completion>,
): Promise<Completion> {
  // The global provider is looked up per call, not cached: it may be registered later. Each
  // operation is a trace of its own (root), not a child of the request that started the run.
  const tracer = trace.getTracer(WORKLOAD_TRACER);
  return tracer.startActiveSpan(f, { root: true }, async (span) => {
    try {
      const traced = sampledTrace(span);
      const invocation = history.invoke(process, f, value, traced);
      let completion: Completion;
      try {
        completion = await perform();
      } catch (err) {
        completion = { seen: { type: 'info', error: (err as Error).message } };
      }
      const { seen } = completion;
      history.complete(invocation, seen.type, completion.value ?? seen.body, {
        node: completion.node,
        error: seen.error,
        ...traced,
      });
      if (seen.type !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: seen.error });
      return completion;
    } finally {
      span.end();
    }
  });
}
