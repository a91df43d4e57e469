import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { ParentBasedSampler, SamplingDecision } from '@opentelemetry/sdk-trace';
import {
  DEFAULT_TRACES_PER_SECOND,
  RateLimitedSampler,
  tracesSampler,
} from '../src/trace-sampling';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const sampleRoot = (sampler: { shouldSample: ParentBasedSampler['shouldSample'] }) =>
  sampler.shouldSample(ROOT_CONTEXT, TRACE_ID, 'GET /x', SpanKind.SERVER, {}, []).decision;

describe('RateLimitedSampler', () => {
  it("samples a second's worth at once, then as many as the rate refills", () => {
    let now = 0;
    const sampler = new RateLimitedSampler(10, () => now);
    const burst = Array.from({ length: 15 }, () => sampler.shouldSample().decision);
    assert.equal(burst.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length, 10);
    assert.equal(burst.at(-1), SamplingDecision.NOT_RECORD);
    now = 250; // a quarter of a second: 2.5 tokens
    const after = Array.from({ length: 5 }, () => sampler.shouldSample().decision);
    assert.equal(after.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length, 2);
    now = 60_000; // idle for a minute: the bucket holds one second's worth, no more
    const later = Array.from({ length: 20 }, () => sampler.shouldSample().decision);
    assert.equal(later.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length, 10);
  });
});

describe('tracesSampler', () => {
  it('limits new traces to the default rate, and always continues a sampled parent', () => {
    const sampler = tracesSampler({})!;
    const roots = Array.from({ length: DEFAULT_TRACES_PER_SECOND + 20 }, () => sampleRoot(sampler));
    assert.equal(
      roots.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length,
      DEFAULT_TRACES_PER_SECOND,
    );
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = sampler.shouldSample(parent, TRACE_ID, 'SELECT', SpanKind.CLIENT, {}, []);
    assert.equal(child.decision, SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('takes FAULTLINE_TRACES_PER_SECOND, leaves 0 and OTEL_TRACES_SAMPLER to the SDK, and refuses nonsense', () => {
    const sampler = tracesSampler({ FAULTLINE_TRACES_PER_SECOND: '3' })!;
    const roots = Array.from({ length: 5 }, () => sampleRoot(sampler));
    assert.equal(roots.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length, 3);
    assert.equal(tracesSampler({ FAULTLINE_TRACES_PER_SECOND: '0' }), undefined);
    assert.equal(tracesSampler({ OTEL_TRACES_SAMPLER: 'always_on' }), undefined);
    assert.throws(
      () => tracesSampler({ FAULTLINE_TRACES_PER_SECOND: 'lots' }),
      /FAULTLINE_TRACES_PER_SECOND must be a number of traces per second, 0 for no limit: got "lots"/,
    );
    assert.throws(() => tracesSampler({ FAULTLINE_TRACES_PER_SECOND: '-1' }), /got "-1"/);
  });
});
