import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { idAtMost } from '../common/params';
import { ReconciliationQuery, ResolveDto } from './dto/reconciliation.dto';
import { ReconciliationService } from './reconciliation.service';

const noSuchItem = () => new DomainError('RECONCILIATION_ITEM_NOT_FOUND', 'There is no such reconciliation item.');
/** Ids are 32-bit integers (PlainNumbersPipe has checked how `id` is written). */
const itemId = idAtMost(2_147_483_647, noSuchItem);

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  /** Services completed by hand while DEGRADED, to re-enter into the core systems. Staff see their own office. */
  @Get()
  @StaffOrAdmin()
  list(@Query() query: ReconciliationQuery, @CurrentUser() user: AuthUser) {
    const officeCode = user.role === 'STAFF' ? (query.officeCode ?? user.officeCode!) : query.officeCode;
    if (officeCode && !canActInOffice(user, officeCode)) throw new DomainError('FORBIDDEN', 'You can only see your own office.');
    return this.reconciliation.list({ officeCode, status: query.status ?? 'PENDING' });
  }

  @Post(':id/resolve')
  @StaffOrAdmin()
  @HttpCode(200)
  resolve(@Param('id', itemId) id: number, @Body() body: ResolveDto, @CurrentUser() user: AuthUser) {
    return this.reconciliation.resolve(id, user, body.note);
  }
}
