import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NumberQueryField, TextField } from '../fields';
import {
  type ConsoleSettings,
  type InstantQuery,
  MAX_QUERY_LENGTH,
  MAX_STEP_SECONDS,
  MIN_STEP_SECONDS,
  type RangeQuery,
} from './console';

// Year 2100 in unix seconds: a bound that no dashboard reaches and no typo slips past.
const LATEST = 4_102_444_800;
const unixSeconds = (name: string, description: string, optional = false) =>
  NumberQueryField({
    minimum: 0,
    maximum: LATEST,
    message: `${name} must be a time in unix seconds`,
    description,
    optional,
  });

export class InstantQueryDto implements InstantQuery {
  @TextField({ maxLength: MAX_QUERY_LENGTH, description: 'PromQL' })
  query!: string;

  @unixSeconds('time', 'Evaluation time (unix seconds); omitted: now', true)
  time?: number;
}

export class RangeQueryDto implements RangeQuery {
  @TextField({ maxLength: MAX_QUERY_LENGTH, description: 'PromQL' })
  query!: string;

  @unixSeconds('start', 'Start of the range (unix seconds)')
  start!: number;

  @unixSeconds('end', 'End of the range (unix seconds)')
  end!: number;

  @NumberQueryField({
    minimum: MIN_STEP_SECONDS,
    maximum: MAX_STEP_SECONDS,
    message: `step must be from ${MIN_STEP_SECONDS} to ${MAX_STEP_SECONDS} seconds`,
    description: 'Seconds between points',
  })
  step!: number;
}

export class ConsoleSettingsDto implements ConsoleSettings {
  @ApiPropertyOptional({ description: "Where the browser opens traces (Zipkin's …/zipkin)" })
  tracesUrl?: string;

  @ApiProperty({ description: 'Whether control knows a Prometheus to query for the dashboards' })
  prometheus!: boolean;
}
