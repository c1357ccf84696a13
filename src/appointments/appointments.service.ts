import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdempotencyService, StoredResponse } from '../common/idempotency.service';
import { rowByKey } from '../database/coalesced-reads';
import { CommittedReads } from '../database/committed-reads';
import { uniqueViolation } from '../database/database-errors';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { Office } from '../offices/office.entity';
import { Slot } from '../offices/slot.entity';
import { syncExpressFlags } from '../queue/call-order-sync';
import { EXPRESS_QUOTA, returnToQuota, takeFromQuota } from '../queue/daily-sequences';
import { Ticket } from '../queue/ticket.entity';
import { TicketsService, TicketView } from '../queue/tickets.service';
import { ExpressRequestsService, ExpressView } from '../service-modes/express-requests.service';
import { decide, ModeDecision } from '../service-modes/service-mode.policy';
import { ServiceMode } from '../service-modes/service-mode.entity';
import { ServiceModesService } from '../service-modes/service-modes.service';
import { maskNik, normalizeFullName } from './applicant.rules';
import { AppointmentCaller, assertMayAct, bookingCodeOr404, lockAppointmentFor } from './appointment-access';
import { ACTIVE_APPOINTMENT_STATUSES_SQL, Appointment } from './appointment.entity';
import { canCancel, canRequestExpress, canReschedule, slotHasStarted } from './appointment.rules';
import { BookedRow, BookingBatcher } from './booking-batcher';
import { generateBookingCode } from './booking-code';
import { activeBookingExists, bookingDecision, modeRefusal, slotFull, slotInPast } from './booking.rules';
import { CreateAppointmentDto } from './dto/appointment.dto';
import { ExpressRequest } from './express-request.entity';

export interface AppointmentView {
  code: string;
  officeCode: string;
  slot: { id: number; date: string; start: string; end: string };
  serviceType: string;
  status: string;
  applicant: { fullName: string; nikMasked: string; phone: string; email: string | null };
  express: ExpressView | null;
  ticket: TicketView | null;
  manual: boolean;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class AppointmentsService {
  /** The look-up row of a booking code (on SQLite, look-ups arriving together share one statement). */
  private readonly lookupRow: (code: string) => Promise<LookupRow | undefined>;

  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly sql: Sql,
    private readonly batcher: BookingBatcher,
    private readonly modes: ServiceModesService,
    private readonly expressRequests: ExpressRequestsService,
    private readonly tickets: TicketsService,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.lookupRow = rowByKey(sql, LOOKUP, 'a.code', (row) => row.code);
  }

  /**
   * Books a seat. Every invariant is held by the database: the seat by a conditional
   * `UPDATE slots SET booked = booked + 1 WHERE booked < capacity`, one active booking per NIK by a
   * partial unique index, the express quota by a conditional UPDATE on the day's counter.
   */
  async book(input: CreateAppointmentDto, idempotencyKey?: string): Promise<StoredResponse<AppointmentView>> {
    // The common case on SQLite goes through the group-committing batcher; it falls back to the
    // one-at-a-time path below when a batch cannot be committed as a whole.
    if (!idempotencyKey && input.express !== true && !this.sql.isPostgres) {
      const booked = await this.batcher.book(input, () => this.bookOneAtATime(input));
      return 'statusCode' in booked ? booked : { statusCode: 201, body: bookedView(booked) };
    }
    return this.bookOneAtATime(input, idempotencyKey);
  }

