import type { ReportSummary, ReportView, RunRequest, RunView } from '../workload/runs';
import type { Drill, DrillRequest, TopologyView } from './drills';

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
}
