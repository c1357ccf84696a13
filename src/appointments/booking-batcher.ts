import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { BatchPlan, Decision, GroupCommit } from '../database/group-commit';
import { expectChanges, inlineParams, insertValues, Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { SERVICE_MODES_JSON, ServiceMode } from '../service-modes/service-mode.entity';
import { normalizeFullName } from './applicant.rules';
import { ACTIVE_APPOINTMENT_STATUSES_SQL } from './appointment.entity';
import { generateBookingCode } from './booking-code';
import { bookingDecision, slotFull } from './booking.rules';
import { CreateAppointmentDto } from './dto/appointment.dto';

/** What a booked appointment's view is built from (see `bookedView` in appointments.service.ts). */
export interface BookedRow {
  code: string;
  officeCode: string;
  slot: { id: number; date: string; start: string; end: string };
  serviceType: string;
  fullName: string;
  nik: string;
  phone: string;
  email: string | null;
  manual: boolean;
  createdAt: string;
}

interface SlotRow {
  id: number;
  officeCode: string;
  date: string;
  start: string;
  end: string;
  startsAt: string;
  capacity: number;
  booked: number;
}

interface BatchRead {
  /** The batch's office codes that exist. */
  offices: string[];
  slots: SlotRow[];
  modes: ServiceMode[];
  /** The batch's NIKs that already hold an active booking. */
  active: string[];
}

/**
 * Group commit for plain bookings on SQLite (no express, no Idempotency-Key): one read,
 * one UPDATE of the seats and one INSERT … SELECT of all appointments per batch, instead of six
 * statements per booking (see GroupCommit). The database still refuses an overbooked slot (CHECK)
 * and a second active booking per NIK (unique index).
 */
@Injectable()
export class BookingBatcher {
  private readonly group: GroupCommit<CreateAppointmentDto, BookedRow, BatchRead>;

  constructor(
    db: TransactionRunner,
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {
    this.group = new GroupCommit(db, { read: (manager, inputs) => this.read(manager, inputs), plan: (inputs, read) => this.plan(inputs, read) });
  }

  /** Batches written since start, bookings decided in them, and bookings that went one at a time. */
  get stats() {
    return this.group.stats;
  }

  /** Books through the next batch; `alone` (the one-at-a-time path) answers when the batch cannot. */
  book<R>(input: CreateAppointmentDto, alone: () => Promise<R>): Promise<BookedRow | R> {
    return this.group.submit(input, alone);
  }

  /** What a batch's decisions rest on, in one statement, as each trip through the thread pool waits its turn. */
  private async read(manager: EntityManager, inputs: CreateAppointmentDto[]) {
    const json = (values: unknown[]) => JSON.stringify([...new Set(values)]);
    const read = await this.sql.get<Record<keyof BatchRead, string>>(
      BOOKING_READ,
      [json(inputs.map((i) => i.officeCode)), json(inputs.map((i) => i.slotId)), json(inputs.map((i) => i.applicant.nik))],
      manager,
    );
    return {
      offices: JSON.parse(read!.offices) as string[],
      slots: JSON.parse(read!.slots) as SlotRow[],
      modes: JSON.parse(read!.modes) as ServiceMode[],
      active: JSON.parse(read!.active) as string[],
    };
  }

  private plan(inputs: CreateAppointmentDto[], read: BatchRead): BatchPlan<BookedRow> {
    const now = this.clock.now();
    const { offices, slots, modes, active } = read;
    const officeCodes = new Set(offices);
    const slotById = new Map(slots.map((s) => [Number(s.id), s]));
    const seatsLeft = new Map(slots.map((s) => [Number(s.id), Number(s.capacity) - Number(s.booked)]));
    const taken = new Map<number, number>();
    const activeNiks = new Set(active);
    const global = modes.find((m) => m.scope === 'global')!;
    const at = now.toISOString();

    const outcomes = inputs.map((input): Decision<BookedRow> => {
      const found = slotById.get(input.slotId);
      const decision = bookingDecision(now, modes.find((m) => m.scope === input.officeCode) ?? global, {
        officeCode: input.officeCode,
        slotId: input.slotId,
        office: officeCodes.has(input.officeCode) ? input.officeCode : null,
        slot: found?.officeCode === input.officeCode ? found : null,
        wantsExpress: false,
        hasActiveBooking: activeNiks.has(input.applicant.nik),
      });
      if ('error' in decision) return decision;
      const { slot } = decision;
      if ((seatsLeft.get(slot.id) ?? 0) <= 0) return { error: slotFull() };
      seatsLeft.set(slot.id, seatsLeft.get(slot.id)! - 1);
      taken.set(slot.id, (taken.get(slot.id) ?? 0) + 1);
      activeNiks.add(input.applicant.nik);
      return {
        value: {
          code: generateBookingCode(),
          officeCode: input.officeCode,
          slot: { id: Number(slot.id), date: slot.date, start: slot.start, end: slot.end },
          serviceType: input.serviceType,
          fullName: normalizeFullName(input.applicant.fullName),
          nik: input.applicant.nik,
          phone: input.applicant.phone,
          email: input.applicant.email ?? null,
          manual: decision.manual,
          createdAt: at,
        },
      };
    });

    const booked = outcomes.flatMap((o) => ('value' in o ? [o.value] : []));
    if (booked.length === 0) return { decisions: outcomes, script: [] };
    const rows = booked.map((r) => [r.code, r.officeCode, r.slot.id, r.serviceType, 'BOOKED', r.nik, r.fullName, r.phone, r.email, r.manual, r.createdAt, r.createdAt]);
    return {
      decisions: outcomes,
      script: [
        inlineParams(TAKE_SEATS, [JSON.stringify(Object.fromEntries(taken))]),
        expectChanges(taken.size),
        insertValues('appointments', APPOINTMENT_COLUMNS, rows),
        expectChanges(booked.length),
      ],
    };
  }
}

/** One row: the offices of ?1 that exist, the slots of ?2, the modes, and the NIKs of ?3 with an active booking (JSON arrays in, JSON arrays out). */
const BOOKING_READ = `
  SELECT (SELECT json_group_array(code) FROM offices WHERE code IN (SELECT value FROM json_each(?1))) AS offices,
         (SELECT json_group_array(json_object('id', id, 'officeCode', "officeCode", 'date', date, 'start', start, 'end', "end",
                                              'startsAt', "startsAt", 'capacity', capacity, 'booked', booked))
            FROM slots WHERE id IN (SELECT value FROM json_each(?2))) AS slots,
         ${SERVICE_MODES_JSON} AS modes,
         (SELECT json_group_array(nik) FROM appointments
           WHERE nik IN (SELECT value FROM json_each(?3)) AND status IN (${ACTIVE_APPOINTMENT_STATUSES_SQL})) AS active`;

/** Each slot's seat count moves on by its bookings in the batch (a JSON object: slot id → count). */
const TAKE_SEATS = `
  UPDATE slots SET booked = booked + (SELECT value FROM json_each(?1) WHERE key = CAST(slots.id AS TEXT))
   WHERE id IN (SELECT CAST(key AS INTEGER) FROM json_each(?1))`;

/** The columns of a booked appointment's row, in the order `plan` lists its values. */
const APPOINTMENT_COLUMNS = ['code', 'officeCode', 'slotId', 'serviceType', 'status', 'nik', 'fullName', 'phone', 'email', 'manual', 'createdAt', 'updatedAt'] as const;
