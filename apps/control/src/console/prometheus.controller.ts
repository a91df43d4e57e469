import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { InstantQueryDto, RangeQueryDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { PrometheusQueries } from './prometheus-queries';

/**
 * Prometheus's two query endpoints, passed through for the console's dashboards: the browser
 * reaches one address (control's, one port-forward in Kubernetes) with one token.
 */
@ApiTags('console')
@ApiBearerAuth()
@ApiServiceUnavailableResponse({
  description: 'No Prometheus is configured (FAULTLINE_PROMETHEUS_URL), or it did not answer',
})
@UseGuards(AdminTokenGuard)
@Controller('prometheus/api/v1')
export class PrometheusController {
  constructor(private readonly prometheus: PrometheusQueries) {}

  @Get('query_range')
  @ApiOkResponse({ description: "Prometheus's answer (a matrix), as it is" })
  queryRange(@Query() query: RangeQueryDto): Promise<unknown> {
    return this.prometheus.ask('query_range', query);
  }

  @Get('query')
  @ApiOkResponse({ description: "Prometheus's answer (a vector), as it is" })
  query(@Query() query: InstantQueryDto): Promise<unknown> {
    return this.prometheus.ask('query', query);
  }
}