  private async bookOneAtATime(input: CreateAppointmentDto, idempotencyKey?: string): Promise<StoredResponse<AppointmentView>> {
    const scope = idempotencyKey ? this.idempotency.scope('POST /appointments', `nik:${input.applicant.nik}`, idempotencyKey) : null;
    const fingerprint = this.idempotency.fingerprint(input);
    const attempt = () =>
      this.db.write(async (manager) => {
        const now = this.clock.now();
        if (scope) {
          const stored = await this.idempotency.find<AppointmentView>(manager, scope, fingerprint, now);
          if (stored) return stored;
        }
        // Office and slot in one statement (a missing slot comes back as nulls).
        const target = await this.sql.get<BookingTarget>(BOOKING_TARGET, [input.slotId, input.officeCode], manager);
        const foundOffice = target && ({ code: target.code, timeZone: target.timeZone, dailyExpressQuota: Number(target.dailyExpressQuota) } as Office);
        const foundSlot = target?.slotId == null ? null : ({ id: Number(target.slotId), date: target.date, start: target.start, end: target.end, startsAt: target.startsAt } as Slot);
        const [mode, activeBooking] = await Promise.all([
          this.modes.effectiveForWrite(manager, input.officeCode),
          this.sql.get(ACTIVE_BOOKING_OF_NIK, [input.applicant.nik], manager),
        ]);
        const decision = bookingDecision(now, mode, {
          officeCode: input.officeCode,
          slotId: input.slotId,
          office: foundOffice ?? null,
          slot: foundSlot,
          wantsExpress: input.express === true,
          hasActiveBooking: activeBooking !== undefined,
        });
        if ('error' in decision) throw decision.error;
        const { office, slot } = decision;
        await this.takeSeat(manager, slot.id);

        // A clash with an existing code hits the unique index; the retry below draws another.
        const appointment: Appointment = {
          id: 0,
          code: generateBookingCode(),
          officeCode: office.code,
          slotId: slot.id,
          serviceType: input.serviceType,
          status: 'BOOKED',
          nik: input.applicant.nik,
          fullName: normalizeFullName(input.applicant.fullName),
          phone: input.applicant.phone,
          email: input.applicant.email ?? null,
          manual: decision.manual,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        };
        appointment.id = (
          await this.sql.run(
            INSERT_APPOINTMENT,
            [appointment.code, appointment.officeCode, appointment.slotId, appointment.serviceType, appointment.nik, appointment.fullName, appointment.phone, appointment.email, appointment.manual, appointment.createdAt, appointment.updatedAt],
            manager,
          )
        ).lastId;
        let express: ExpressRequest | null = null;
        if (decision.express) express = await this.addExpress(manager, office, slot.date, appointment.id, decision.express, now);

        const response = { statusCode: express?.status === 'DEFERRED' ? 202 : 201, body: await this.viewWith(manager, appointment, slot, express, null) };
        if (scope) await this.idempotency.remember(manager, scope, fingerprint, response, now);
        return response;
      });
    try {
      return await attempt();
    } catch (error) {
      const violated = uniqueViolation(error);
      if (!violated) throw error;
      // PostgreSQL, where concurrent transactions meet at the unique indexes. One more attempt sees
      // what the other committed: it replays that response (same key), refuses the NIK that booked
      // meanwhile, or draws another code after two new codes clashed.
      if (scope || !/nik/i.test(violated)) return attempt();
      throw activeBookingExists();
    }
  }

  /** The look-up: one statement for the appointment, its slot, express request and ticket. */
  async find(code: string, caller: AppointmentCaller): Promise<AppointmentView> {
    const row = assertMayAct(await this.lookupRow(bookingCodeOr404(code)), caller);
    const appointment: Appointment = { ...row, id: Number(row.id), slotId: Number(row.slotId), manual: Boolean(row.manual) };
    const slot = { id: appointment.slotId, date: row.slotDate, start: row.slotStart, end: row.slotEnd } as Slot;
    const express =
      row.expressId === null
        ? null
        : ({ id: Number(row.expressId), officeCode: appointment.officeCode, status: row.expressStatus, requestedAt: row.expressRequestedAt, releasedAt: row.expressReleasedAt } as ExpressRequest);
    const ticket = row.ticketId === null ? null : await this.reads.manager.findOneBy(Ticket, { id: Number(row.ticketId) });
    return this.viewWith(this.reads.manager, appointment, slot, express, ticket);
  }

