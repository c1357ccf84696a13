import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { CreateOfficeDto, CreateSlotsDto, SlotInput, SlotsQuery } from './dto/office.dto';
import { officeView, OfficesService, slotView } from './offices.service';

@ApiTags('offices')
@Controller('offices')
export class OfficesController {
  constructor(private readonly offices: OfficesService) {}

  @Get()
  async list() {
    return (await this.offices.list()).map(officeView);
  }

  @Get(':officeCode')
  async get(@Param('officeCode') officeCode: string) {
    return officeView(await this.offices.get(officeCode));
  }

  @Post()
  @AdminOnly()
  @ApiBearerAuth()
  async create(@Body() body: CreateOfficeDto, @CurrentUser() admin: AuthUser) {
    return officeView(await this.offices.create(body, admin.username));
  }

  @Get(':officeCode/slots')
  async slots(@Param('officeCode') officeCode: string, @Query() query: SlotsQuery) {
    return (await this.offices.slotsOn(officeCode, query.date)).map(slotView);
  }

  @Post(':officeCode/slots')
  @AdminOnly()
  @ApiBearerAuth()
  async createSlots(@Param('officeCode') officeCode: string, @Body() body: CreateSlotsDto, @CurrentUser() admin: AuthUser) {
    const single = body.date !== undefined || body.start !== undefined || body.end !== undefined || body.capacity !== undefined;
    if (body.slots && single) {
      throw new DomainError('VALIDATION_FAILED', 'Send either one slot or a "slots" list, not both.', {
        details: [{ field: 'slots', problems: ['slots cannot be combined with date, start, end or capacity'] }],
      });
    }
    const inputs: SlotInput[] = body.slots ?? [{ date: body.date!, start: body.start!, end: body.end!, capacity: body.capacity! }];
    return (await this.offices.createSlots(officeCode, inputs, admin.username)).map(slotView);
  }
}
