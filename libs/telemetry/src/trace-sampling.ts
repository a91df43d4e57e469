import { ParentBasedSampler, type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace';

/** New traces a service starts per second when neither it nor the user says otherwise. */
export const DEFAULT_TRACES_PER_SECOND = 50;

/**
 * Samples new traces (spans without a parent) at up to `perSecond` a second, a token bucket
 * that holds one second's worth: a person clicking through the playground sees every request,
 * a load test sees a steady trickle. Sending every span of a load test to the local Zipkin
 * cost a third of the services' throughput on a 2-core machine (issue 18), most of it in
 * Zipkin's own ingestion.
 */
export class RateLimitedSampler implements Sampler {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.refilledAt = now();
  }

  shouldSample(): { decision: SamplingDecision } {
    const now = this.now();
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return { decision: SamplingDecision.NOT_RECORD };
    this.tokens -= 1;
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return `RateLimitedSampler{${this.perSecond}/s}`;
  }
}

/**
 * The sampler a service runs with: none of its own when the user chose one through the
 * standard OTEL_TRACES_SAMPLER (the SDK reads it); otherwise a trace that arrives sampled
 * (a `traceparent` from the workload or another service) is always continued, and new traces
 * are limited to FAULTLINE_TRACES_PER_SECOND (default 50; 0 means no limit).
 */
export function tracesSampler(env: NodeJS.ProcessEnv = process.env): Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER?.trim()) return undefined;
  const configured = env.FAULTLINE_TRACES_PER_SECOND?.trim();
  const perSecond = configured ? Number(configured) : DEFAULT_TRACES_PER_SECOND;
  if (!Number.isFinite(perSecond) || perSecond < 0) {
    throw new Error(
      `FAULTLINE_TRACES_PER_SECOND must be a number of traces per second, 0 for no limit: got ${JSON.stringify(configured)}`,
    );
  }
  if (perSecond === 0) return undefined;
  return new ParentBasedSampler({ root: new RateLimitedSampler(perSecond) });
}