  /** Moves the seat to another slot of the same office, atomically: never two seats, never none. */
  async reschedule(code: string, slotId: number, caller: AppointmentCaller): Promise<AppointmentView> {
    const appointment = await this.db.write(async (manager) => {
      const appointment = await lockAppointmentFor(this.db, manager, code, caller);
      const now = this.clock.now();
      const mode = await this.modes.effectiveForWrite(manager, appointment.officeCode);
      this.refuseUnlessAllowed(decide('RESCHEDULE', mode), mode, now);
      if (!canReschedule(appointment.status)) throw this.invalidState(appointment, 'rescheduled');
      const target = await manager.findOneBy(Slot, { id: slotId, officeCode: appointment.officeCode });
      if (!target) throw new DomainError('SLOT_NOT_FOUND', `Office ${appointment.officeCode} has no slot ${slotId}.`);
      if (target.id === appointment.slotId) return appointment;
      if (slotHasStarted(now, target)) throw slotInPast();
      // Both seat changes commit together (a refused take rolls the free back). They run in slot-id
      // order so two moves crossing between the same slots never wait on each other's row (a deadlock).
      const take = () => this.takeSeat(manager, target.id);
      const free = () => this.freeSeat(manager, appointment.slotId);
      for (const step of target.id < appointment.slotId ? [take, free] : [free, take]) await step();
      const moved = await manager.update(Appointment, { id: appointment.id, status: 'BOOKED', slotId: appointment.slotId }, { slotId: target.id, updatedAt: now.toISOString() });
      if (moved.affected !== 1) throw new DomainError('INVALID_STATE', 'This appointment changed meanwhile. Reload and try again.');
      await this.moveExpressPlace(manager, appointment, target.date);
      if (caller.kind === 'staff') await this.audit.record(manager, now, { actor: caller.user.username, action: 'appointment.reschedule', target: `appointment:${appointment.code}`, details: { from: appointment.slotId, to: target.id } });
      return { ...appointment, slotId: target.id, updatedAt: now.toISOString() };
    });
    return this.view(appointment);
  }

  /** Cancels a BOOKED appointment: its seat is free at once and its express request is cancelled. */
  async cancel(code: string, caller: AppointmentCaller): Promise<AppointmentView> {
    const appointment = await this.db.write(async (manager) => {
      const appointment = await lockAppointmentFor(this.db, manager, code, caller);
      if (!canCancel(appointment.status)) throw this.invalidState(appointment, 'cancelled');
      const now = this.clock.now();
      const cancelled = await manager.update(Appointment, { id: appointment.id, status: 'BOOKED' }, { status: 'CANCELLED', updatedAt: now.toISOString() });
      if (cancelled.affected !== 1) throw new DomainError('INVALID_STATE', 'This appointment changed meanwhile. Reload and try again.');
      await this.freeSeat(manager, appointment.slotId);
      const express = await manager.findOneBy(ExpressRequest, { appointmentId: appointment.id });
      if (express && express.status !== 'CANCELLED') {
        await manager.update(ExpressRequest, { id: express.id }, { status: 'CANCELLED', cancelledAt: now.toISOString() });
        await returnToQuota(manager, express.officeCode, express.serviceDate, EXPRESS_QUOTA);
      }
      if (caller.kind === 'staff') await this.audit.record(manager, now, { actor: caller.user.username, action: 'appointment.cancel', target: `appointment:${appointment.code}`, details: {} });
      return { ...appointment, status: 'CANCELLED' as const, updatedAt: now.toISOString() };
    });
    return this.view(appointment);
  }

