import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { assertMayAct } from '../appointments/appointment-access';
import type { AppointmentStatus } from '../appointments/appointment.entity';
import type { ExpressRequest } from '../appointments/express-request.entity';
import { Clock } from '../common/clock';
import { Decision, GroupCommit } from '../database/group-commit';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import type { ServiceMode } from '../service-modes/service-mode.entity';
import { checkInDecision, CheckInSlot } from './check-in.rules';
import { newTicket, serviceDateOf } from './new-ticket';
import type { Ticket } from './ticket.entity';

export interface KioskCheckIn {
  /** Canonical booking code. */
  code: string;
  nik: string;
}

export interface CheckedIn {
  ticket: Ticket;
  appointmentCode: string;
  /** The appointment's express request, now linked to the ticket (never in a batch: those go alone). */
  express: ExpressRequest | null;
}

interface CheckInRow extends CheckInSlot {
  id: number;
  code: string;
  nik: string;
  officeCode: string;
  serviceType: Ticket['serviceType'];
  status: AppointmentStatus;
  manual: number;
  timeZone: string;
  expressId: number | null;
}

interface BatchRead {
  rows: CheckInRow[];
  modes: ServiceMode[];
}

/**
 * Group commit for kiosk check-ins on SQLite (see GroupCommit): per batch one read of the
 * appointments, one of the modes, one UPDATE of the appointments, one upsert of the day's ticket
 * numbers and one INSERT of the tickets, instead of eight statements per check-in. An appointment
 * with an express request goes alone (its request is linked to the ticket on the ordinary path).
 * The database still holds the invariants: a status change only from BOOKED, one ticket per
 * appointment and one number per office and day (unique indexes).
 */
@Injectable()
export class CheckInBatcher {
  private readonly group: GroupCommit<KioskCheckIn, CheckedIn, BatchRead>;

  constructor(
    db: TransactionRunner,
    private readonly sql: Sql,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.group = new GroupCommit(db, (manager, inputs, read) => this.decideAndWrite(manager, inputs, read), { read: (manager, inputs) => this.read(manager, inputs) });
  }

  get stats() {
    return this.group.stats;
  }

  checkIn<R>(input: KioskCheckIn, alone: () => Promise<R>): Promise<CheckedIn | R> {
    return this.group.submit(input, alone);
  }

  /** What a batch's decisions rest on: the appointments with their slots, and the modes. */
  private async read(manager: EntityManager, inputs: KioskCheckIn[]): Promise<BatchRead> {
    const [rows, modes] = await Promise.all([
      this.sql.all<CheckInRow>(CHECK_IN_ROWS, [JSON.stringify([...new Set(inputs.map((i) => i.code))])], manager),
      this.sql.all<ServiceMode>(`SELECT scope, mode, "expressPolicy", "bookingPolicy", message, "expectedRecoveryAt" FROM service_modes`, [], manager),
    ]);
    return { rows, modes };
  }

