import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In, LessThan } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { AppointmentCaller, bookingCodeOr404, lockAppointmentFor } from '../appointments/appointment-access';
import { Appointment } from '../appointments/appointment.entity';
import { ExpressRequest } from '../appointments/express-request.entity';
import { normalizeFullName } from '../appointments/applicant.rules';
import type { AuthUser } from '../auth/auth-user';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdempotencyService, StoredResponse } from '../common/idempotency.service';
import { localDateOf } from '../common/local-time';
import { CommittedReads } from '../database/committed-reads';
import { uniqueViolation } from '../database/database-errors';
import { rowByKey } from '../database/coalesced-reads';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { Office } from '../offices/office.entity';
import { expressView, ExpressView, ExpressRequestsService } from '../service-modes/express-requests.service';
import { decideWalkIn, refusalMessage, retryAfterSeconds } from '../service-modes/service-mode.policy';
import { ServiceModesService } from '../service-modes/service-modes.service';
import { BoardEventsService } from './board-events.service';
import { syncExpressFlags } from './call-order-sync';
import { CheckedIn, CheckInBatcher } from './check-in-batcher';
import { CheckInAppointment, checkInDecision } from './check-in.rules';
import { EXPRESS_QUOTA, takeFromQuota } from './daily-sequences';
import { WalkInDto } from './dto/queue.dto';
import { newTicket, serviceDateOf, TicketFacts } from './new-ticket';
import { sequenceName } from './queue.rules';
import { Ticket } from './ticket.entity';
import { EstimateBasis, WaitEstimatesService } from './wait-estimates.service';

export interface TicketView {
  id: number;
  number: string;
  officeCode: string;
  serviceDate: string;
  appointmentCode: string | null;
  serviceType: string;
  priority: boolean;
  /** True while the ticket has an express request that is not cancelled. */
  express: boolean;
  expressRequest: ExpressView | null;
  status: string;
  counterNumber: number | null;
  position: number | null;
  estimatedWaitMinutes: number | null;
  manual: boolean;
  checkedInAt: string;
  calledAt: string | null;
}

/** What a ticket's view adds to the ticket row: its appointment's code, its express request (with that request's place), its place in the queue. */
interface TicketViewFacts {
  appointmentCode: string | null;
  express: { request: ExpressRequest; position?: number } | null;
  position: number | null;
  estimatedWaitMinutes: number | null;
}

function ticketView(ticket: Ticket, facts: TicketViewFacts): TicketView {
  const request = facts.express?.request ?? null;
  return {
    id: ticket.id,
    number: ticket.number,
    officeCode: ticket.officeCode,
    serviceDate: ticket.serviceDate,
    appointmentCode: facts.appointmentCode,
    serviceType: ticket.serviceType,
    priority: ticket.priority,
    express: request !== null && request.status !== 'CANCELLED',
    expressRequest: request ? expressView(request, facts.express!.position) : null,
    status: ticket.status,
    counterNumber: ticket.counterNumber,
    position: facts.position,
    estimatedWaitMinutes: facts.estimatedWaitMinutes,
    manual: ticket.manual,
    checkedInAt: ticket.checkedInAt,
    calledAt: ticket.calledAt,
  };
}

