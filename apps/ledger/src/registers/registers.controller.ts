import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RegisterDto, RegisterWriteDto } from '@faultline/contracts/dto';
import { ResourceNamePipe } from '../ledger/resource-name.pipe';
import { RegistersService } from './registers.service';

@ApiTags('registers')
@ApiBadRequestResponse({ description: 'A bad key or value, or a member that does not exist' })
@ApiServiceUnavailableResponse({
  description:
    'The member did not serve it: `no-leader`, `timeout`, `unavailable`; a write may still commit (the etcd client retries)',
})
@Controller('registers')
export class RegistersController {
  constructor(private readonly registers: RegistersService) {}

  @Put(':key')
  @ApiOkResponse({ type: RegisterDto, description: 'Committed by a majority' })
  write(
    @Param('key', new ResourceNamePipe('key')) key: string,
    @Body() dto: RegisterWriteDto,
  ): Promise<RegisterDto> {
    return this.registers.write(key, dto.value, dto.member);
  }

  @Get(':key')
  @ApiQuery({ name: 'member', description: 'The etcd member to read through', example: 'etcd-0' })
  @ApiOkResponse({ type: RegisterDto, description: 'A linearizable read' })
  read(
    @Param('key', new ResourceNamePipe('key')) key: string,
    @Query('member') member: string,
  ): Promise<RegisterDto> {
    return this.registers.read(key, member);
  }
}
