import { minutesOfDay } from '../common/local-time';

export interface SlotWindow {
  date: string;
  start: string;
  end: string;
}

export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Half-open intervals on the same office-local date overlap when each starts before the other ends. */
export function slotsOverlap(a: SlotWindow, b: SlotWindow): boolean {
  return a.date === b.date && minutesOfDay(a.start) < minutesOfDay(b.end) && minutesOfDay(b.start) < minutesOfDay(a.end);
}

/** The first pair (new slot, clashing slot) that overlaps, checking new slots against each other too. */
export function findOverlap<T extends SlotWindow>(existing: T[], incoming: SlotWindow[]): { slot: SlotWindow; clashesWith: SlotWindow } | null {
  for (let i = 0; i < incoming.length; i++) {
    const clash = existing.find((e) => slotsOverlap(e, incoming[i])) ?? incoming.slice(0, i).find((e) => slotsOverlap(e, incoming[i]));
    if (clash) return { slot: incoming[i], clashesWith: clash };
  }
  return null;
}

/** A slot must end after it starts, on the same day. */
export function hasPositiveLength(window: SlotWindow): boolean {
  return minutesOfDay(window.end) > minutesOfDay(window.start);
}
