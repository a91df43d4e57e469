import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { MetricsRegistry } from './metrics-registry';

/** The Prometheus scrape endpoint. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get('metrics')
  async scrape(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<string> {
    const { contentType, body } = await this.metrics.expose(accept);
    response.setHeader('Content-Type', contentType);
    return body;
  }
}
