import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ConsoleSettings } from '@faultline/contracts';
import { ConsoleSettingsDto } from '@faultline/contracts/dto';
import { AdminTokenGuard } from '@faultline/service';
import { ControlEnvironment } from '../config/control-environment';

@ApiTags('console')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('console')
export class ConsoleController {
  constructor(private readonly env: ControlEnvironment) {}

  /** Also how the page checks a token it was given. */
  @Get('settings')
  @ApiOkResponse({ type: ConsoleSettingsDto })
  settings(): ConsoleSettings {
    return {
      ...(this.env.FAULTLINE_TRACES_URL ? { tracesUrl: this.env.FAULTLINE_TRACES_URL } : {}),
      prometheus: Boolean(this.env.FAULTLINE_PROMETHEUS_URL),
    };
  }
}
