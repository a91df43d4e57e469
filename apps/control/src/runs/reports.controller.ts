import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { ReportSummaryDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { WorkloadClient } from './workload-client';

/**
 * The scenario reports, from the workload that wrote them (in Kubernetes its files are
 * in its own pod, so control cannot read them from disk).
 */
@ApiTags('reports')
@ApiBearerAuth()
@ApiServiceUnavailableResponse({
  description: 'The workload (which keeps the reports) did not answer',
})
@UseGuards(AdminTokenGuard)
@Controller('reports')
export class ReportsController {
  constructor(private readonly workload: WorkloadClient) {}

  @Get()
  @ApiOkResponse({ type: [ReportSummaryDto], description: 'Newest first' })
  list() {
    return this.workload.forward('GET', '/reports');
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The report, and its Markdown rendering under `markdown`' })
  get(@Param('id') id: string) {
    return this.workload.forward('GET', `/reports/${encodeURIComponent(id)}`);
  }
}
