import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DrillKindView } from '@faultline/contracts';
import { DrillKindDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { DrillsService } from './drills.service';

/** What `POST /drills` accepts now: each kind's targets in the live topology and its params. */
@ApiTags('drills')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('drill-kinds')
export class DrillKindsController {
  constructor(private readonly drills: DrillsService) {}

  @Get()
  @ApiOkResponse({ type: [DrillKindDto] })
  list(): DrillKindView[] {
    return this.drills.kinds();
  }
}
