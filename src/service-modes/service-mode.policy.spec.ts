import {
  BOOKING_POLICIES,
  BookingPolicy,
  decide,
  decideBooking,
  decideWalkIn,
  EXPRESS_POLICIES,
  ExpressPolicy,
  expressTransitionOnSwitch,
  MODE_ACTIONS,
  ModeAction,
  ModeDecision,
  ModeName,
  needsReconciliation,
  refusalMessage,
  retryAfterSeconds,
} from './service-mode.policy';

const state = (mode: ModeName, expressPolicy: ExpressPolicy, bookingPolicy: BookingPolicy) => ({ mode, expressPolicy, bookingPolicy });

/** The expected outcome of every cell, written out independently of the table in the policy file. */
function expected(action: ModeAction, mode: ModeName, express: ExpressPolicy, booking: BookingPolicy): ModeDecision {
  const manual = mode === 'DEGRADED';
  if (mode === 'NORMAL') return action === 'EXPRESS' ? { allowed: true, manual: false, express: 'ACTIVE' } : { allowed: true, manual: false };
  if (action === 'BOOK' || action === 'RESCHEDULE') return booking === 'OPEN' ? { allowed: true, manual } : { allowed: false, code: 'BOOKING_CLOSED' };
  if (action === 'EXPRESS') return express === 'DEFER' ? { allowed: true, manual, express: 'DEFERRED' } : { allowed: false, code: 'EXPRESS_UNAVAILABLE' };
  return { allowed: true, manual };
}

const cells = MODE_ACTIONS.flatMap((action) =>
  (['NORMAL', 'DEGRADED'] as ModeName[]).flatMap((mode) =>
    EXPRESS_POLICIES.flatMap((express) => BOOKING_POLICIES.map((booking) => [action, mode, express, booking] as const)),
  ),
);

describe('service-mode policy', () => {
  it('covers 8 actions x 2 modes x 2 express policies x 2 booking policies', () => {
    expect(cells).toHaveLength(64);
  });

  it.each(cells)('%s in %s (express %s, booking %s)', (action, mode, express, booking) => {
    expect(decide(action, state(mode, express, booking))).toEqual(expected(action, mode, express, booking));
  });

  describe('booking with express', () => {
    it.each([
      ['NORMAL', 'REJECT', 'OPEN', { allowed: true, manual: false, express: 'ACTIVE' }],
      ['NORMAL', 'DEFER', 'CLOSED', { allowed: true, manual: false, express: 'ACTIVE' }],
      ['DEGRADED', 'REJECT', 'OPEN', { allowed: false, code: 'EXPRESS_UNAVAILABLE' }],
      ['DEGRADED', 'DEFER', 'OPEN', { allowed: true, manual: true, express: 'DEFERRED' }],
      ['DEGRADED', 'DEFER', 'CLOSED', { allowed: false, code: 'BOOKING_CLOSED' }],
      ['DEGRADED', 'REJECT', 'CLOSED', { allowed: false, code: 'BOOKING_CLOSED' }],
    ] as const)('%s express=%s booking=%s', (mode, express, booking, outcome) => {
      expect(decideBooking('BOOK', true, state(mode, express, booking))).toEqual(outcome);
    });

    it('a regular booking ignores the express policy', () => {
      expect(decideBooking('BOOK', false, state('DEGRADED', 'REJECT', 'OPEN'))).toEqual({ allowed: true, manual: true });
    });
  });

  describe('walk-ins', () => {
    it.each([
      [false, 'DEGRADED', 'REJECT', { allowed: true, manual: true }],
      [true, 'DEGRADED', 'REJECT', { allowed: false, code: 'EXPRESS_UNAVAILABLE' }],
      [true, 'DEGRADED', 'DEFER', { allowed: true, manual: true, express: 'DEFERRED' }],
      [true, 'NORMAL', 'REJECT', { allowed: true, manual: false, express: 'ACTIVE' }],
      [false, 'DEGRADED', 'DEFER', { allowed: true, manual: true }],
    ] as const)('express=%p in %s/%s', (wantsExpress, mode, express, outcome) => {
      expect(decideWalkIn(wantsExpress, state(mode, express, 'CLOSED'))).toEqual(outcome);
    });
  });

  it.each([
    [false, 'NORMAL', false],
    [true, 'NORMAL', true],
    [false, 'DEGRADED', true],
    [true, 'DEGRADED', true],
  ] as const)('manual=%p completed in %s needs reconciliation: %p', (manual, mode, needed) => {
    expect(needsReconciliation(manual, mode)).toBe(needed);
  });

  it.each([
    ['NORMAL', 'DEGRADED', 'DEFER_ACTIVE'],
    ['DEGRADED', 'NORMAL', 'RELEASE_DEFERRED'],
    ['NORMAL', 'NORMAL', 'NONE'],
    ['DEGRADED', 'DEGRADED', 'NONE'],
  ] as const)('switch %s -> %s: %s', (from, to, transition) => {
    expect(expressTransitionOnSwitch(from, to)).toBe(transition);
  });

  describe('Retry-After', () => {
    const now = new Date('2026-12-01T01:00:00.000Z');
    it('counts whole seconds to the expected recovery', () => {
      expect(retryAfterSeconds({ ...state('DEGRADED', 'REJECT', 'OPEN'), expectedRecoveryAt: '2026-12-01T02:00:00.500Z' }, now)).toBe(3601);
    });
    it('is absent when unknown or already past', () => {
      expect(retryAfterSeconds(state('DEGRADED', 'REJECT', 'OPEN'), now)).toBeUndefined();
      expect(retryAfterSeconds({ ...state('DEGRADED', 'REJECT', 'OPEN'), expectedRecoveryAt: '2026-12-01T00:00:00.000Z' }, now)).toBeUndefined();
    });
  });

  it('tells a refused citizen what to do instead', () => {
    const degraded = { ...state('DEGRADED', 'REJECT', 'CLOSED'), message: 'Pusat Data Nasional sedang gangguan.' };
    expect(refusalMessage('EXPRESS_UNAVAILABLE', degraded)).toMatch(/without express/);
    expect(refusalMessage('EXPRESS_UNAVAILABLE', degraded)).toContain('Pusat Data Nasional');
    expect(refusalMessage('BOOKING_CLOSED', degraded)).toMatch(/Existing appointments still go ahead/);
  });

  it("ends the admin's message as a sentence before its own", () => {
    const unpunctuated = { ...state('DEGRADED', 'REJECT', 'CLOSED'), message: 'Come back tomorrow ' };
    expect(refusalMessage('BOOKING_CLOSED', unpunctuated)).toMatch(/^Come back tomorrow\. New bookings/);
    const punctuated = { ...state('DEGRADED', 'REJECT', 'CLOSED'), message: 'Datang besok!' };
    expect(refusalMessage('BOOKING_CLOSED', punctuated)).toMatch(/^Datang besok! New bookings/);
  });
});
