import type { TicketKind, TicketStatus } from './ticket.entity';

/**
 * Call order (contract): priority tickets first, then tickets with an ACTIVE express request,
 * then appointment tickets by slot start, then walk-ins; ties by check-in time.
 *
 * It is encoded as one sortable string per ticket so the database can pick the next ticket with
 * an index range scan, however long the queue:
 *
 *   [0 priority | 1]  [0 express ACTIVE | 1]  [0 appointment | 1 walk-in]  slotStartsAt  checkedInAt  number
 *
 * Position 1 (the express flag) is the only part that changes after issue, when an express request
 * is deferred or released; `EXPRESS_FLAG_INDEX` is where it sits.
 */
export interface CallOrderFacts {
  priority: boolean;
  expressActive: boolean;
  kind: TicketKind;
  slotStartsAt: string | null;
  checkedInAt: string;
  number: string;
}

export const EXPRESS_FLAG_INDEX = 1;
/** Walk-ins have no slot; this sorts after every real instant. */
const NO_SLOT = '9999-12-31T23:59:59.999Z';

export function callKey(facts: CallOrderFacts): string {
  return callKeyUpTo(facts) + facts.number.padStart(8, ' ');
}

/** The call key without its last part, the number: shared by every ticket with these facts. */
export function callKeyUpTo(facts: Omit<CallOrderFacts, 'number'>): string {
  return [facts.priority ? '0' : '1', facts.expressActive ? '0' : '1', facts.kind === 'APPOINTMENT' ? '0' : '1', facts.slotStartsAt ?? NO_SLOT, facts.checkedInAt].join('');
}

/**
 * Appended to `callKeyUpTo(facts)`, it sorts after the key of every ticket with those facts,
 * whatever its number (numbers are space-padded letters and digits, all below '~').
 */
export const AFTER_ANY_NUMBER = '~';

const SLOT_PLACEHOLDER = '\u0001';

/**
 * `callKeyUpTo(facts) + AFTER_ANY_NUMBER` for an appointment ticket whose slot is not known yet, as
 * the text before and after the slot's start: for SQL that puts each slot's start in between.
 */
export function callKeyBoundAroundSlot(facts: Omit<CallOrderFacts, 'number' | 'slotStartsAt'>): { before: string; after: string } {
  const [before, after] = (callKeyUpTo({ ...facts, slotStartsAt: SLOT_PLACEHOLDER }) + AFTER_ANY_NUMBER).split(SLOT_PLACEHOLDER);
  return { before, after };
}

/**
 * The places in their office-day's queues of tickets issued together: the tickets already waiting
 * ahead of each (`waitingAhead`, counted before any of these was written) and those of its own
 * queue among these that sort before it.
 */
export function positionsOfNewTickets<T extends { officeCode: string; serviceDate: string; callKey: string }>(tickets: T[], waitingAhead: (ticket: T) => number): number[] {
  // Each queue's new keys sorted once; a ticket's rank among them is how many sort before it.
  const queueOf = (t: T) => `${t.officeCode}/${t.serviceDate}`;
  const keysByQueue = new Map<string, string[]>();
  for (const t of tickets) {
    const keys = keysByQueue.get(queueOf(t));
    if (keys) keys.push(t.callKey);
    else keysByQueue.set(queueOf(t), [t.callKey]);
  }
  for (const keys of keysByQueue.values()) keys.sort();
  return tickets.map((ticket) => waitingAhead(ticket) + countBelow(keysByQueue.get(queueOf(ticket))!, ticket.callKey) + 1);
}

/** How many of the sorted `keys` are below `key` (binary search). */
function countBelow(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function withExpressFlag(key: string, expressActive: boolean): string {
  return key.slice(0, EXPRESS_FLAG_INDEX) + (expressActive ? '0' : '1') + key.slice(EXPRESS_FLAG_INDEX + 1);
}

/** Sorts tickets in call order (the same order the database index gives). */
export function compareCallOrder(a: CallOrderFacts, b: CallOrderFacts): number {
  const ka = callKey(a);
  const kb = callKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `A001` for appointments, `W001` for walk-ins; past 999 the number simply grows (`A1000`). */
export function ticketNumber(kind: TicketKind, sequence: number): string {
  return `${kind === 'APPOINTMENT' ? 'A' : 'W'}${String(sequence).padStart(3, '0')}`;
}

export function sequenceName(kind: TicketKind): 'A' | 'W' {
  return kind === 'APPOINTMENT' ? 'A' : 'W';
}

/**
 * Allowed ticket status changes: WAITING → CALLED → SERVING → DONE, or CALLED → NO_SHOW.
 * Completing needs a start, as for the appointment (appointment.rules.ts), so both machines agree.
 */
const TICKET_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  WAITING: ['CALLED'],
  CALLED: ['SERVING', 'NO_SHOW'],
  SERVING: ['DONE'],
  DONE: [],
  NO_SHOW: [],
};

export function canTicketMove(from: TicketStatus, to: TicketStatus): boolean {
  return TICKET_TRANSITIONS[from].includes(to);
}

/**
 * Minutes until a waiting ticket is likely called: position × mean service time ÷ open counters,
 * rounded up. With no counter open, one is assumed (the office is about to open one).
 * Non-decreasing in position, so estimates never fall along the queue.
 */
export function estimateWaitMinutes(position: number, meanServiceMinutes: number, openCounters: number): number {
  const minutes = (position * meanServiceMinutes) / Math.max(1, openCounters);
  // Rounded to a microminute first, so float noise (3 × 7/3 = 7.000000000000001) does not add a minute.
  return Math.ceil(Math.round(minutes * 1e6) / 1e6);
}

/**
 * Mean service minutes: from services measured in the current mode when there are enough of them
 * (manual service is slower), else from all recent services, else the configured default.
 */
export function meanServiceMinutes(currentModeSamples: number[], allSamples: number[], minSamples: number, fallback: number): number {
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  if (currentModeSamples.length >= minSamples) return mean(currentModeSamples);
  if (allSamples.length >= minSamples) return mean(allSamples);
  return fallback;
}
