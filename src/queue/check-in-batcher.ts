import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { assertMayAct } from '../appointments/appointment-access';
import type { ExpressRequest } from '../appointments/express-request.entity';
import { Clock } from '../common/clock';
import { BatchPlan, Decision, GroupCommit } from '../database/group-commit';
import { expectChanges, inlineParams, insertValues, Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { SERVICE_MODES_JSON, ServiceMode } from '../service-modes/service-mode.entity';
import { CheckInAppointment, checkInDecision } from './check-in.rules';
import { newTicket, serviceDateOf } from './new-ticket';
import { callKeyBoundAroundSlot, positionsOfNewTickets } from './queue.rules';
import type { Ticket } from './ticket.entity';

export interface KioskCheckIn {
  /** Canonical booking code. */
  code: string;
  nik: string;
}

export interface CheckedIn {
  ticket: Ticket;
  /** The ticket's place in the queue, when the batch counted it; undefined when the caller has to count it. */
  position?: number;
  appointmentCode: string;
  /** The appointment's express request, now linked to the ticket (never in a batch: those go alone). */
  express: ExpressRequest | null;
}

interface CheckInRow extends CheckInAppointment {
  /** The office's `A` ticket numbers around today: service date → last number given. */
  sequences: Record<string, number> | null;
  /**
   * The office's queues around today: service date → the waiting tickets that sort before a kiosk
   * ticket of this appointment's slot issued at the batch's moment. A date with no kept count is absent (none waiting).
   */
  ahead: Record<string, number> | null;
}

interface BatchRead {
  /** The moment the batch checks in at: its tickets' check-in time. */
  now: Date;
  rows: CheckInRow[];
  modes: ServiceMode[];
  /** The highest ticket id given so far: the batch's tickets take the ids after it. */
  lastTicketId: number;
}

/**
 * Group commit for kiosk check-ins on SQLite (see GroupCommit): per batch one read (the
 * appointments with their office's last ticket numbers, the modes, the last ticket id), then one
 * script: an UPDATE of the appointments, an upsert of the day's ticket numbers and an INSERT of the
 * tickets, instead of eight statements per check-in. Numbers and ids are worked out
 * from the reads, which no other writer can overtake (the write queue runs one job at a time). An
 * appointment with an express request goes alone (its request is linked to the ticket on the
 * ordinary path).
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
    this.group = new GroupCommit(db, { read: (manager, inputs) => this.read(manager, inputs), plan: (inputs, read) => this.plan(inputs, read) });
  }

  get stats() {
    return this.group.stats;
  }

  checkIn<R>(input: KioskCheckIn, alone: () => Promise<R>): Promise<CheckedIn | R> {
    return this.group.submit(input, alone);
  }

  /**
   * What a batch's decisions rest on: the appointments with their slots, ticket numbers and the
   * tickets waiting ahead, the modes, the last ticket id. One statement, as each trip through the
   * thread pool waits its turn.
   */
  private async read(manager: EntityManager, inputs: KioskCheckIn[]): Promise<BatchRead> {
    const now = this.clock.now();
    // Whatever its time zone, an office's service date is within a day of the UTC date.
    const utcDate = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const bound = callKeyBoundAroundSlot({ ...APPOINTMENT_FACTS, checkedInAt: now.toISOString() });
    const read = await this.sql.get<{ rows: string; modes: string; lastId: number }>(
      CHECK_IN_READ,
      [JSON.stringify([...new Set(inputs.map((i) => i.code))]), utcDate(-1), utcDate(1), bound.before, bound.after],
      manager,
    );
    return { now, rows: JSON.parse(read!.rows) as CheckInRow[], modes: JSON.parse(read!.modes) as ServiceMode[], lastTicketId: Number(read!.lastId) };
  }

  private plan(inputs: KioskCheckIn[], { now, rows, modes, lastTicketId }: BatchRead): BatchPlan<CheckedIn> {
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
    if (accepted.length === 0) return { decisions, script: [] };

    // Ticket numbers: each office-day's `A` sequence moves on by its number of check-ins at once.
    const days = new Map<string, { officeCode: string; serviceDate: string; count: number; next: number }>();
    const dateIn = new Map<string, string>();
    let nextId = lastTicketId + 1;
    const tickets = accepted.map(({ row, manual }) => {
      let serviceDate = dateIn.get(row.timeZone);
      if (!serviceDate) dateIn.set(row.timeZone, (serviceDate = serviceDateOf(now, row)));
      const key = `${row.officeCode}/${serviceDate}`;
      let day = days.get(key);
      if (!day) {
        const lastNumber = Number(row.sequences?.[serviceDate] ?? 0);
        days.set(key, (day = { officeCode: row.officeCode, serviceDate, count: 0, next: lastNumber + 1 }));
      }
      day.count += 1;
      const ticket = newTicket(row.officeCode, serviceDate, now, day.next++, {
        ...APPOINTMENT_FACTS,
        appointmentId: Number(row.id),
        serviceType: row.serviceType,
        manual,
        slotStartsAt: row.startsAt,
      });
      ticket.id = nextId++;
      return ticket;
    });
    // Counted by the read, before any of this batch's tickets was written; positionsOfNewTickets adds the batch's own ahead.
    const waitingAhead = new Map(tickets.map((ticket, i) => [ticket, Number(accepted[i].row.ahead?.[ticket.serviceDate] ?? 0)]));
    const positions = positionsOfNewTickets(tickets, (ticket) => waitingAhead.get(ticket)!);
    accepted.forEach(({ index, row }, i) => {
      decisions[index] = { value: { ticket: tickets[i], position: positions[i], appointmentCode: row.code, express: null } };
    });

    const advances = [...days.values()].map(({ officeCode, serviceDate, count }) => [officeCode, serviceDate, 'A', count]);
    return {
      decisions,
      script: [
        inlineParams(MARK_CHECKED_IN, [at, JSON.stringify(accepted.map((a) => a.row.id))]),
        expectChanges(accepted.length),
        `${insertValues('daily_sequences', ['officeCode', 'serviceDate', 'name', 'value'], advances)} ${ADVANCE_ON_CONFLICT}`,
        expectChanges(days.size),
        insertValues('tickets', TICKET_COLUMNS, tickets.map((ticket) => TICKET_COLUMNS.map((column) => ticket[column]))),
        expectChanges(tickets.length),
      ],
    };
  }
}

