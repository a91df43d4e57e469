import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { LOCK_MODES, type LockMode } from '../ledger/ledger';
import { IntegerField, OptionalField } from '../fields';
import type { Verdict } from '@faultline/history';
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_LOCK_MODE,
  MAX_DURATION_SECONDS,
  MAX_SEED,
  MIN_DURATION_SECONDS,
  type Report,
  type ReportSummary,
  RUN_PHASES,
  type RunPhase,
  type RunRequest,
  type RunView,
  SCENARIO_NAMES,
  type ScenarioName,
} from './runs';

const VERDICTS = ['valid', 'invalid', 'unknown'] as const satisfies readonly Verdict[];

export class StartRunDto implements RunRequest {
  @ApiProperty({ enum: SCENARIO_NAMES })
  @IsIn(SCENARIO_NAMES, { message: `scenario must be one of: ${SCENARIO_NAMES.join(', ')}` })
  scenario!: ScenarioName;

  @IntegerField({
    minimum: MIN_DURATION_SECONDS,
    maximum: MAX_DURATION_SECONDS,
    default: DEFAULT_DURATION_SECONDS,
    message: `durationSeconds must be an integer from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`,
    optional: true,
  })
  durationSeconds?: number;

  @ApiPropertyOptional({
    enum: LOCK_MODES,
    default: DEFAULT_LOCK_MODE,
    description:
      'lock-pause only: the lock the ledger takes. redlock and etcd-lease let a paused holder write late; etcd-fenced refuses it',
  })
  @OptionalField()
  @IsIn(LOCK_MODES, { message: `lock must be one of: ${LOCK_MODES.join(', ')}` })
  lock?: LockMode;

  @IntegerField({
    minimum: 0,
    maximum: MAX_SEED,
    description:
      "The seed of the run's operation generators: the same seed replays the same operations " +
      'and drill schedule. Omitted: the run picks one at random and reports it.',
    message: `seed must be an integer from 0 to ${MAX_SEED}`,
    optional: true,
  })
  seed?: number;
}

export class RunViewDto implements RunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SCENARIO_NAMES }) scenario!: ScenarioName;
  @ApiProperty({ type: 'integer' }) durationSeconds!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_SEED,
    description: 'The seed the run generates its operations from: replay it with this seed',
  })
  seed!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ enum: RUN_PHASES }) phase!: RunPhase;
  @ApiProperty({ type: 'integer', description: 'Operations recorded in the history so far' })
  ops!: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ enum: VERDICTS }) verdict?: Verdict;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The report, once done',
  })
  report?: Report;
}

export class ReportSummaryDto implements ReportSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() scenario!: string;
  @ApiProperty({ enum: VERDICTS }) verdict!: Verdict;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) endedAt!: string;
}
