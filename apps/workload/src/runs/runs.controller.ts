import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import type { ScenarioRun } from './scenario-run';
import { RunsService } from './runs.service';

const view = (run: ScenarioRun) => ({
  id: run.id,
  scenario: run.scenario.name,
  durationSeconds: run.durationSeconds,
  startedAt: run.startedAt,
  phase: run.phase,
  ops: run.ops,
  ...(run.error ? { error: run.error } : {}),
  ...(run.report ? { verdict: run.report.verdict, report: run.report } : {}),
});

/** Scenario runs: started here, followed by polling; their reports are served by /reports. */
@ApiTags('runs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(202)
  start(@Body() body: { scenario?: unknown; durationSeconds?: unknown }) {
    return view(this.runs.start(body?.scenario, body?.durationSeconds));
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return view(this.runs.get(id));
  }
}
