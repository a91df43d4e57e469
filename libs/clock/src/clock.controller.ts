import { Body, Controller, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { Clock, type ClockReading } from './clock';
import { ClockOffsetDto } from './clock-offset.dto';

/**
 * The clock's internal endpoints: drills skew it, observers measure the skew. Left out of the
 * service's OpenAPI document like the other operational endpoints.
 */
@ApiExcludeController()
@Controller('internal')
export class ClockController {
  constructor(private readonly clock: Clock) {}

  /** Unauthenticated: reading the clock changes nothing. */
  @Get('time')
  time(): ClockReading {
    return this.clock.read();
  }

  @Put('clock')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  setOffset(@Body() body: ClockOffsetDto): ClockReading {
    this.clock.setOffset(body.offsetMs);
    return this.clock.read();
  }
}
