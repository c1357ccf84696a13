import type { AppointmentStatus } from '../appointments/appointment.entity';
import { canCheckIn, checkInWindow } from '../appointments/appointment.rules';
import { DomainError } from '../common/domain-error';
import { decide, refusalMessage, retryAfterSeconds } from '../service-modes/service-mode.policy';
import type { ServiceMode } from '../service-modes/service-mode.entity';
import type { Ticket } from './ticket.entity';

/** The appointment's slot: office-local date and times for the messages, instants for the window. */
export interface CheckInSlot {
  date: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
}

/** An appointment as a check-in reads it: with its slot, its office's time zone and its express request. */
export interface CheckInAppointment extends CheckInSlot {
  id: number;
  code: string;
  nik: string;
  officeCode: string;
  serviceType: Ticket['serviceType'];
  status: AppointmentStatus;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  manual: boolean | number;
  timeZone: string;
  expressId: number | null;
  expressStatus: string | null;
}

export interface CheckInFacts {
  status: AppointmentStatus;
  /** Booked while the office was degraded: its ticket is processed by hand too. */
  manual: boolean;
  slot: CheckInSlot;
}

/**
 * Whether an appointment can be checked in now, in this order: the service mode, the appointment's
 * status, the check-in window. Allowed, it says whether the ticket is processed by hand.
 */
export function checkInDecision(now: Date, mode: ServiceMode, facts: CheckInFacts, opensMinutesBefore: number): { manual: boolean } | { error: DomainError } {
  const decision = decide('CHECK_IN', mode);
  if (!decision.allowed) return { error: new DomainError(decision.code, refusalMessage(decision.code, mode), { retryAfterSeconds: retryAfterSeconds(mode, now) }) };
  if (!canCheckIn(facts.status)) return { error: new DomainError('INVALID_STATE', `This appointment is ${facts.status} and cannot be checked in.`) };
  const { slot } = facts;
  const window = checkInWindow(now, slot, opensMinutesBefore);
  if (window === 'TOO_EARLY') {
    return {
      error: new DomainError('CHECK_IN_WINDOW', `Check-in opens ${opensMinutesBefore} minutes before your slot (${slot.date} ${slot.start}, office time). Please come back then.`),
    };
  }
  if (window === 'TOO_LATE') {
    return { error: new DomainError('CHECK_IN_WINDOW', `Your slot (${slot.date} ${slot.start}-${slot.end}, office time) has ended. Choose a new slot for this appointment (reschedule) or cancel it.`) };
  }
  return { manual: decision.manual || facts.manual };
}
