import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { idAtMost } from '../common/params';
import { CreateCounterDto } from '../offices/dto/office.dto';
import { CountersService } from './counters.service';
import { requireOffice } from './queue.controller';

/** Counters are numbered 1-999 (PlainNumbersPipe has checked how `n` is written). */
const counterNumber = idAtMost(999, () => new DomainError('COUNTER_NOT_FOUND', 'There is no such counter (counters are numbered 1-999).'));

/** The front desk's counters: one route per action, so each is documented and audited on its own. */
@ApiTags('counters')
@ApiBearerAuth()
@Controller('offices/:officeCode/counters')
export class CountersController {
  constructor(private readonly counters: CountersService) {}

  @Get()
  @StaffOrAdmin()
  list(@Param('officeCode') officeCode: string, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.list(officeCode);
  }

  @Post()
  @AdminOnly()
  async create(@Param('officeCode') officeCode: string, @Body() body: CreateCounterDto, @CurrentUser() admin: AuthUser) {
    const counter = await this.counters.create(officeCode, body.number, admin.username);
    return { number: counter.number, status: counter.status, currentTicket: null };
  }

  @Post(':n/open')
  @StaffOrAdmin()
  @HttpCode(200)
  open(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.setStatus(officeCode, n, 'OPEN', user.username);
  }

  @Post(':n/pause')
  @StaffOrAdmin()
  @HttpCode(200)
  pause(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.setStatus(officeCode, n, 'PAUSED', user.username);
  }

  @Post(':n/close')
  @StaffOrAdmin()
  @HttpCode(200)
  close(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.setStatus(officeCode, n, 'CLOSED', user.username);
  }

  @Post(':n/call-next')
  @StaffOrAdmin()
  @HttpCode(200)
  callNext(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.callNext(officeCode, n, user.username);
  }

  @Post(':n/recall')
  @StaffOrAdmin()
  @HttpCode(200)
  recall(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.act(officeCode, n, 'recall', user.username);
  }

  @Post(':n/start')
  @StaffOrAdmin()
  @HttpCode(200)
  start(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.act(officeCode, n, 'start', user.username);
  }

  @Post(':n/complete')
  @StaffOrAdmin()
  @HttpCode(200)
  complete(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.act(officeCode, n, 'complete', user.username);
  }

  @Post(':n/no-show')
  @StaffOrAdmin()
  @HttpCode(200)
  noShow(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.act(officeCode, n, 'no-show', user.username);
  }
}
