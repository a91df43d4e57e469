import type { InstantSample, RangeSeries } from '@faultline/contracts';

export type { InstantSample, RangeSeries };

/**
 * Prometheus's query API, as the console reaches it: through control (`/prometheus/api/v1/…`,
 * with the console's token), which knows where Prometheus runs. Throws with Prometheus's own
 * error message when the query is refused.
 */
export interface PrometheusApi {
  queryRange(query: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
  query(query: string, time: number): Promise<InstantSample[]>;
}
