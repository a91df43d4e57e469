import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { RunViewDto, StartRunDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { WorkloadClient } from './workload-client';

/** Scenario runs, started and followed through control, run by the workload. */
@ApiTags('runs')
@ApiBearerAuth()
@ApiServiceUnavailableResponse({
  description: 'The workload (which runs the scenarios) did not answer',
})
@UseGuards(AdminTokenGuard)
@Controller('runs')
export class RunsController {
  constructor(private readonly workload: WorkloadClient) {}

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RunViewDto,
    description: 'The run, started: follow it with GET /runs/:id',
  })
  start(@Body() body: StartRunDto) {
    return this.workload.forward('POST', '/runs', body);
  }

  @Get(':id')
  @ApiOkResponse({ type: RunViewDto })
  get(@Param('id') id: string) {
    return this.workload.forward('GET', `/runs/${encodeURIComponent(id)}`);
  }
}
