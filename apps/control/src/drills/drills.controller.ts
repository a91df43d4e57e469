import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { DEFAULT_TTL_SECONDS, DRILL_KINDS, type Drill, MAX_TTL_SECONDS } from './drill';
import { type DrillRequest, DrillsService } from './drills.service';

class CreateDrillDto {
  @ApiProperty({ enum: DRILL_KINDS }) kind!: string;
  @ApiProperty({
    description: 'A node (partition/latency: every link to or from it) or a link `client->server`',
  })
  target!: string;
  @ApiProperty({
    required: false,
    description:
      'partition: {mode: blackhole|refuse}; latency: {latencyMs, jitterMs}; replication-delay: {delayMs}; clock-skew: {offsetMs}',
  })
  params?: Record<string, unknown>;
  @ApiProperty({ required: false, default: DEFAULT_TTL_SECONDS, maximum: MAX_TTL_SECONDS })
  ttlSeconds?: number;
}

/** The drills API; validation is the drill kinds' own (the 400 lists valid values), so the body is taken as is. */
@ApiTags('drills')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('drills')
export class DrillsController {
  constructor(private readonly drills: DrillsService) {}

  @Post()
  @ApiBody({ type: CreateDrillDto })
  @ApiCreatedResponse({ description: 'The drill, active' })
  create(@Body() body: DrillRequest): Promise<Drill> {
    return this.drills.create(body ?? {});
  }

  @Get()
  @ApiOkResponse({ description: 'Active drills and the last 100 ended' })
  list(): Drill[] {
    return this.drills.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Drill {
    return this.drills.get(id);
  }

  @Delete(':id')
  heal(@Param('id') id: string): Promise<Drill> {
    return this.drills.heal(id);
  }

  @Delete()
  @HttpCode(200)
  healAll(): Promise<Drill[]> {
    return this.drills.healAll();
  }
}
