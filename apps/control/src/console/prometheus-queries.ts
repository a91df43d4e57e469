import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type InstantQuery, type RangeQuery, searchParams } from '@faultline/contracts';
import { ControlEnvironment } from '../config/control-environment';

/** A dashboard query that takes longer than this is answered 503: the panel says so and retries. */
const PROMETHEUS_TIMEOUT_MS = 10_000;

/** Asks the configured Prometheus; its refusals become 400s with its own message. */
@Injectable()
export class PrometheusQueries {
  constructor(private readonly env: ControlEnvironment) {}

  async ask(endpoint: 'query' | 'query_range', query: RangeQuery | InstantQuery): Promise<unknown> {
    const base = this.env.FAULTLINE_PROMETHEUS_URL;
    if (!base) {
      throw new ServiceUnavailableException(
        'control has no Prometheus to ask: FAULTLINE_PROMETHEUS_URL is unset',
      );
    }
    // POST: a long PromQL expression fits in a form body where a URL might not.
    const response = await fetch(`${base.replace(/\/$/, '')}/api/v1/${endpoint}`, {
      method: 'POST',
      body: searchParams(query),
      signal: AbortSignal.timeout(PROMETHEUS_TIMEOUT_MS),
    }).catch((err: Error) => {
      throw new ServiceUnavailableException(`Prometheus did not answer: ${err.message}`);
    });
    const answer = (await response.json().catch(() => undefined)) as
      { status?: string; error?: string } | undefined;
    if (response.ok && answer?.status === 'success') return answer;
    // 400 (bad parameters) and 422 (the expression cannot be evaluated) are the query's fault.
    if (response.status === 400 || response.status === 422) {
      throw new BadRequestException(
        `Prometheus refused the query: ${answer?.error ?? response.statusText}`,
      );
    }
    throw new ServiceUnavailableException(
      `Prometheus answered ${response.status}: ${answer?.error ?? response.statusText}`,
    );
  }
}
