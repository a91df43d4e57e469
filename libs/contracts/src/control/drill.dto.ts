import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsString } from 'class-validator';
import { IntegerField, OptionalField } from '../fields';
import {
  DEFAULT_TTL_SECONDS,
  DRILL_KINDS,
  DRILL_STATES,
  type Drill,
  type DrillKind,
  type DrillKindView,
  type DrillParams,
  type DrillRequest,
  type DrillState,
  MAX_TTL_SECONDS,
} from './drills';

const PARAMS_SCHEMA = {
  type: 'object' as const,
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

export class CreateDrillDto implements DrillRequest {
  @ApiProperty({ enum: DRILL_KINDS })
  @IsIn(DRILL_KINDS, { message: `kind must be one of: ${DRILL_KINDS.join(', ')}` })
  kind!: DrillKind;

  @ApiProperty({
    description:
      'A node (partition/latency: every link to or from it), an endpoint or a link `client->server`',
  })
  @IsString()
  target!: string;

  @ApiPropertyOptional({
    ...PARAMS_SCHEMA,
    description:
      'partition: {mode: blackhole|refuse}; latency: {latencyMs, jitterMs}; replication-delay: {delayMs}; replication-mode: {mode: async}; clock-skew: {offsetMs}',
  })
  @OptionalField()
  @IsObject({ message: 'params must be an object' })
  params?: DrillParams;

  @IntegerField({
    minimum: 1,
    maximum: MAX_TTL_SECONDS,
    default: DEFAULT_TTL_SECONDS,
    message: `ttlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}`,
    optional: true,
  })
  ttlSeconds?: number;
}

export class DrillDto implements Drill {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: DRILL_KINDS }) kind!: DrillKind;
  @ApiProperty() target!: string;
  @ApiPropertyOptional({ description: 'The node an endpoint target led to when the drill started' })
  node?: string;
  @ApiProperty(PARAMS_SCHEMA) params!: DrillParams;
  @ApiProperty({ type: 'integer' }) ttlSeconds!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ enum: DRILL_STATES }) state!: DrillState;
  @ApiProperty({ type: [String], description: '`link:<name>` or `node:<name>:<aspect>`' })
  footprint!: string[];
  @ApiPropertyOptional({ description: 'What an instant drill did (a failover: the node promoted)' })
  result?: string;
  @ApiPropertyOptional({ format: 'date-time' }) endedAt?: string;
  @ApiPropertyOptional() error?: string;
}

/** A DrillParamSpec, documented as one object (its `type` says which fields it has). */
export class DrillParamSpecDto {
  @ApiProperty() name!: string;
  @ApiProperty() required!: boolean;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: ['integer', 'choice'] }) type!: 'integer' | 'choice';
  @ApiPropertyOptional({ type: 'integer' }) minimum?: number;
  @ApiPropertyOptional({ type: 'integer' }) maximum?: number;
  @ApiPropertyOptional({ type: [String] }) values?: string[];
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer' }] })
  default?: string | number;
}

export class DrillKindDto implements Omit<DrillKindView, 'params'> {
  @ApiProperty({ enum: DRILL_KINDS }) kind!: DrillKind;
  @ApiProperty({ type: [String], description: 'The targets it accepts in this topology now' })
  targets!: string[];
  @ApiProperty({ type: [DrillParamSpecDto] }) params!: DrillParamSpecDto[];
}
