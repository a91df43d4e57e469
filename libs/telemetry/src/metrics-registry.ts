import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, type OpenMetricsContentType, Registry } from 'prom-client';
import { prefersOpenMetrics, toPrometheusText } from './exposition-format';

/** A rendered /metrics response. */
export interface MetricsExposition {
  contentType: string;
  body: string;
}

/**
 * The service's prom-client registry, with the default process metrics. Inject it and pass
 * `registry` in a metric's `registers`. It is an OpenMetrics registry, so metrics may enable
 * exemplars (see observeWithTraceExemplar); /metrics still serves Prometheus text to scrapers
 * that do not ask for OpenMetrics.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry<OpenMetricsContentType>();

  constructor() {
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Renders every metric in the format the scraper's Accept header prefers. */
  async expose(accept: string | undefined): Promise<MetricsExposition> {
    const openMetrics = await this.registry.metrics();
    return prefersOpenMetrics(accept)
      ? { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: openMetrics }
      : { contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: toPrometheusText(openMetrics) };
  }
}
