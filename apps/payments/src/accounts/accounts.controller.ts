import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../uuid-param';
import { AccountDto, CreateAccountDto } from './account.dto';
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

  @Get(':id')
  @ApiOkResponse({ type: AccountDto })
  get(@Param('id', uuidParam('id')) id: string): Promise<AccountDto> {
    return this.accounts.get(id);
  }
}
