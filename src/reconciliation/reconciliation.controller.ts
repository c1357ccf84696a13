import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { ReconciliationService } from './reconciliation.service';

class ReconciliationQuery {
  @IsOptional() @IsString() @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'officeCode must match ^[A-Z0-9-]{2,20}$' })
  officeCode?: string;

  @IsOptional() @IsIn(['PENDING', 'RESOLVED'])
  status?: 'PENDING' | 'RESOLVED';
}

class ResolveDto {
  /** What was done, e.g. the core-system reference it was re-entered under. */
  @IsOptional() @IsString() @MaxLength(500)
  note?: string;
}

const itemId = new ParseIntPipe({ exceptionFactory: () => new DomainError('RECONCILIATION_ITEM_NOT_FOUND', 'There is no such reconciliation item.') });

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
