import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReportSummaryDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { ReportStore } from './report-store';

@ApiTags('reports')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportStore) {}

  @Get()
  @ApiOkResponse({ type: [ReportSummaryDto], description: 'Newest first' })
  list() {
    return this.reports.list();
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The report, and its Markdown rendering under `markdown`' })
  get(@Param('id') id: string) {
    return this.reports.get(id);
  }
}
