import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { HistoryRecorder } from '@faultline/history';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  type Sampler,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { type Completion, operate } from '../src/clients/operation';

/**
 * Registers, for the enclosing describe, a global tracer provider exporting to memory and the
 * context manager the SDK uses in Node, and unregisters both after it.
 */
function registerTracing(sampler?: Sampler): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  before(() => {
    assert.ok(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
    assert.ok(trace.setGlobalTracerProvider(provider));
  });
  afterEach(() => exporter.reset());
  after(async () => {
    trace.disable();
    context.disable();
    await provider.shutdown();
  });
  return exporter;
}

/** A call that, after an async hop, makes a request span the way the HTTP instrumentation would. */
const request = async (): Promise<Completion> => {
  await sleep(1);
  trace.getTracer('undici').startActiveSpan('POST', (span) => span.end());
  return { seen: { type: 'ok', body: { id: 't1' } }, node: 'payments-0' };
};

describe('operate, with traces sampled', () => {
  const exporter = registerTracing();

  it('runs the call in a span named after f and records its trace id on invoke and completion', async () => {
    const history = new HistoryRecorder({ now: () => 0 });
    const completion = await operate(history, 'payments-1', 'transfer', { amount: 5 }, request);
    assert.equal(completion.seen.type, 'ok');
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'transfer');
    const child = spans.find((s) => s.name === 'POST');
    assert.ok(operation && child);
    assert.equal(child.parentSpanContext?.spanId, operation.spanContext().spanId);
    const traceId = operation.spanContext().traceId;
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.equal(child.spanContext().traceId, traceId);
    assert.deepEqual(
      history.history().map((op) => [op.type, op.trace]),
      [
        ['invoke', traceId],
        ['ok', traceId],
      ],
    );
    assert.equal(operation.status.code, SpanStatusCode.UNSET);
  });

  it('starts a trace of its own even inside another span (the request that started the run)', async () => {
    const history = new HistoryRecorder({ now: () => 0 });
    const outer = await trace.getTracer('http').startActiveSpan('POST /runs', async (span) => {
      await operate(history, 'payments-1', 'transfer', { amount: 5 }, request);
      span.end();
      return span.spanContext().traceId;
    });
    const operation = exporter.getFinishedSpans().find((s) => s.name === 'transfer');
    assert.ok(operation);
    assert.equal(operation.parentSpanContext, undefined);
    assert.notEqual(operation.spanContext().traceId, outer);
    assert.equal(history.history()[0].trace, operation.spanContext().traceId);
  });

  it('marks the span an error when the call fails or is indeterminate, each op in its own trace', async () => {
    const history = new HistoryRecorder({ now: () => 0 });
    await operate(history, 'catalog-a-reader', 'read', { sku: 'x' }, async () => ({
      seen: { type: 'fail', status: 404, error: '404 "gone"' },
    }));
    await operate(history, 'catalog-a-writer', 'write', { sku: 'x' }, async () => {
      throw new Error('socket hang up');
    });
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(
      spans.map((s) => [s.name, s.status.code, s.status.message]),
      [
        ['read', SpanStatusCode.ERROR, '404 "gone"'],
        ['write', SpanStatusCode.ERROR, 'socket hang up'],
      ],
    );
    const [read, write] = spans.map((s) => s.spanContext().traceId);
    assert.notEqual(read, write);
    assert.deepEqual(
      history.history().map((op) => [op.type, op.trace]),
      [
        ['invoke', read],
        ['fail', read],
        ['invoke', write],
        ['info', write],
      ],
    );
  });
});

describe('operate, with traces not sampled', () => {
  const exporter = registerTracing(new AlwaysOffSampler());

  it('records no trace id: the trace would not be exported', async () => {
    const history = new HistoryRecorder({ now: () => 0 });
    await operate(history, 'payments-1', 'transfer', { amount: 5 }, request);
    assert.equal(exporter.getFinishedSpans().length, 0);
    assert.ok(history.history().every((op) => !('trace' in op)));
  });
});

describe('operate, with tracing off', () => {
  it('records the operation and no trace id', async () => {
    const history = new HistoryRecorder({ now: () => 0 });
    const completion = await operate(history, 'payments-1', 'transfer', { amount: 5 }, request);
    assert.equal(completion.seen.type, 'ok');
    assert.deepEqual(
      history.history().map((op) => [op.type, op.node, 'trace' in op]),
      [
        ['invoke', undefined, false],
        ['ok', 'payments-0', false],
      ],
    );
  });
});