  /** Asks for same-day processing on an existing appointment. 201 ACTIVE, 202 DEFERRED. */
  async requestExpress(code: string, caller: AppointmentCaller): Promise<StoredResponse<AppointmentView>> {
    const work = this.db.write(async (manager) => {
      const appointment = await lockAppointmentFor(this.db, manager, code, caller);
      const now = this.clock.now();
      const office = await manager.findOneByOrFail(Office, { code: appointment.officeCode });
      const mode = await this.modes.effectiveForWrite(manager, office.code);
      if (await manager.existsBy(ExpressRequest, { appointmentId: appointment.id })) throw this.expressAlreadyRequested();
      if (!canRequestExpress(appointment.status)) throw this.invalidState(appointment, 'given express processing');
      const decision = decide('EXPRESS', mode);
      this.refuseUnlessAllowed(decision, mode, now);
      const slot = await manager.findOneByOrFail(Slot, { id: appointment.slotId });
      const express = await this.addExpress(manager, office, slot.date, appointment.id, decision.allowed ? decision.express! : 'ACTIVE', now);
      const ticket = await manager.findOneBy(Ticket, { appointmentId: appointment.id });
      if (ticket) {
        await manager.update(ExpressRequest, { id: express.id }, { ticketId: ticket.id });
        await syncExpressFlags(manager, [office.code]);
      }
      return { appointment, status: express.status === 'DEFERRED' ? 202 : 201 };
    });
    const result = await work.catch((error: unknown) => {
      // PostgreSQL: two requests for one appointment both passed the check; the unique appointmentId refused the later.
      if (uniqueViolation(error)) throw this.expressAlreadyRequested();
      throw error;
    });
    return { statusCode: result.status, body: await this.view(result.appointment) };
  }

  async view(appointment: Appointment, manager: EntityManager = this.reads.manager): Promise<AppointmentView> {
    const [slot, express, ticket] = await Promise.all([
      manager.findOneByOrFail(Slot, { id: appointment.slotId }),
      manager.findOneBy(ExpressRequest, { appointmentId: appointment.id }),
      manager.findOneBy(Ticket, { appointmentId: appointment.id }),
    ]);
    return this.viewWith(manager, appointment, slot, express, ticket);
  }

  private async viewWith(manager: EntityManager, appointment: Appointment, slot: Slot, express: ExpressRequest | null, ticket: Ticket | null): Promise<AppointmentView> {
    return {
      code: appointment.code,
      officeCode: appointment.officeCode,
      slot: { id: slot.id, date: slot.date, start: slot.start, end: slot.end },
      serviceType: appointment.serviceType,
      status: appointment.status,
      applicant: { fullName: appointment.fullName, nikMasked: maskNik(appointment.nik), phone: appointment.phone, email: appointment.email },
      express: await this.expressRequests.viewOf(express, manager),
      ticket: ticket ? await this.tickets.view(ticket, manager) : null,
      manual: appointment.manual,
      createdAt: appointment.createdAt,
      updatedAt: appointment.updatedAt,
    };
  }

  private refuseUnlessAllowed(decision: ModeDecision, mode: ServiceMode, now: Date): void {
    if (!decision.allowed) throw modeRefusal(decision, mode, now);
  }

  private expressAlreadyRequested(): DomainError {
    return new DomainError('EXPRESS_ALREADY_REQUESTED', 'Express processing was already requested for this appointment.');
  }

  private invalidState(appointment: Appointment, verb: string): DomainError {
    return new DomainError('INVALID_STATE', `This appointment is ${appointment.status} and cannot be ${verb}.`);
  }

  /** The seat invariant, in one statement: the row changes only while a seat is left. */
  private async takeSeat(manager: EntityManager, slotId: number): Promise<void> {
    const taken = await this.sql.run('UPDATE slots SET booked = booked + 1 WHERE id = ? AND booked < capacity', [slotId], manager);
    if (taken.changes !== 1) throw slotFull();
  }

