import type { ReportSummary, ReportView, RunRequest, RunView } from '../workload/runs';
import type {
  ConsoleSettings,
  InstantQuery,
  InstantSample,
  PrometheusAnswer,
  RangeQuery,
  RangeSeries,
} from './console';
import type { Drill, DrillKindView, DrillRequest, TopologyView } from './drills';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** Sends one request to the control API and answers its JSON body (or throws on an error status). */
export type ControlTransport = (
  method: HttpMethod,
  path: string,
  body?: unknown,
) => Promise<unknown>;

/**
 * The control API, typed: every client (the CLI, the workload's nemesis) goes through it,
 * each with the transport it needs (the CLI's waits and one-line errors, say).
 */
export class ControlApiClient {
  constructor(private readonly send: ControlTransport) {}

  startDrill(request: DrillRequest): Promise<Drill> {
    return this.send('POST', '/drills', request) as Promise<Drill>;
  }

  drillKinds(): Promise<DrillKindView[]> {
    return this.send('GET', '/drill-kinds') as Promise<DrillKindView[]>;
  }

  drills(): Promise<Drill[]> {
    return this.send('GET', '/drills') as Promise<Drill[]>;
  }

  heal(id: string): Promise<Drill> {
    return this.send('DELETE', `/drills/${encodeURIComponent(id)}`) as Promise<Drill>;
  }

  healAll(): Promise<Drill[]> {
    return this.send('DELETE', '/drills') as Promise<Drill[]>;
  }

  topology(): Promise<TopologyView> {
    return this.send('GET', '/topology') as Promise<TopologyView>;
  }

  startRun(request: RunRequest): Promise<RunView> {
    return this.send('POST', '/runs', request) as Promise<RunView>;
  }

  run(id: string): Promise<RunView> {
    return this.send('GET', `/runs/${encodeURIComponent(id)}`) as Promise<RunView>;
  }

  reports(): Promise<ReportSummary[]> {
    return this.send('GET', '/reports') as Promise<ReportSummary[]>;
  }

  report(id: string): Promise<ReportView> {
    return this.send('GET', `/reports/${encodeURIComponent(id)}`) as Promise<ReportView>;
  }

  consoleSettings(): Promise<ConsoleSettings> {
    return this.send('GET', '/console/settings') as Promise<ConsoleSettings>;
  }

  /** Prometheus's range query, through control. */
  queryRange(query: RangeQuery): Promise<PrometheusAnswer<RangeSeries>> {
    return this.send('GET', `/prometheus/api/v1/query_range?${searchParams(query)}`) as Promise<
      PrometheusAnswer<RangeSeries>
    >;
  }

  /** Prometheus's instant query, through control. */
  query(query: InstantQuery): Promise<PrometheusAnswer<InstantSample>> {
    return this.send('GET', `/prometheus/api/v1/query?${searchParams(query)}`) as Promise<
      PrometheusAnswer<InstantSample>
    >;
  }
}

/** A query's fields as URL parameters (absent ones left out), as Prometheus reads them. */
export const searchParams = (query: RangeQuery | InstantQuery): URLSearchParams =>
  new URLSearchParams(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]): [string, string] => [name, String(value)]),
  );
