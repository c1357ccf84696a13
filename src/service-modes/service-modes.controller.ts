import { Body, Controller, Delete, Get, Headers, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { ExpressRequestsQuery, HistoryQuery, SwitchModeDto } from './dto/switch-mode.dto';
import { ExpressRequestsService } from './express-requests.service';
import { expectedVersion, parseIfMatch } from './if-match';
import { modeView, ServiceModesService } from './service-modes.service';

@ApiTags('service-modes')
@Controller()
export class ServiceModesController {
  constructor(
    private readonly modes: ServiceModesService,
    private readonly express: ExpressRequestsService,
  ) {}

  @Get('service-modes')
  overview() {
    return this.modes.overview();
  }

  @Get('service-modes/history')
  @AdminOnly()
  @ApiBearerAuth()
  async history(@Query() query: HistoryQuery) {
    const rows = await this.modes.historyOf(query.scope);
    return rows.map((r) => ({
      scope: r.scope,
      from: r.fromMode,
      to: r.toMode,
      expressPolicy: r.expressPolicy,
      bookingPolicy: r.bookingPolicy,
      reason: r.reason,
      changedBy: r.changedBy,
      changedAt: r.changedAt,
    }));
  }

  /** The global mode alone (the resource PUT /service-modes/global changes). */
  @Get('service-modes/global')
  async global() {
    return modeView(await this.modes.globalMode());
  }

  @Get('service-modes/:officeCode')
  async effective(@Param('officeCode') officeCode: string) {
    await this.modes.requireOffice(officeCode);
    return modeView(await this.modes.effectiveFor(officeCode));
  }

  @Put('service-modes/global')
  @AdminOnly()
  @ApiBearerAuth()
  @ApiHeader({ name: 'If-Match', required: false, description: 'Expected current version, e.g. "3"; * for any' })
  async switchGlobal(@Body() body: SwitchModeDto, @CurrentUser() admin: AuthUser, @Headers('if-match') ifMatch?: string) {
    return modeView(await this.modes.switchGlobal(body, admin.username, expectedVersion(parseIfMatch(ifMatch))));
  }

  @Put('service-modes/offices/:officeCode')
  @AdminOnly()
  @ApiBearerAuth()
  @ApiHeader({ name: 'If-Match', required: false, description: 'Expected current version of the override, e.g. "3" ("0" when none); * for any' })
  async switchOffice(@Param('officeCode') officeCode: string, @Body() body: SwitchModeDto, @CurrentUser() admin: AuthUser, @Headers('if-match') ifMatch?: string) {
    return modeView(await this.modes.switchOffice(officeCode, body, admin.username, await this.officeVersionExpected(officeCode, ifMatch)));
  }

  @Delete('service-modes/offices/:officeCode')
  @AdminOnly()
  @ApiBearerAuth()
  @ApiHeader({ name: 'If-Match', required: false, description: 'Expected current version of the override, e.g. "3" ("0" when none); * for any' })
  async clearOverride(@Param('officeCode') officeCode: string, @CurrentUser() admin: AuthUser, @Headers('if-match') ifMatch?: string) {
    return modeView(await this.modes.clearOverride(officeCode, admin.username, await this.officeVersionExpected(officeCode, ifMatch)));
  }

  /**
   * An office route's If-Match, as far as the header alone decides it. An unknown office is 404
   * whatever the precondition (RFC 9110 13.2.1 judges preconditions only for a request that would
   * otherwise succeed), so it is looked up before a weak tag fails.
   */
  private async officeVersionExpected(officeCode: string, header: string | undefined): Promise<number | undefined> {
    const ifMatch = parseIfMatch(header);
    if (ifMatch.kind === 'weak') await this.modes.requireOffice(officeCode);
    return expectedVersion(ifMatch);
  }

  /** Admins see every office; staff only their own. */
  @Get('express-requests')
  @StaffOrAdmin()
  @ApiBearerAuth()
  list(@Query() query: ExpressRequestsQuery, @CurrentUser() user: AuthUser) {
    const officeCode = user.role === 'STAFF' ? (query.officeCode ?? user.officeCode!) : query.officeCode;
    if (officeCode && !canActInOffice(user, officeCode)) throw new DomainError('FORBIDDEN', 'You can only see your own office.');
    return this.express.list({ officeCode, status: query.status });
  }
}
