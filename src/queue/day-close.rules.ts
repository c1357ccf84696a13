import { addDays } from '../common/local-time';

/** The office-local days a day close covers: those after `after` (exclusive; '' = from the start) through `through`. */
export interface DaysToClose {
  after: string;
  through: string;
}

/**
 * Which of an office's days are over and not closed yet. A day is over once the office's local
 * date has moved past it; `closedThrough` is the last day already closed (null: none yet, so every
 * past day). Null when there is nothing to do, which is every call but the first after midnight.
 */
export function daysToClose(closedThrough: string | null, today: string): DaysToClose | null {
  const through = addDays(today, -1);
  if (closedThrough !== null && closedThrough >= through) return null;
  return { after: closedThrough ?? '', through };
}
