import type { AppointmentStatus } from './appointment.entity';
import { canCancel, canCheckIn, canRequestExpress, canReschedule, canTransition, checkInWindow, slotHasStarted } from './appointment.rules';

const ALL: AppointmentStatus[] = ['BOOKED', 'CHECKED_IN', 'CALLED', 'SERVING', 'DONE', 'CANCELLED', 'NO_SHOW'];
const ALLOWED = new Set([
  'BOOKED>CHECKED_IN',
  'BOOKED>CANCELLED',
  'BOOKED>NO_SHOW',
  'CHECKED_IN>CALLED',
  'CHECKED_IN>NO_SHOW',
  'CALLED>SERVING',
  'CALLED>NO_SHOW',
  'SERVING>DONE',
]);

describe('canTransition', () => {
  const table = ALL.flatMap((from) => ALL.map((to) => [from, to, ALLOWED.has(`${from}>${to}`)] as const));
  it.each(table)('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });
});

describe('what a citizen may still do', () => {
  it.each<[AppointmentStatus, boolean, boolean, boolean, boolean]>([
    // status        cancel  reschedule checkIn express
    ['BOOKED', true, true, true, true],
    ['CHECKED_IN', false, false, false, true],
    ['CALLED', false, false, false, false],
    ['SERVING', false, false, false, false],
    ['DONE', false, false, false, false],
    ['CANCELLED', false, false, false, false],
    ['NO_SHOW', false, false, false, false],
  ])('%s: cancel %s, reschedule %s, check in %s, express %s', (status, cancel, reschedule, checkIn, express) => {
    expect(canCancel(status)).toBe(cancel);
    expect(canReschedule(status)).toBe(reschedule);
    expect(canCheckIn(status)).toBe(checkIn);
    expect(canRequestExpress(status)).toBe(express);
  });
});

describe('checkInWindow', () => {
  // 09:00-09:30 WIB on 1 Dec 2026 = 02:00-02:30Z
  const slot = { startsAt: '2026-12-01T02:00:00.000Z', endsAt: '2026-12-01T02:30:00.000Z' };
  it.each([
    ['a day before', '2026-11-30T02:00:00.000Z', 'TOO_EARLY'],
    ['61 min before start', '2026-12-01T00:59:00.000Z', 'TOO_EARLY'],
    ['1 ms before the window opens', '2026-12-01T00:59:59.999Z', 'TOO_EARLY'],
    ['exactly 60 min before start', '2026-12-01T01:00:00.000Z', 'OPEN'],
    ['at the start', '2026-12-01T02:00:00.000Z', 'OPEN'],
    ['during the slot', '2026-12-01T02:15:00.000Z', 'OPEN'],
    ['1 ms before the end', '2026-12-01T02:29:59.999Z', 'OPEN'],
    ['at the end', '2026-12-01T02:30:00.000Z', 'TOO_LATE'],
    ['hours later', '2026-12-01T08:00:00.000Z', 'TOO_LATE'],
  ])('%s → %s', (_, now, expected) => {
    expect(checkInWindow(new Date(now), slot, 60)).toBe(expected);
  });

  it('follows the configured opening', () => {
    expect(checkInWindow(new Date('2026-12-01T01:45:00.000Z'), slot, 10)).toBe('TOO_EARLY');
    expect(checkInWindow(new Date('2026-12-01T01:50:00.000Z'), slot, 10)).toBe('OPEN');
    expect(checkInWindow(new Date('2026-12-01T01:59:59.999Z'), slot, 0)).toBe('TOO_EARLY');
  });
});

describe('slotHasStarted', () => {
  const slot = { startsAt: '2026-12-01T02:00:00.000Z' };
  it.each([
    ['a day before', '2026-11-30T02:00:00.000Z', false],
    ['1 ms before the start', '2026-12-01T01:59:59.999Z', false],
    ['at the start', '2026-12-01T02:00:00.000Z', true],
    ['after the start', '2026-12-01T02:10:00.000Z', true],
  ])('%s → %s', (_, now, started) => {
    expect(slotHasStarted(new Date(now), slot)).toBe(started);
  });
});
