import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { WorkloadClient } from './workload-client';

/** Scenario runs, started and followed through control, run by the workload. */
@ApiTags('runs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('runs')
export class RunsController {
  constructor(private readonly workload: WorkloadClient) {}

  /** `{scenario, durationSeconds}` → 202 the run: follow it with GET /runs/:id. */
  @Post()
  @HttpCode(202)
  start(@Body() body: unknown) {
    return this.workload.forward('POST', '/runs', body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.workload.forward('GET', `/runs/${encodeURIComponent(id)}`);
  }
}