/** A kiosk check-in's ticket: never priority (staff only), never express (those go alone). */
const APPOINTMENT_FACTS = { kind: 'APPOINTMENT', appointmentId: null, serviceType: 'NEW', priority: false, manual: false, slotStartsAt: null, expressActive: false } as const;

/**
 * One row: the appointments of ?1 (the booking codes, a JSON array) with their slot, time zone and
 * express request, and for their office from service date ?2 to ?3 the ticket numbers given and the
 * tickets waiting ahead of a kiosk ticket of the slot issued now; the modes; and the ids tickets took
 * so far (AUTOINCREMENT's record, or the largest id where that is behind). Those ahead are the kept
 * waiting count less the few that sort at or after the bound `?4 || slot start || ?5` (a kiosk
 * arrival joins near the back, so that walk of the queue index is short).
 */
const CHECK_IN_READ = `
  SELECT (SELECT json_group_array(json_object(
            'id', a.id, 'code', a.code, 'nik', a.nik, 'officeCode', a."officeCode", 'serviceType', a."serviceType", 'status', a.status, 'manual', a.manual,
            'date', s.date, 'start', s.start, 'end', s."end", 'startsAt', s."startsAt", 'endsAt', s."endsAt", 'timeZone', o."timeZone",
            'expressId', er.id, 'expressStatus', er.status,
            'sequences', json((SELECT json_group_object(d."serviceDate", d.value) FROM daily_sequences d
                                WHERE d."officeCode" = a."officeCode" AND d."serviceDate" BETWEEN ?2 AND ?3 AND d.name = 'A')),
            'ahead', json((SELECT json_group_object(c."serviceDate", c.waiting - (
                             SELECT COUNT(*) FROM tickets w
                              WHERE w."officeCode" = c."officeCode" AND w."serviceDate" = c."serviceDate" AND w.status = 'WAITING'
                                AND w."callKey" >= ?4 || s."startsAt" || ?5))
                             FROM waiting_counts c WHERE c."officeCode" = a."officeCode" AND c."serviceDate" BETWEEN ?2 AND ?3))))
            FROM appointments a
            JOIN slots s ON s.id = a."slotId"
            JOIN offices o ON o.code = a."officeCode"
            LEFT JOIN express_requests er ON er."appointmentId" = a.id
           WHERE a.code IN (SELECT value FROM json_each(?1))) AS rows,
         ${SERVICE_MODES_JSON} AS modes,
         max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), 0), coalesce((SELECT max(id) FROM tickets), 0)) AS "lastId"`;

const MARK_CHECKED_IN = `UPDATE appointments SET status = 'CHECKED_IN', "updatedAt" = ? WHERE status = 'BOOKED' AND id IN (SELECT value FROM json_each(?))`;

/** The day's `A` numbers move on by the batch's check-ins (rows inserted before this clause). */
const ADVANCE_ON_CONFLICT = `ON CONFLICT ("officeCode", "serviceDate", name) DO UPDATE SET value = daily_sequences.value + excluded.value`;

/** What the batch writes of each new ticket; the other columns keep their defaults (all empty). */
const TICKET_COLUMNS = [
  'id', 'officeCode', 'serviceDate', 'number', 'kind', 'appointmentId', 'serviceType', 'priority', 'status', 'manual', 'slotStartsAt', 'checkedInAt', 'recallCount', 'callKey',
] as const satisfies ReadonlyArray<keyof Ticket>;
