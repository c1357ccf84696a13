import { timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import type { TransactionRunner } from '../database/transaction-runner';
import { nikProblem } from './applicant.rules';
import { Appointment } from './appointment.entity';
import { normalizeBookingCode } from './booking-code';

/** Who acts on an appointment: the citizen (booking code + NIK) or staff/admin with a token. */
export type AppointmentCaller = { kind: 'citizen'; nik: string } | { kind: 'staff'; user: AuthUser };

/** From the request: a Bearer token wins; otherwise the X-Applicant-NIK header is required. */
export function appointmentCaller(user: AuthUser | undefined, nikHeader: string | undefined): AppointmentCaller {
  if (user) return { kind: 'staff', user };
  if (nikHeader === undefined || nikHeader === '') {
    throw new DomainError('VALIDATION_FAILED', 'Send your NIK in the X-Applicant-NIK header.', { details: [{ field: 'X-Applicant-NIK', problems: ['X-Applicant-NIK is required'] }] });
  }
  const problem = nikProblem(nikHeader);
  if (problem) throw new DomainError('VALIDATION_FAILED', 'The NIK in X-Applicant-NIK is not valid.', { details: [{ field: 'X-Applicant-NIK', problems: [problem] }] });
  return { kind: 'citizen', nik: nikHeader };
}

const notFound = () => new DomainError('APPOINTMENT_NOT_FOUND', 'No appointment matches this booking code and NIK.');

function sameNik(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Loads, inside a write, an appointment the caller may act on. A wrong code and a wrong NIK are the
 * same 404, so the answer never tells which one was wrong. Staff of another office get 403.
 *
 * On PostgreSQL the row is locked FOR UPDATE, so the writes to one appointment (check-in, reschedule,
 * cancel, express request) run one after another, each deciding on the row as the one before left
 * it. A conditional UPDATE alone is not enough: a check-in's `WHERE status = 'BOOKED'` still holds
 * after a reschedule has moved the appointment to next week's slot. Read anything else the write
 * depends on (its slot, its express request) after this lock, in a later statement.
 */
export async function lockAppointmentFor(db: TransactionRunner, manager: EntityManager, rawCode: string, caller: AppointmentCaller): Promise<Appointment> {
  const query = manager.createQueryBuilder(Appointment, 'a').where('a.code = :code', { code: bookingCodeOr404(rawCode) });
  return assertMayAct(await db.lockForUpdate(query).getOne(), caller);
}

/** The access rule on an appointment already loaded (or not found): returns it, or throws 404 / 403. */
export function assertMayAct<T extends { nik: string; officeCode: string }>(appointment: T | null | undefined, caller: AppointmentCaller): T {
  if (caller.kind === 'citizen') {
    if (!appointment || !sameNik(appointment.nik, caller.nik)) throw notFound();
    return appointment;
  }
  if (!appointment) throw notFound();
  if (!canActInOffice(caller.user, appointment.officeCode)) throw new DomainError('FORBIDDEN', 'This appointment belongs to another office.');
  return appointment;
}

/** The canonical code, or the same 404 as an unknown one. */
export function bookingCodeOr404(rawCode: string): string {
  const code = normalizeBookingCode(rawCode);
  if (!code) throw notFound();
  return code;
}