@Injectable()
export class TicketsService {
  /** How many waiting tickets are ahead of a ticket (on SQLite, those asked for together share one statement). */
  private readonly ticketsAhead: (ticketId: number) => Promise<{ id: number; ahead: number | string } | undefined>;

  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly sql: Sql,
    private readonly checkIns: CheckInBatcher,
    private readonly modes: ServiceModesService,
    private readonly expressRequests: ExpressRequestsService,
    private readonly estimates: WaitEstimatesService,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly events: BoardEventsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.ticketsAhead = rowByKey(sql, TICKETS_AHEAD, 't.id', (row) => Number(row.id));
  }

  /**
   * Today's waiting tickets of an office in call order, each with its position and estimate. The
   * queue is the office-local day's: a ticket nobody called before closing is not called tomorrow.
   */
  async queue(officeCode: string): Promise<TicketView[]> {
    const office = await this.reads.manager.findOneBy(Office, { code: officeCode });
    if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
    const waiting = await this.reads.manager.find(Ticket, {
      where: { officeCode, status: 'WAITING', serviceDate: localDateOf(this.clock.now(), office.timeZone) },
      order: { callKey: 'ASC' },
    });
    return this.viewMany(waiting, this.reads.manager, true);
  }

  async view(ticket: Ticket, manager: EntityManager = this.reads.manager): Promise<TicketView> {
    const [view] = await this.viewMany([ticket], manager, false);
    return view;
  }

  /**
   * Views of several tickets of one office with a constant number of queries. `inCallOrder` says
   * the list is the whole waiting queue in order, so positions are just indexes.
   */
  async viewMany(tickets: Ticket[], manager: EntityManager, inCallOrder: boolean): Promise<TicketView[]> {
    if (tickets.length === 0) return [];
    const officeCode = tickets[0].officeCode;
    const ids = tickets.map((t) => t.id);
    const appointmentIds = tickets.map((t) => t.appointmentId).filter((id): id is number => id !== null);
    const [requests, appointments] = await Promise.all([
      manager.find(ExpressRequest, { where: { ticketId: In(ids) } }),
      appointmentIds.length ? manager.find(Appointment, { select: { id: true, code: true }, where: { id: In(appointmentIds) } }) : Promise.resolve([]),
    ]);
    const requestByTicket = new Map(requests.map((r) => [r.ticketId!, r]));
    const codeById = new Map(appointments.map((a) => [a.id, a.code]));
    let basis: EstimateBasis | undefined;
    let today: string | undefined;
    if (tickets.some((t) => t.status === 'WAITING')) {
      const mode = await this.modes.effectiveForDisplay(officeCode, manager);
      const office = await manager.findOneByOrFail(Office, { code: officeCode });
      basis = await this.estimates.basis(officeCode, mode.mode, manager);
      today = localDateOf(this.clock.now(), office.timeZone);
    }
    const views: TicketView[] = [];
    for (const [index, ticket] of tickets.entries()) {
      // Only today's waiting tickets have a place in the queue; an earlier day's will not be called.
      let position: number | null = null;
      if (ticket.status === 'WAITING' && ticket.serviceDate === today) {
        position = inCallOrder ? index + 1 : (await manager.countBy(Ticket, { officeCode, status: 'WAITING', serviceDate: today, callKey: LessThan(ticket.callKey) })) + 1;
      }
      const request = requestByTicket.get(ticket.id) ?? null;
      views.push(
        ticketView(ticket, {
          appointmentCode: ticket.appointmentId !== null ? (codeById.get(ticket.appointmentId) ?? null) : null,
          express: request && { request, position: await this.expressRequests.positionOf(request, manager) },
          position,
          estimatedWaitMinutes: position !== null && basis ? this.estimates.estimate(position, basis) : null,
        }),
      );
    }
    return views;
  }

  /** Kiosk (citizen) or front-desk check-in of a BOOKED appointment: issues an `A` ticket. */
  async checkIn(code: string, caller: AppointmentCaller, priority: boolean | undefined): Promise<TicketView> {
    if (caller.kind === 'citizen' && priority === true) {
      throw new DomainError('FORBIDDEN', 'Only staff can mark a ticket as priority; ask at the front desk.');
    }
    // Kiosk check-ins on SQLite are group-committed; the batcher sends the rest down the ordinary path.
    const written =
      caller.kind === 'citizen' && !this.sql.isPostgres
        ? await this.checkIns.checkIn({ code: bookingCodeOr404(code), nik: caller.nik }, () => this.writeCheckIn(code, caller, priority))
        : await this.writeCheckIn(code, caller, priority);
    this.events.changed(written.ticket.officeCode, { type: 'check-in', ticketNumber: written.ticket.number });
    return this.freshView(written);
  }

  private writeCheckIn(code: string, caller: AppointmentCaller, priority: boolean | undefined): Promise<CheckedIn> {
    return this.db.write(async (manager) => {
      // Locks first (PostgreSQL): the appointment, then the modes. Only then the appointment with its
      // slot, office and express request, in one statement: a reschedule, an express request or a mode
      // switch that committed meanwhile is read, and one that comes later waits for this check-in.
      const { officeCode } = await lockAppointmentFor(this.db, manager, code, caller);
      const mode = await this.modes.effectiveForWrite(manager, officeCode);
      const appointment = (await this.sql.get<CheckInAppointment>(CHECK_IN_APPOINTMENT, [bookingCodeOr404(code)], manager))!;
      const now = this.clock.now();
      const decision = checkInDecision(now, mode, { status: appointment.status, manual: Boolean(appointment.manual), slot: appointment }, this.config.checkIn.opensMinutesBefore);
      if ('error' in decision) throw decision.error;
      const moved = await this.sql.run(`UPDATE appointments SET status = 'CHECKED_IN', "updatedAt" = ? WHERE id = ? AND status = 'BOOKED'`, [now.toISOString(), Number(appointment.id)], manager);
      if (moved.changes !== 1) throw new DomainError('INVALID_STATE', 'This appointment was just checked in.');
      const ticket = await this.issueTicket(manager, { code: appointment.officeCode, timeZone: appointment.timeZone }, now, {
        kind: 'APPOINTMENT',
        appointmentId: Number(appointment.id),
        serviceType: appointment.serviceType,
        priority: caller.kind === 'staff' && priority === true,
        manual: decision.manual,
        slotStartsAt: appointment.startsAt,
        expressActive: appointment.expressStatus === 'ACTIVE',
      });
      let express: ExpressRequest | null = null;
      if (appointment.expressId !== null) {
        await this.sql.run(`UPDATE express_requests SET "ticketId" = ? WHERE id = ?`, [ticket.id, appointment.expressId], manager);
        express = (await manager.findOneBy(ExpressRequest, { id: appointment.expressId }))!;
        // The releaser (shared locks only, like this check-in) may have released the request since it
        // was read above; the ticket's express flag follows the request as it is now.
        if ((express.status === 'ACTIVE') !== (appointment.expressStatus === 'ACTIVE')) await syncExpressFlags(manager, [officeCode]);
      }
      if (caller.kind === 'staff') {
        await this.audit.record(manager, now, { actor: caller.user.username, action: 'ticket.check-in', target: `ticket:${ticket.officeCode}/${ticket.serviceDate}/${ticket.number}`, details: { appointment: appointment.code, priority: ticket.priority } });
      }
      return { ticket, express, appointmentCode: appointment.code };
    });
  }

  /**
   * The view of a ticket just issued, from what the caller already holds: its position from the
   * check-in batch, or else one query; the estimate basis and the mode come from their short caches.
   */
  private async freshView({ ticket, position: counted, appointmentCode, express }: CheckedIn): Promise<TicketView> {
    const mode = await this.modes.effectiveForDisplay(ticket.officeCode);
    // A ticket issued one at a time (staff, express, PostgreSQL) has its count read beside the basis.
    const [ahead, basis] = await Promise.all([counted === undefined ? this.ticketsAhead(ticket.id) : undefined, this.estimates.basis(ticket.officeCode, mode.mode)]);
    const position = counted ?? Number(ahead?.ahead ?? 0) + 1;
    return ticketView(ticket, {
      appointmentCode,
      express: express && { request: express, position: await this.expressRequests.positionOf(express) },
      position,
      estimatedWaitMinutes: this.estimates.estimate(position, basis),
    });
  }

  /** A person without an appointment, added by staff: issues a `W` ticket. 202 when its express request is deferred. */
  async walkIn(officeCode: string, input: WalkInDto, user: AuthUser, idempotencyKey?: string): Promise<StoredResponse<TicketView>> {
    const scope = idempotencyKey ? this.idempotency.scope(`POST /offices/${officeCode}/walk-ins`, `user:${user.id}`, idempotencyKey) : null;
    const fingerprint = this.idempotency.fingerprint(input);
    const attempt = () =>
      this.db.write(async (manager) => {
        const now = this.clock.now();
        if (scope) {
          const stored = await this.idempotency.find<TicketView>(manager, scope, fingerprint, now);
          if (stored) return { response: stored, ticket: null };
        }
        const office = await manager.findOneBy(Office, { code: officeCode });
        if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
        const mode = await this.modes.effectiveForWrite(manager, office.code);
        const decision = decideWalkIn(input.express === true, mode);
        if (!decision.allowed) throw new DomainError(decision.code, refusalMessage(decision.code, mode), { retryAfterSeconds: retryAfterSeconds(mode, now) });
        const serviceDate = localDateOf(now, office.timeZone);
        if (decision.express && !(await takeFromQuota(manager, office.code, serviceDate, EXPRESS_QUOTA, office.dailyExpressQuota))) {
          throw new DomainError('EXPRESS_QUOTA_FULL', `Today's express quota at ${office.code} is used up. You can still be served without express.`);
        }
        const ticket = await this.issueTicket(manager, office, now, {
          kind: 'WALK_IN',
          appointmentId: null,
          serviceType: input.serviceType,
          priority: input.priority === true,
          manual: decision.manual,
          slotStartsAt: null,
          expressActive: decision.express === 'ACTIVE',
          applicant: { name: normalizeFullName(input.applicant.fullName), nik: input.applicant.nik, phone: input.applicant.phone },
        });
        if (decision.express) {
          await manager.insert(ExpressRequest, {
            officeCode: office.code,
            serviceDate,
            appointmentId: null,
            ticketId: ticket.id,
            status: decision.express,
            requestedAt: now.toISOString(),
            deferredAt: decision.express === 'DEFERRED' ? now.toISOString() : null,
          });
        }
        await this.audit.record(manager, now, { actor: user.username, action: 'ticket.walk-in', target: `ticket:${office.code}/${serviceDate}/${ticket.number}`, details: { priority: ticket.priority, express: decision.express ?? null } });
        const view = await this.view(ticket, manager);
        const response = { statusCode: decision.express === 'DEFERRED' ? 202 : 201, body: view };
        if (scope) await this.idempotency.remember(manager, scope, fingerprint, response, now);
        return { response, ticket };
      });
    let result;
    try {
      result = await attempt();
    } catch (error) {
      // Same key raced on PostgreSQL: the loser hits the unique scope and finds the winner's response.
      if (scope && uniqueViolation(error)) result = await attempt();
      else throw error;
    }
    if (result.ticket) this.events.changed(officeCode, { type: 'walk-in', ticketNumber: result.ticket.number });
    return result.response;
  }

  private async issueTicket(manager: EntityManager, office: Pick<Office, 'code' | 'timeZone'>, now: Date, facts: TicketFacts): Promise<Ticket> {
    // One upsert both creates the day's counter and takes the next number from it.
    const serviceDate = serviceDateOf(now, office);
    const sequence = await this.sql.get<{ value: number | string }>(NEXT_TICKET_NUMBER, [office.code, serviceDate, sequenceName(facts.kind)], manager);
    const ticket = newTicket(office.code, serviceDate, now, Number(sequence!.value), facts);
    const inserted = await this.sql.run(
      INSERT_TICKET,
      [
        ticket.officeCode,
        ticket.serviceDate,
        ticket.number,
        ticket.kind,
        ticket.appointmentId,
        ticket.serviceType,
        ticket.priority,
        ticket.manual,
        ticket.slotStartsAt,
        ticket.applicantName,
        ticket.applicantNik,
        ticket.applicantPhone,
        ticket.checkedInAt,
        ticket.callKey,
      ],
      manager,
    );
    ticket.id = inserted.lastId;
    return ticket;
  }
}

