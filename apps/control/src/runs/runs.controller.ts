import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { ControlEnvironment } from '../config/control-environment';
import { TopologySource } from '../topology/topology-source';

/**
 * Scenario runs, started and followed through control so that one API (one
 * port-forward) is enough: the requests are passed to the workload node.
 */
@ApiTags('runs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('runs')
export class RunsController {
  constructor(
    private readonly topology: TopologySource,
    private readonly env: ControlEnvironment,
  ) {}

  private async forward(method: string, path: string, body?: unknown): Promise<unknown> {
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

  /** `{scenario, durationSeconds}` → 202 the run: follow it with GET /runs/:id. */
  @Post()
  @HttpCode(202)
  start(@Body() body: unknown) {
    return this.forward('POST', '/runs', body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.forward('GET', `/runs/${encodeURIComponent(id)}`);
  }
}
