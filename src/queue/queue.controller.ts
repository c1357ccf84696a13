import { Body, Controller, Get, Headers, HttpCode, MessageEvent, Param, ParseIntPipe, Post, Res, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { concat, defer, distinctUntilChanged, from, interval, map, merge, Observable, startWith, switchMap } from 'rxjs';
import { appointmentCaller } from '../appointments/appointment-access';
import { CurrentUser, StaffOrAdmin } from '../auth/auth.decorators';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { validateIdempotencyKey } from '../common/idempotency.service';
import { BoardEventsService } from './board-events.service';
import { BoardService } from './board.service';
import { CounterStatus } from './counter.entity';
import { CountersService, TicketAction } from './counters.service';
import { CheckInDto, WalkInDto } from './dto/queue.dto';
import { CreateCounterDto } from '../offices/dto/office.dto';
import { AdminOnly } from '../auth/auth.decorators';
import { TicketsService } from './tickets.service';

function requireOffice(user: AuthUser, officeCode: string): void {
  if (!canActInOffice(user, officeCode)) throw new DomainError('FORBIDDEN', 'You can only act in your own office.');
}

const COUNTER_STATUS_FOR: Record<string, CounterStatus> = { open: 'OPEN', pause: 'PAUSED', close: 'CLOSED' };
const TICKET_ACTIONS = ['recall', 'start', 'complete', 'no-show'] as const;

const counterNumber = new ParseIntPipe({ exceptionFactory: () => new DomainError('VALIDATION_FAILED', 'The counter number must be a whole number.', { details: [{ field: 'n', problems: ['must be a whole number'] }] }) });

@ApiTags('queue')
@Controller()
export class QueueController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly counters: CountersService,
    private readonly board: BoardService,
    private readonly events: BoardEventsService,
  ) {}

  @Post('appointments/:code/check-in')
  @ApiHeader({ name: 'X-Applicant-NIK', required: false, description: 'The citizen’s NIK (kiosk); staff send a Bearer token instead' })
  checkIn(@Param('code') code: string, @Body() body: CheckInDto, @CurrentUser() user?: AuthUser, @Headers('x-applicant-nik') nik?: string) {
    return this.tickets.checkIn(code, appointmentCaller(user, nik), body.priority);
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

  @Get('offices/:officeCode/counters')
  @StaffOrAdmin()
  @ApiBearerAuth()
  listCounters(@Param('officeCode') officeCode: string, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    return this.counters.list(officeCode);
  }

  @Post('offices/:officeCode/counters')
  @AdminOnly()
  @ApiBearerAuth()
  async createCounter(@Param('officeCode') officeCode: string, @Body() body: CreateCounterDto, @CurrentUser() admin: AuthUser) {
    const counter = await this.counters.create(officeCode, body.number, admin.username);
    return { number: counter.number, status: counter.status, currentTicket: null };
  }

  /** open · pause · close · call-next · recall · start · complete · no-show */
  @Post('offices/:officeCode/counters/:n/:action')
  @StaffOrAdmin()
  @ApiBearerAuth()
  @HttpCode(200)
  counterAction(@Param('officeCode') officeCode: string, @Param('n', counterNumber) n: number, @Param('action') action: string, @CurrentUser() user: AuthUser) {
    requireOffice(user, officeCode);
    if (Object.hasOwn(COUNTER_STATUS_FOR, action)) return this.counters.setStatus(officeCode, n, COUNTER_STATUS_FOR[action], user.username);
    if (action === 'call-next') return this.counters.callNext(officeCode, n, user.username);
    if ((TICKET_ACTIONS as readonly string[]).includes(action)) return this.counters.act(officeCode, n, action as TicketAction, user.username);
    throw new DomainError('NOT_FOUND', 'There is nothing at this address.');
  }

  @Get('offices/:officeCode/board')
  getBoard(@Param('officeCode') officeCode: string) {
    return this.board.board(officeCode);
  }

  /**
   * Live board for waiting-room displays (Server-Sent Events). Each change in this instance is
   * pushed at once; a once-a-second check also picks up changes made through other instances.
   */
  @Sse('offices/:officeCode/board/events')
  async boardEvents(@Param('officeCode') officeCode: string): Promise<Observable<MessageEvent>> {
    const first = await this.board.board(officeCode);
    const local = this.events.of(officeCode).pipe(switchMap(({ change }) => from(this.board.board(officeCode)).pipe(map((board) => ({ type: change.type, change, board })))));
    const polled = interval(1000).pipe(
      switchMap(() => from(this.board.board(officeCode))),
      startWith(first),
      map((board) => ({ type: 'board', change: null, board })),
    );
    return concat(
      defer(() => from([{ data: { type: 'board', change: null, board: first } } as MessageEvent])),
      merge(local.pipe(map((data) => ({ type: data.type, data }) as MessageEvent)), polled.pipe(distinctUntilChanged((a, b) => JSON.stringify(a.board) === JSON.stringify(b.board)), map((data) => ({ type: 'board', data }) as MessageEvent))),
    );
  }
}
