import { HttpException, Injectable } from '@nestjs/common';
import { ControlEnvironment } from '../config/control-environment';
import { TopologySource } from '../topology/topology-source';

/**
 * Passes a request on to the workload node, so that one API (one port-forward) is enough
 * for drills, scenario runs and their reports; the workload's answer, status included,
 * comes back as it is.
 */
@Injectable()
export class WorkloadClient {
  constructor(
    private readonly topology: TopologySource,
    private readonly env: ControlEnvironment,
  ) {}

  async forward(method: string, path: string, body?: unknown): Promise<unknown> {
    const { url } = this.topology.node('workload');
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.env.FAULTLINE_ADMIN_TOKEN}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    }).catch((err: Error) => {
      throw new HttpException(`the workload did not answer: ${err.message}`, 503);
    });
    const answer = (await response.json().catch(() => ({}))) as object;
    if (!response.ok) throw new HttpException(answer, response.status);
    return answer;
  }
}
