import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../uuid-param';
import { AccountDto, CreateAccountDto } from '@faultline/contracts/dto';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: AccountDto })
  create(@Body() dto: CreateAccountDto): Promise<AccountDto> {
    return this.accounts.create(dto);
  }

  @Get()
  @ApiOkResponse({
    type: AccountDto,
    isArray: true,
    description: 'The accounts listed in ids, read in one snapshot',
  })
  getMany(@Query('ids') ids: string | undefined): Promise<AccountDto[]> {
    const list = (ids ?? '').split(',').filter(Boolean);
    if (list.length === 0 || list.length > 100 || !list.every((id) => isUUID(id))) {
      throw new BadRequestException('ids must be 1-100 comma-separated account UUIDs');
    }
    return this.accounts.getMany(list);
  }

  @Get(':id')
  @ApiOkResponse({ type: AccountDto })
  get(@Param('id', uuidParam('id')) id: string): Promise<AccountDto> {
    return this.accounts.get(id);
  }
}
