import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AppendDto, AppendedDto, LedgerDto, LockHolderDto } from '@faultline/contracts/dto';
import { LedgerService } from './ledger.service';
import { ResourceNamePipe } from './resource-name.pipe';

@ApiTags('ledger')
@ApiBadRequestResponse({
  description: 'A bad resource name, request id or hold, or an unknown lock mode',
})
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Post(':resource/entries')
  @ApiCreatedResponse({ type: AppendedDto, description: 'Written under the lock' })
  @ApiConflictResponse({
    description:
      '`fenced`: the storage refused the write, its token being lower than one it had accepted (etcd-fenced only); the refusal is kept',
  })
  @ApiServiceUnavailableResponse({
    description:
      'Nothing was written (`outcome: failed`): `lock-timeout` (another writer held the lock throughout), `lock-unavailable` (Redis or etcd did not answer). Perhaps written: `storage-unavailable` (PostgreSQL did not answer the commit)',
  })
  async append(
    @Param('resource', ResourceNamePipe) resource: string,
    @Body() dto: AppendDto,
  ): Promise<AppendedDto> {
    return { entry: await this.ledger.append(resource, dto) };
  }

  @Get(':resource/holder')
  @ApiOkResponse({
    type: LockHolderDto,
    description:
      'Whether this instance holds the resource’s lock now (what a scenario waits for before it pauses the holder, and for its release before the final read)',
  })
  holder(@Param('resource', ResourceNamePipe) resource: string): LockHolderDto {
    return this.ledger.holder(resource);
  }

  @Get(':resource')
  @ApiOkResponse({
    type: LedgerDto,
    description: 'Every entry and refusal, in the storage’s order',
  })
  async read(@Param('resource', ResourceNamePipe) resource: string): Promise<LedgerDto> {
    return { resource, ...(await this.ledger.read(resource)) };
  }
}
