import type { AppointmentStatus } from '../appointments/appointment.entity';
import { DomainError } from '../common/domain-error';
import type { ServiceMode } from '../service-modes/service-mode.entity';
import { BOOKING_POLICIES, EXPRESS_POLICIES, ModeName } from '../service-modes/service-mode.policy';
import { CheckInFacts, checkInDecision } from './check-in.rules';

/** A mode row as the database holds it; `overrides` change the policy part. */
function modeOf(mode: ModeName, overrides: Partial<ServiceMode> = {}): ServiceMode {
  return {
    scope: 'global',
    mode,
    expressPolicy: 'DEFER',
    bookingPolicy: 'OPEN',
    reason: mode === 'DEGRADED' ? 'Pusat Data Nasional down' : 'Initial mode',
    message: null,
    expectedRecoveryAt: null,
    changedBy: 'admin',
    changedAt: '2030-03-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** Slot 09:00-09:30 in Jakarta (UTC+7) on 2030-03-04. */
const SLOT = { date: '2030-03-04', start: '09:00', end: '09:30', startsAt: '2030-03-04T02:00:00.000Z', endsAt: '2030-03-04T02:30:00.000Z' };
const OPENS_MINUTES_BEFORE = 60;

const booked = (overrides: Partial<CheckInFacts> = {}): CheckInFacts => ({ status: 'BOOKED', manual: false, slot: SLOT, ...overrides });
const at = (iso: string) => new Date(iso);
const msAfter = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

/** The refusal's code, or that it is allowed with a manual or an automatic ticket. */
function outcome(decision: ReturnType<typeof checkInDecision>) {
  return 'error' in decision ? decision.error.code : { allowed: decision.manual ? 'manual' : 'automatic' };
}

describe('checkInDecision', () => {
  describe('NORMAL mode, inside the window', () => {
    it('allows the check-in with an automatic ticket', () => {
      expect(checkInDecision(at(SLOT.startsAt), modeOf('NORMAL'), booked(), OPENS_MINUTES_BEFORE)).toEqual({ manual: false });
    });

    it('keeps the ticket manual when the appointment was booked while degraded', () => {
      expect(checkInDecision(at(SLOT.startsAt), modeOf('NORMAL'), booked({ manual: true }), OPENS_MINUTES_BEFORE)).toEqual({ manual: true });
    });
  });

  describe('DEGRADED mode', () => {
    const policies = EXPRESS_POLICIES.flatMap((expressPolicy) => BOOKING_POLICIES.map((bookingPolicy) => [expressPolicy, bookingPolicy] as const));

    it.each(policies)('allows the check-in with a manual ticket (express %s, booking %s)', (expressPolicy, bookingPolicy) => {
      const mode = modeOf('DEGRADED', { expressPolicy, bookingPolicy, message: 'Core systems are down.', expectedRecoveryAt: '2030-03-04T06:00:00.000Z' });

      expect(checkInDecision(at(SLOT.startsAt), mode, booked(), OPENS_MINUTES_BEFORE)).toEqual({ manual: true });
      expect(checkInDecision(at(SLOT.startsAt), mode, booked({ manual: true }), OPENS_MINUTES_BEFORE)).toEqual({ manual: true });
    });

    it('still refuses an appointment that is not BOOKED, and one outside its window', () => {
      const mode = modeOf('DEGRADED', { bookingPolicy: 'CLOSED', expressPolicy: 'REJECT' });

      expect(outcome(checkInDecision(at(SLOT.startsAt), mode, booked({ status: 'CANCELLED' }), OPENS_MINUTES_BEFORE))).toBe('INVALID_STATE');
      expect(outcome(checkInDecision(at(SLOT.endsAt), mode, booked(), OPENS_MINUTES_BEFORE))).toBe('CHECK_IN_WINDOW');
    });
  });

  describe('status', () => {
    const notBooked: AppointmentStatus[] = ['CHECKED_IN', 'CALLED', 'SERVING', 'DONE', 'CANCELLED', 'NO_SHOW'];

    it.each(notBooked)('refuses a %s appointment with INVALID_STATE', (status) => {
      const decision = checkInDecision(at(SLOT.startsAt), modeOf('NORMAL'), booked({ status }), OPENS_MINUTES_BEFORE);

      expect('error' in decision && decision.error).toBeInstanceOf(DomainError);
      expect(outcome(decision)).toBe('INVALID_STATE');
    });
  });

  describe('window', () => {
    const opens = new Date(Date.parse(SLOT.startsAt) - OPENS_MINUTES_BEFORE * 60_000).toISOString();

    it.each([
      ['1 ms before the window opens', 'CHECK_IN_WINDOW', msAfter(opens, -1)],
      ['exactly when the window opens', { allowed: 'automatic' }, at(opens)],
      ['at the slot start', { allowed: 'automatic' }, at(SLOT.startsAt)],
      ['1 ms before the slot ends', { allowed: 'automatic' }, msAfter(SLOT.endsAt, -1)],
      ['exactly at the slot end', 'CHECK_IN_WINDOW', at(SLOT.endsAt)],
      ['a day after the slot', 'CHECK_IN_WINDOW', msAfter(SLOT.endsAt, 86_400_000)],
    ])('%s: %j', (_, expected, now) => {
      expect(outcome(checkInDecision(now, modeOf('NORMAL'), booked(), OPENS_MINUTES_BEFORE))).toEqual(expected);
    });

    it('too early: says how many minutes before the slot check-in opens', () => {
      const decision = checkInDecision(msAfter(SLOT.startsAt, -16 * 60_000), modeOf('NORMAL'), booked(), 15);

      expect('error' in decision && decision.error.code).toBe('CHECK_IN_WINDOW');
      expect('error' in decision && decision.error.message).toContain('opens 15 minutes before');
    });

    it('follows the configured opening: 15 minutes before is allowed with opensMinutesBefore 15, refused with 10', () => {
      const now = msAfter(SLOT.startsAt, -15 * 60_000);

      expect(outcome(checkInDecision(now, modeOf('NORMAL'), booked(), 15))).toEqual({ allowed: 'automatic' });
      expect(outcome(checkInDecision(now, modeOf('NORMAL'), booked(), 10))).toBe('CHECK_IN_WINDOW');
    });

    it('at or after the end: says the slot has ended', () => {
      const decision = checkInDecision(at(SLOT.endsAt), modeOf('NORMAL'), booked(), OPENS_MINUTES_BEFORE);

      expect('error' in decision && decision.error.code).toBe('CHECK_IN_WINDOW');
      expect('error' in decision && decision.error.message).toContain('has ended');
    });
  });

  describe('order of the checks', () => {
    it.each([
      ['too early', msAfter(SLOT.startsAt, -2 * 60 * 60_000)],
      ['too late', msAfter(SLOT.endsAt, 60_000)],
    ])('the status is checked before the window (%s and CANCELLED gives INVALID_STATE)', (_, now) => {
      expect(outcome(checkInDecision(now, modeOf('NORMAL'), booked({ status: 'CANCELLED' }), OPENS_MINUTES_BEFORE))).toBe('INVALID_STATE');
    });

    it.each(['NORMAL', 'DEGRADED'] as const)('no %s mode refuses a check-in, so the mode never hides a status or window refusal', (mode) => {
      const everyPolicy = EXPRESS_POLICIES.flatMap((expressPolicy) => BOOKING_POLICIES.map((bookingPolicy) => modeOf(mode, { expressPolicy, bookingPolicy })));

      for (const state of everyPolicy) {
        expect(outcome(checkInDecision(at(SLOT.startsAt), state, booked({ status: 'DONE' }), OPENS_MINUTES_BEFORE))).toBe('INVALID_STATE');
        expect(outcome(checkInDecision(msAfter(SLOT.startsAt, -2 * 60 * 60_000), state, booked(), OPENS_MINUTES_BEFORE))).toBe('CHECK_IN_WINDOW');
      }
    });
  });
});
