import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Drill } from '@faultline/contracts';
import { CreateDrillDto, DrillDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { DrillsService } from './drills.service';

/** The drills API: the body's shape is the DTO's; its target and params are checked against the topology. */
@ApiTags('drills')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('drills')
export class DrillsController {
  constructor(private readonly drills: DrillsService) {}

  @Post()
  @ApiCreatedResponse({ type: DrillDto, description: 'The drill, active (an instant one, ended)' })
  create(@Body() body: CreateDrillDto): Promise<Drill> {
    return this.drills.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [DrillDto], description: 'Active drills and the last 100 ended' })
  list(): Drill[] {
    return this.drills.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: DrillDto })
  get(@Param('id') id: string): Drill {
    return this.drills.get(id);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DrillDto, description: 'The drill, healed' })
  heal(@Param('id') id: string): Promise<Drill> {
    return this.drills.heal(id);
  }

  @Delete()
  @HttpCode(200)
  @ApiOkResponse({ type: [DrillDto], description: 'The drills healed' })
  healAll(): Promise<Drill[]> {
    return this.drills.healAll();
  }
}
