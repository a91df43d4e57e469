import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DEFAULT_DURATION_SECONDS, type RunView } from '@faultline/contracts';
import { RunViewDto, StartRunDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import type { ScenarioRun } from './scenario-run';
import { RunsService } from './runs.service';

const view = (run: ScenarioRun): RunView => ({
  id: run.id,
  scenario: run.scenario.name,
  durationSeconds: run.durationSeconds,
  seed: run.seed,
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
  @ApiAcceptedResponse({
    type: RunViewDto,
    description: 'The run, started: follow it with GET /runs/:id',
  })
  start(@Body() body: StartRunDto): RunView {
    const duration = body.durationSeconds ?? DEFAULT_DURATION_SECONDS;
    return view(this.runs.start(body.scenario, duration, body.seed, body.lock));
  }

  @Get(':id')
  @ApiOkResponse({ type: RunViewDto })
  get(@Param('id') id: string): RunView {
    return view(this.runs.get(id));
  }
}
