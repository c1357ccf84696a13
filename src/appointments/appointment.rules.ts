import type { AppointmentStatus } from './appointment.entity';

/** Allowed appointment status changes. The queue drives everything after CHECKED_IN. */
const TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  // NO_SHOW from BOOKED and CHECKED_IN: when the office's day is over (DayCloseService).
  BOOKED: ['CHECKED_IN', 'CANCELLED', 'NO_SHOW'],
  CHECKED_IN: ['CALLED', 'NO_SHOW'],
  CALLED: ['SERVING', 'NO_SHOW'],
  SERVING: ['DONE'],
  DONE: [],
  CANCELLED: [],
  NO_SHOW: [],
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const canCancel = (status: AppointmentStatus) => canTransition(status, 'CANCELLED');
export const canReschedule = (status: AppointmentStatus) => status === 'BOOKED';
export const canCheckIn = (status: AppointmentStatus) => canTransition(status, 'CHECKED_IN');
/** Express can be asked for while the appointment is still ahead. */
export const canRequestExpress = (status: AppointmentStatus) => status === 'BOOKED' || status === 'CHECKED_IN';

export type CheckInWindow = 'OPEN' | 'TOO_EARLY' | 'TOO_LATE';

/** Check-in opens `opensMinutesBefore` the slot starts and closes when the slot ends. */
export function checkInWindow(now: Date, slot: { startsAt: string; endsAt: string }, opensMinutesBefore: number): CheckInWindow {
  const opens = Date.parse(slot.startsAt) - opensMinutesBefore * 60_000;
  if (now.getTime() < opens) return 'TOO_EARLY';
  if (now.getTime() >= Date.parse(slot.endsAt)) return 'TOO_LATE';
  return 'OPEN';
}

/** A slot that has started can no longer be booked. */
export function slotHasStarted(now: Date, slot: { startsAt: string }): boolean {
  return now.getTime() >= Date.parse(slot.startsAt);
}