const CHECK_IN_APPOINTMENT = `
  SELECT a.id, a.code, a.nik, a."officeCode", a."serviceType", a.status, a.manual,
         s.date, s.start, s."end", s."startsAt", s."endsAt", o."timeZone", er.id AS "expressId", er.status AS "expressStatus"
    FROM appointments a
    JOIN slots s ON s.id = a."slotId"
    JOIN offices o ON o.code = a."officeCode"
    LEFT JOIN express_requests er ON er."appointmentId" = a.id
   WHERE a.code = ?`;

/** How many of the day's waiting tickets of the same office are called before ticket `t`. */
const TICKETS_AHEAD = `
  SELECT t.id, (SELECT COUNT(*) FROM tickets w
                 WHERE w."officeCode" = t."officeCode" AND w."serviceDate" = t."serviceDate" AND w.status = 'WAITING' AND w."callKey" < t."callKey") AS ahead
    FROM tickets t`;

const NEXT_TICKET_NUMBER = `
  INSERT INTO daily_sequences ("officeCode", "serviceDate", name, value) VALUES (?, ?, ?, 1)
  ON CONFLICT ("officeCode", "serviceDate", name) DO UPDATE SET value = daily_sequences.value + 1
  RETURNING value`;

const INSERT_TICKET = `
  INSERT INTO tickets ("officeCode", "serviceDate", number, kind, "appointmentId", "serviceType", priority, status, manual,
                       "slotStartsAt", "applicantName", "applicantNik", "applicantPhone", "checkedInAt", "recallCount", "callKey")
  VALUES (?, ?, ?, ?, ?, ?, ?, 'WAITING', ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id`;