  private async freeSeat(manager: EntityManager, slotId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Slot)
      .set({ booked: () => 'booked - 1' })
      .where({ id: slotId })
      .andWhere('booked > 0')
      .execute();
  }

  private async takeExpressPlace(manager: EntityManager, office: Office, serviceDate: string): Promise<void> {
    if (!(await takeFromQuota(manager, office.code, serviceDate, EXPRESS_QUOTA, office.dailyExpressQuota))) {
      throw new DomainError('EXPRESS_QUOTA_FULL', `The express quota of ${office.code} for ${serviceDate} is used up. You can still keep a regular appointment.`);
    }
  }

  /**
   * The express quota counts per service day, so a request that moves to another day takes a place
   * in that day's quota (or the move is refused) and gives its old day's place back.
   */
  private async moveExpressPlace(manager: EntityManager, appointment: Appointment, serviceDate: string): Promise<void> {
    const express = await manager.findOneBy(ExpressRequest, { appointmentId: appointment.id });
    if (!express || express.serviceDate === serviceDate) return;
    if (express.status !== 'CANCELLED') {
      const office = await manager.findOneByOrFail(Office, { code: appointment.officeCode });
      const take = () => this.takeExpressPlace(manager, office, serviceDate);
      const give = () => returnToQuota(manager, express.officeCode, express.serviceDate, EXPRESS_QUOTA);
      // in date order, for the same reason as the seats
      for (const step of serviceDate < express.serviceDate ? [take, give] : [give, take]) await step();
    }
    await manager.update(ExpressRequest, { id: express.id }, { serviceDate });
  }

  private async addExpress(manager: EntityManager, office: Office, serviceDate: string, appointmentId: number, status: 'ACTIVE' | 'DEFERRED', now: Date): Promise<ExpressRequest> {
    await this.takeExpressPlace(manager, office, serviceDate);
    const request = manager.create(ExpressRequest, {
      officeCode: office.code,
      serviceDate,
      appointmentId,
      ticketId: null,
      status,
      requestedAt: now.toISOString(),
      deferredAt: status === 'DEFERRED' ? now.toISOString() : null,
      releasedAt: null,
      cancelledAt: null,
      fulfilledAt: null,
    });
    await manager.insert(ExpressRequest, request);
    return request;
  }
}

/** The view of an appointment just booked: no express request, no ticket yet. */
export function bookedView(row: BookedRow): AppointmentView {
  return {
    code: row.code,
    officeCode: row.officeCode,
    slot: row.slot,
    serviceType: row.serviceType,
    status: 'BOOKED',
    applicant: { fullName: row.fullName, nikMasked: maskNik(row.nik), phone: row.phone, email: row.email },
    express: null,
    ticket: null,
    manual: row.manual,
    createdAt: row.createdAt,
    updatedAt: row.createdAt,
  };
}

// Hand-written statements of the hot paths (see database/sql.ts); identifiers quoted for PostgreSQL.

interface BookingTarget {
  code: string;
  timeZone: string;
  dailyExpressQuota: number | string;
  slotId: number | string | null;
  date: string;
  start: string;
  end: string;
  startsAt: string;
}

const BOOKING_TARGET = `
  SELECT o.code, o."timeZone", o."dailyExpressQuota", s.id AS "slotId", s.date, s.start, s."end", s."startsAt"
    FROM offices o LEFT JOIN slots s ON s.id = ? AND s."officeCode" = o.code
   WHERE o.code = ?`;

const ACTIVE_BOOKING_OF_NIK = `SELECT 1 AS found FROM appointments WHERE nik = ? AND status IN (${ACTIVE_APPOINTMENT_STATUSES_SQL}) LIMIT 1`;

const INSERT_APPOINTMENT = `
  INSERT INTO appointments (code, "officeCode", "slotId", "serviceType", status, nik, "fullName", phone, email, manual, "createdAt", "updatedAt")
  VALUES (?, ?, ?, ?, 'BOOKED', ?, ?, ?, ?, ?, ?, ?) RETURNING id`;

interface LookupRow extends Omit<Appointment, 'manual'> {
  manual: boolean | number;
  slotDate: string;
  slotStart: string;
  slotEnd: string;
  expressId: number | null;
  expressStatus: ExpressRequest['status'];
  expressRequestedAt: string;
  expressReleasedAt: string | null;
  ticketId: number | null;
}

const LOOKUP = `
  SELECT a.id, a.code, a."officeCode", a."slotId", a."serviceType", a.status, a.nik, a."fullName", a.phone, a.email, a.manual,
         a."createdAt", a."updatedAt", s.date AS "slotDate", s.start AS "slotStart", s."end" AS "slotEnd",
         er.id AS "expressId", er.status AS "expressStatus", er."requestedAt" AS "expressRequestedAt", er."releasedAt" AS "expressReleasedAt",
         t.id AS "ticketId"
    FROM appointments a
    JOIN slots s ON s.id = a."slotId"
    LEFT JOIN express_requests er ON er."appointmentId" = a.id
    LEFT JOIN tickets t ON t."appointmentId" = a.id`;
