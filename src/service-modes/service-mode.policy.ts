/**
 * What the effective service mode of an office allows. This file is the whole answer to
 * "what does DEGRADED change?": the table first, then small pure functions over it.
 *
 * | action            | NORMAL                    | DEGRADED                                               |
 * |-------------------|---------------------------|--------------------------------------------------------|
 * | BOOK, RESCHEDULE  | allowed                   | bookingPolicy OPEN: allowed; CLOSED: 503 BOOKING_CLOSED |
 * | EXPRESS           | express ACTIVE (quota)    | expressPolicy REJECT: 503 EXPRESS_UNAVAILABLE, nothing  |
 * |                   |                           | stored; DEFER: 202, stored with express DEFERRED       |
 * | VIEW, CANCEL      | allowed                   | allowed                                                |
 * | CHECK_IN, WALK_IN | allowed, ticket automatic | allowed, ticket manual: true                           |
 * | COUNTER           | allowed                   | allowed                                                |
 *
 * Switching to DEGRADED defers every ACTIVE express request not yet done, whatever the policy
 * (an accepted request is never rejected afterwards). Switching back to NORMAL releases deferred
 * requests oldest first; those whose appointment was cancelled become CANCELLED instead.
 * A ticket that is manual, or completed while DEGRADED, goes to reconciliation when DONE.
 */

export type ModeName = 'NORMAL' | 'DEGRADED';
export type ExpressPolicy = 'REJECT' | 'DEFER';
export type BookingPolicy = 'OPEN' | 'CLOSED';

export const MODE_NAMES: readonly ModeName[] = ['NORMAL', 'DEGRADED'];
export const EXPRESS_POLICIES: readonly ExpressPolicy[] = ['REJECT', 'DEFER'];
export const BOOKING_POLICIES: readonly BookingPolicy[] = ['OPEN', 'CLOSED'];

export type ModeAction = 'BOOK' | 'RESCHEDULE' | 'EXPRESS' | 'VIEW' | 'CANCEL' | 'CHECK_IN' | 'WALK_IN' | 'COUNTER';
export const MODE_ACTIONS: readonly ModeAction[] = ['BOOK', 'RESCHEDULE', 'EXPRESS', 'VIEW', 'CANCEL', 'CHECK_IN', 'WALK_IN', 'COUNTER'];

/** The part of a mode the policy reads. */
export interface ModeState {
  mode: ModeName;
  expressPolicy: ExpressPolicy;
  bookingPolicy: BookingPolicy;
  message?: string | null;
  expectedRecoveryAt?: string | null;
}

export type ModeRefusal = 'BOOKING_CLOSED' | 'EXPRESS_UNAVAILABLE';

export type ModeDecision =
  | { allowed: true; manual: boolean; express?: 'ACTIVE' | 'DEFERRED' }
  | { allowed: false; code: ModeRefusal };

type Rule = 'allow' | 'bookingPolicy' | 'expressPolicy';

/** The table above, as data. */
export const POLICY_TABLE: Record<ModeName, Record<ModeAction, Rule>> = {
  NORMAL: { BOOK: 'allow', RESCHEDULE: 'allow', EXPRESS: 'allow', VIEW: 'allow', CANCEL: 'allow', CHECK_IN: 'allow', WALK_IN: 'allow', COUNTER: 'allow' },
  DEGRADED: {
    BOOK: 'bookingPolicy',
    RESCHEDULE: 'bookingPolicy',
    EXPRESS: 'expressPolicy',
    VIEW: 'allow',
    CANCEL: 'allow',
    CHECK_IN: 'allow',
    WALK_IN: 'allow',
    COUNTER: 'allow',
  },
};

/** What `action` may do under `state`. Express outcomes are only given for the EXPRESS action. */
export function decide(action: ModeAction, state: ModeState): ModeDecision {
  const manual = state.mode === 'DEGRADED';
  switch (POLICY_TABLE[state.mode][action]) {
    case 'allow':
      return action === 'EXPRESS' ? { allowed: true, manual, express: 'ACTIVE' } : { allowed: true, manual };
    case 'bookingPolicy':
      return state.bookingPolicy === 'OPEN' ? { allowed: true, manual } : { allowed: false, code: 'BOOKING_CLOSED' };
    case 'expressPolicy':
      return state.expressPolicy === 'DEFER' ? { allowed: true, manual, express: 'DEFERRED' } : { allowed: false, code: 'EXPRESS_UNAVAILABLE' };
  }
}

/** A booking that also asks for express: the booking rule first, then the express rule. */
export function decideBooking(action: 'BOOK' | 'RESCHEDULE', wantsExpress: boolean, state: ModeState): ModeDecision {
  const booking = decide(action, state);
  if (!booking.allowed || !wantsExpress) return booking;
  return decide('EXPRESS', state);
}

/** A walk-in always gets its ticket; asking for express follows the express rule. */
export function decideWalkIn(wantsExpress: boolean, state: ModeState): ModeDecision {
  return wantsExpress ? decide('EXPRESS', state) : decide('WALK_IN', state);
}

/** A finished service must be re-entered into the core systems when it was manual or finished while DEGRADED. */
export function needsReconciliation(ticketManual: boolean, modeAtCompletion: ModeName): boolean {
  return ticketManual || modeAtCompletion === 'DEGRADED';
}

/** What a switch does to express requests of the offices it affects. */
export function expressTransitionOnSwitch(from: ModeName, to: ModeName): 'DEFER_ACTIVE' | 'RELEASE_DEFERRED' | 'NONE' {
  if (from === to) return 'NONE';
  return to === 'DEGRADED' ? 'DEFER_ACTIVE' : 'RELEASE_DEFERRED';
}

/** Whole seconds until the expected recovery, for Retry-After; undefined when unknown or past. */
export function retryAfterSeconds(state: ModeState, now: Date): number | undefined {
  if (!state.expectedRecoveryAt) return undefined;
  const seconds = Math.ceil((Date.parse(state.expectedRecoveryAt) - now.getTime()) / 1000);
  return seconds > 0 ? seconds : undefined;
}

/** The sentence a refused citizen reads: what happened and what to do instead. */
export function refusalMessage(code: ModeRefusal, state: ModeState): string {
  // The admin's own words first, ended as a sentence so that ours does not run on from them.
  const notice = state.message ? `${state.message.trim()}${/[.!?]$/.test(state.message.trim()) ? '' : '.'} ` : '';
  const when = state.expectedRecoveryAt ? ` Service is expected back around ${state.expectedRecoveryAt}.` : '';
  if (code === 'EXPRESS_UNAVAILABLE') {
    return `${notice}Express (same-day) passport service is suspended while core systems are down. Book or keep a regular appointment without express, or ask for express again after recovery.${when}`;
  }
  return `${notice}New bookings and reschedules are paused while core systems are down. Existing appointments still go ahead; please try again after recovery.${when}`;
}
