import { Body, Controller, Get, Headers, Ip, MessageEvent, Param, Post, Res, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, Observable, takeUntil } from 'rxjs';
import { appointmentCaller } from '../appointments/appointment-access';
import { limitFailedLookups } from '../appointments/lookup-limit';
import { FailureLimiter } from '../common/failure-limiter.service';
import { CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { GracefulShutdown } from '../common/graceful-shutdown';
import { validateIdempotencyKey } from '../common/idempotency.service';
import { BoardFeedService } from './board-feed.service';
import { BoardService } from './board.service';
import { CheckInDto, WalkInDto } from './dto/queue.dto';
import { TicketsService } from './tickets.service';

export function requireOffice(user: AuthUser, officeCode: string): void {
  if (!canActInOffice(user, officeCode)) throw new DomainError('FORBIDDEN', 'You can only act in your own office.');
}

@ApiTags('queue')
@Controller()
export class QueueController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly limiter: FailureLimiter,
    private readonly board: BoardService,
    private readonly feeds: BoardFeedService,
    private readonly shutdown: GracefulShutdown,
  ) {}

  @Post('appointments/:code/check-in')
  @ApiHeader({ name: 'X-Applicant-NIK', required: false, description: 'The citizen’s NIK (kiosk); staff send a Bearer token instead' })
  checkIn(@Param('code') code: string, @Body() body: CheckInDto, @Ip() ip: string, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    const caller = appointmentCaller(user, nik);
    return limitFailedLookups(this.limiter, caller, code, ip, () => this.tickets.checkIn(code, caller, body.priority));
  }

  @Post('offices/:officeCode/walk-ins')
  @StaffOrAdmin()
  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async walkIn(
    @Param('officeCode') officeCode: string,
    @Body() body: WalkInDto,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('idempotency-key') key?: string,
  ) {
    requireOffice(user, officeCode);
    const response = await this.tickets.walkIn(officeCode, body, user, validateIdempotencyKey(key));
    void reply.status(response.statusCode);
    return response.body;
  }

  @Get('offices/:officeCode/queue')
  @StaffOrAdmin()
  @ApiBearerAuth()
  queue(@Param('officeCode') officeCode: string, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.tickets.queue(officeCode);
  }

  @Get('offices/:officeCode/board')
  getBoard(@Param('officeCode') officeCode: string) {
    return this.board.board(officeCode);
  }

  /**
   * Live board for waiting-room displays (Server-Sent Events). The current board first; then every
   * change in this instance at once, in order (one event each, even when several arrive together);
   * and a once-a-second check that picks up changes made through other instances. Every event
   * carries the whole board, so a display never needs to poll.
   */
  @Sse('offices/:officeCode/board/events')
  async boardEvents(@Param('officeCode') officeCode: string): Promise<Observable<MessageEvent>> {
    const feed = await this.feeds.open(officeCode);
    // The stream ends when the server shuts down, so it does not hold the shutdown open.
    return feed.pipe(
      map((event): MessageEvent => ({ type: event.type, data: event })),
      takeUntil(this.shutdown.closing),
    );
  }
}
