import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { ReportStore } from './report-store';

@ApiTags('reports')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportStore) {}

  @Get()
  list() {
    return this.reports.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.reports.get(id);
  }
}
