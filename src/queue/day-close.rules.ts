import { addDays } from '../common/local-time';

/** The office-local days one close covers: those after `after` (exclusive) through `through`. */
export interface DaysToClose {
  after: string;
  through: string;
}

/** At most this many days in one close (one write transaction): a first close of a long history goes a month at a time. */
export const MAX_DAYS_PER_CLOSE = 31;

/**
 * The next stretch of an office's ended days to close, or null when there is none (every call but
 * the first after midnight). A day has ended once the office's local date has moved past it.
 * `closedThrough` is the last day closed; null means none yet, so the office's history from the
 * day it was created (`createdOn`). The last closed day is swept once more: on PostgreSQL a ticket
 * written just before midnight can commit after that day's close has looked (the sweep changes
 * nothing that was closed already).
 */
export function daysToClose(closedThrough: string | null, createdOn: string, today: string): DaysToClose | null {
  const yesterday = addDays(today, -1);
  if (closedThrough !== null && closedThrough >= yesterday) return null;
  const closedBefore = closedThrough ?? addDays(createdOn, -1);
  const after = closedThrough === null ? closedBefore : addDays(closedBefore, -1);
  const furthest = addDays(closedBefore, MAX_DAYS_PER_CLOSE);
  return { after, through: furthest < yesterday ? furthest : yesterday };
}
