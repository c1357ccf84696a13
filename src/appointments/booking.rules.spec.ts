import { DomainError } from '../common/domain-error';
import type { ModeState } from '../service-modes/service-mode.policy';
import { BookingFacts, bookingDecision } from './booking.rules';

const NORMAL: ModeState = { mode: 'NORMAL', expressPolicy: 'DEFER', bookingPolicy: 'OPEN' };
const DEGRADED_DEFER: ModeState = { mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'OPEN' };
const DEGRADED_CLOSED: ModeState = {
  mode: 'DEGRADED',
  expressPolicy: 'REJECT',
  bookingPolicy: 'CLOSED',
  message: 'Pusat Data Nasional down',
  expectedRecoveryAt: '2030-03-04T03:00:00.000Z',
};

const NOW = new Date('2030-03-04T01:00:00.000Z');
/** A slot starting an hour after NOW. */
const LATER_SLOT = { startsAt: '2030-03-04T02:00:00.000Z' };

type Facts = BookingFacts<{ code: string }, { startsAt: string }>;

const facts = (overrides: Partial<Facts> = {}): Facts => ({
  officeCode: 'JKT',
  slotId: 7,
  office: { code: 'JKT' },
  slot: LATER_SLOT,
  wantsExpress: false,
  hasActiveBooking: false,
  ...overrides,
});

/** The refusal's code, or what the allowed booking carries. */
function outcome(decision: ReturnType<typeof bookingDecision>) {
  return 'error' in decision ? decision.error.code : { manual: decision.manual, express: decision.express ?? null };
}

describe('bookingDecision', () => {
  it('allows a plain booking in NORMAL mode, processed by the systems', () => {
    expect(outcome(bookingDecision(NOW, NORMAL, facts()))).toEqual({ manual: false, express: null });
  });

  it('allows express in NORMAL mode as ACTIVE', () => {
    expect(outcome(bookingDecision(NOW, NORMAL, facts({ wantsExpress: true })))).toEqual({ manual: false, express: 'ACTIVE' });
  });

  it('while DEGRADED with bookings open: a manual booking, and express deferred under DEFER', () => {
    expect(outcome(bookingDecision(NOW, DEGRADED_DEFER, facts()))).toEqual({ manual: true, express: null });
    expect(outcome(bookingDecision(NOW, DEGRADED_DEFER, facts({ wantsExpress: true })))).toEqual({ manual: true, express: 'DEFERRED' });
  });

  it('while DEGRADED with bookings closed: refused with the office message and Retry-After until the expected recovery', () => {
    const decision = bookingDecision(NOW, DEGRADED_CLOSED, facts());
    expect('error' in decision && decision.error).toBeInstanceOf(DomainError);
    const error = (decision as { error: DomainError }).error;
    expect(error.code).toBe('BOOKING_CLOSED');
    expect(error.message).toContain('Pusat Data Nasional down');
    expect(error.extras).toEqual(expect.objectContaining({ retryAfterSeconds: 7200 }));
  });

  it('refuses a slot that has started, to the millisecond', () => {
    expect(outcome(bookingDecision(new Date(LATER_SLOT.startsAt), NORMAL, facts()))).toBe('SLOT_IN_PAST');
    expect(outcome(bookingDecision(new Date(Date.parse(LATER_SLOT.startsAt) - 1), NORMAL, facts()))).toEqual({ manual: false, express: null });
  });

  it('hands back, allowed, the office and the slot it decided on', () => {
    const decision = bookingDecision(NOW, NORMAL, facts());
    expect('error' in decision ? null : [decision.office, decision.slot]).toEqual([{ code: 'JKT' }, LATER_SLOT]);
  });

  it('refuses a second active booking of the same NIK', () => {
    expect(outcome(bookingDecision(NOW, NORMAL, facts({ hasActiveBooking: true })))).toBe('ACTIVE_BOOKING_EXISTS');
  });

  // Each row breaks every rule from its own on, and must be refused for its own rule: the order a citizen is told why not.
  it.each([
    ['OFFICE_NOT_FOUND', { office: null, slot: null }, DEGRADED_CLOSED],
    ['SLOT_NOT_FOUND', { slot: null }, DEGRADED_CLOSED],
    ['BOOKING_CLOSED', { slot: { startsAt: '2030-03-04T00:00:00.000Z' }, hasActiveBooking: true }, DEGRADED_CLOSED],
    ['SLOT_IN_PAST', { slot: { startsAt: '2030-03-04T00:00:00.000Z' }, hasActiveBooking: true }, NORMAL],
  ] as const)('checks %s before the rules after it', (code, overrides, mode) => {
    expect(outcome(bookingDecision(NOW, mode, facts(overrides)))).toBe(code);
  });

  it('names the office and the slot in the not-found messages', () => {
    const officeMissing = bookingDecision(NOW, NORMAL, facts({ office: null }));
    const slotMissing = bookingDecision(NOW, NORMAL, facts({ slot: null }));
    expect('error' in officeMissing && officeMissing.error.message).toBe('There is no office with code JKT.');
    expect('error' in slotMissing && slotMissing.error.message).toBe('Office JKT has no slot 7.');
  });
});
