import { DomainError } from '../common/domain-error';
import { decideBooking, ModeDecision, ModeState, refusalMessage, retryAfterSeconds } from '../service-modes/service-mode.policy';
import { slotHasStarted } from './appointment.rules';

export interface BookingFacts<O, S extends { startsAt: string }> {
  officeCode: string;
  slotId: number;
  /** The office, or null when there is none with that code. */
  office: O | null;
  /** The slot with that id in that office, or null when the office has none. */
  slot: S | null;
  wantsExpress: boolean;
  /** The NIK already holds an active appointment. */
  hasActiveBooking: boolean;
}

/** An allowed booking: the mode's decision, with the office and slot it was made for. */
export type BookingAllowed<O, S> = Extract<ModeDecision, { allowed: true }> & { office: O; slot: S };

/**
 * Whether a booking can be made, checked in the order a citizen is told why not: the office, the
 * slot, the service mode, the slot's time, an active appointment of the same NIK. Seats come last
 * and are the caller's, counted as they are taken (`slotFull`). Batched and one-at-a-time bookings
 * both decide here, so they refuse alike.
 */
export function bookingDecision<O, S extends { startsAt: string }>(now: Date, mode: ModeState, facts: BookingFacts<O, S>): BookingAllowed<O, S> | { error: DomainError } {
  if (!facts.office) return { error: new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${facts.officeCode}.`) };
  if (!facts.slot) return { error: new DomainError('SLOT_NOT_FOUND', `Office ${facts.officeCode} has no slot ${facts.slotId}.`) };
  const decision = decideBooking('BOOK', facts.wantsExpress, mode);
  if (!decision.allowed) return { error: modeRefusal(decision, mode, now) };
  if (slotHasStarted(now, facts.slot)) return { error: slotInPast() };
  if (facts.hasActiveBooking) return { error: activeBookingExists() };
  return { ...decision, office: facts.office, slot: facts.slot };
}

/** The service mode's refusal, with Retry-After when a recovery time is announced. */
export function modeRefusal(decision: Extract<ModeDecision, { allowed: false }>, mode: ModeState, now: Date): DomainError {
  return new DomainError(decision.code, refusalMessage(decision.code, mode), { retryAfterSeconds: retryAfterSeconds(mode, now) });
}

export const slotInPast = () => new DomainError('SLOT_IN_PAST', 'This slot has already started. Please pick a later one.');

export const slotFull = () => new DomainError('SLOT_FULL', 'This slot is fully booked. Please pick another one.');

export const activeBookingExists = () =>
  new DomainError('ACTIVE_BOOKING_EXISTS', 'You already have an active appointment. Cancel or reschedule it instead of booking another.');
