/** `GET /console/settings`: what the console page needs to know about where it runs. */
export interface ConsoleSettings {
  /** Where the browser opens traces (Zipkin's `…/zipkin`); absent: trace ids are shown unlinked. */
  tracesUrl?: string;
  /** Whether control knows a Prometheus to query for the dashboards. */
  prometheus: boolean;
}

/** Longest PromQL expression control passes on to Prometheus. */
export const MAX_QUERY_LENGTH = 4096;
/** A range query's step bounds (Prometheus itself refuses more than 11,000 points). */
export const MIN_STEP_SECONDS = 1;
export const MAX_STEP_SECONDS = 86_400;

/** `GET /prometheus/api/v1/query_range`: Prometheus's own parameters (unix seconds). */
export interface RangeQuery {
  query: string;
  start: number;
  end: number;
  step: number;
}

/** `GET /prometheus/api/v1/query`: at `time` (unix seconds), or now. */
export interface InstantQuery {
  query: string;
  time?: number;
}

/** A series as Prometheus answers a range query (matrix). */
export interface RangeSeries {
  metric: Record<string, string>;
  /** [unix seconds, value as Prometheus writes it: "1.5", "NaN", "+Inf"]. */
  values: [number, string][];
}

/** A sample as Prometheus answers an instant query (vector). */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Prometheus's answer, passed on as it is: `data.result` holds the series or samples. */
export interface PrometheusAnswer<T> {
  status: 'success';
  data: { resultType: string; result: T[] };
  warnings?: string[];
}