  private async decideAndWrite(manager: EntityManager, inputs: KioskCheckIn[], { rows, modes }: BatchRead): Promise<Array<Decision<CheckedIn>>> {
    const now = this.clock.now();
    const at = now.toISOString();
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const global = modes.find((m) => m.scope === 'global')!;
    /** Status as this batch leaves it, so the same code twice is refused the second time. */
    const statusNow = new Map(rows.map((r) => [r.code, r.status]));
    const accepted: Array<{ index: number; row: CheckInRow; manual: boolean }> = [];

    const decisions = inputs.map((input, index): Decision<CheckedIn> => {
      let row: CheckInRow;
      try {
        row = assertMayAct(byCode.get(input.code), { kind: 'citizen', nik: input.nik });
      } catch (error) {
        return { error };
      }
      if (row.expressId !== null) return { alone: true };
      const mode = modes.find((m) => m.scope === row.officeCode) ?? global;
      const decision = checkInDecision(now, mode, { status: statusNow.get(row.code)!, manual: Boolean(row.manual), slot: row }, this.config.checkIn.opensMinutesBefore);
      if ('error' in decision) return { error: decision.error };
      statusNow.set(row.code, 'CHECKED_IN');
      accepted.push({ index, row, manual: decision.manual });
      return { alone: true }; // until its ticket is written below
    });
    if (accepted.length === 0) return decisions;

    const moved = await this.sql.run(
      `UPDATE appointments SET status = 'CHECKED_IN', "updatedAt" = ? WHERE status = 'BOOKED' AND id IN (SELECT value FROM json_each(?))`,
      [at, JSON.stringify(accepted.map((a) => a.row.id))],
      manager,
    );
    if (moved.changes !== accepted.length) throw new Error('appointments changed under the check-in batch');

    // Ticket numbers: each office-day's `A` sequence moves on by its number of check-ins at once.
    const days = new Map<string, { officeCode: string; serviceDate: string; count: number; next: number }>();
    const dateIn = new Map<string, string>();
    const dayKeys = accepted.map(({ row }) => {
      let serviceDate = dateIn.get(row.timeZone);
      if (!serviceDate) dateIn.set(row.timeZone, (serviceDate = serviceDateOf(now, row)));
      const key = `${row.officeCode}/${serviceDate}`;
      const day = days.get(key) ?? { officeCode: row.officeCode, serviceDate, count: 0, next: 0 };
      day.count += 1;
      days.set(key, day);
      return key;
    });
    const sequences = await this.sql.all<{ officeCode: string; serviceDate: string; value: number }>(
      NEXT_TICKET_NUMBERS,
      [JSON.stringify([...days.values()].map(({ officeCode, serviceDate, count }) => ({ officeCode, serviceDate, count })))],
      manager,
    );
    for (const s of sequences) {
      const day = days.get(`${s.officeCode}/${s.serviceDate}`)!;
      day.next = Number(s.value) - day.count + 1;
    }

    const tickets = accepted.map(({ row, manual }, i) => {
      const day = days.get(dayKeys[i])!;
      return newTicket(row.officeCode, day.serviceDate, now, day.next++, {
        ...APPOINTMENT_FACTS,
        appointmentId: Number(row.id),
        serviceType: row.serviceType,
        manual,
        slotStartsAt: row.startsAt,
      });
    });
    const ids = await this.sql.all<{ id: number; appointmentId: number }>(
      INSERT_TICKETS,
      [JSON.stringify(tickets.map((t) => ({ ...t, priority: t.priority ? 1 : 0, manual: t.manual ? 1 : 0 })))],
      manager,
    );
    if (ids.length !== tickets.length) throw new Error('tickets missing from the check-in batch');
    const idByAppointment = new Map(ids.map((r) => [Number(r.appointmentId), Number(r.id)]));
    accepted.forEach(({ index, row }, i) => {
      const ticket = tickets[i];
      ticket.id = idByAppointment.get(ticket.appointmentId!)!;
      decisions[index] = { value: { ticket, appointmentCode: row.code, express: null } };
    });
    return decisions;
  }
}

/** A kiosk check-in's ticket: never priority (staff only), never express (those go alone). */
const APPOINTMENT_FACTS = { kind: 'APPOINTMENT', appointmentId: null, serviceType: 'NEW', priority: false, manual: false, slotStartsAt: null, expressActive: false } as const;

const CHECK_IN_ROWS = `
  SELECT a.id, a.code, a.nik, a."officeCode", a."serviceType", a.status, a.manual,
         s.date, s.start, s."end", s."startsAt", s."endsAt", o."timeZone", er.id AS "expressId"
    FROM appointments a
    JOIN slots s ON s.id = a."slotId"
    JOIN offices o ON o.code = a."officeCode"
    LEFT JOIN express_requests er ON er."appointmentId" = a.id
   WHERE a.code IN (SELECT value FROM json_each(?))`;

// `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
const NEXT_TICKET_NUMBERS = `
  INSERT INTO daily_sequences ("officeCode", "serviceDate", name, value)
  SELECT json_extract(value, '$.officeCode'), json_extract(value, '$.serviceDate'), 'A', json_extract(value, '$.count') FROM json_each(?) WHERE true
  ON CONFLICT ("officeCode", "serviceDate", name) DO UPDATE SET value = daily_sequences.value + excluded.value
  RETURNING "officeCode", "serviceDate", value`;

const INSERT_TICKETS = `
  INSERT INTO tickets ("officeCode", "serviceDate", number, kind, "appointmentId", "serviceType", priority, status, manual,
                       "slotStartsAt", "checkedInAt", "recallCount", "callKey")
  SELECT json_extract(value, '$.officeCode'), json_extract(value, '$.serviceDate'), json_extract(value, '$.number'), json_extract(value, '$.kind'),
         json_extract(value, '$.appointmentId'), json_extract(value, '$.serviceType'), json_extract(value, '$.priority'), 'WAITING',
         json_extract(value, '$.manual'), json_extract(value, '$.slotStartsAt'), json_extract(value, '$.checkedInAt'), 0, json_extract(value, '$.callKey')
    FROM json_each(?)
  RETURNING id, "appointmentId"`;
