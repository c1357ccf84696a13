import { DomainError } from '../common/domain-error';
import { FailureLimiter } from '../common/failure-limiter.service';
import { lookupLimitKeys } from '../common/rate-limit.rules';
import type { AppointmentCaller } from './appointment-access';
import { normalizeBookingCode } from './booking-code';

/**
 * Guessing defence on routes that take a code + X-Applicant-NIK: a client address or a booking code
 * that keeps getting 404 APPOINTMENT_NOT_FOUND is refused with 429 for a while (lookupLimitKeys).
 * Successful look-ups are never counted; staff (Bearer token) are not limited.
 */
export async function limitFailedLookups<T>(limiter: FailureLimiter, caller: AppointmentCaller, code: string, clientIp: string, work: () => Promise<T>): Promise<T> {
  if (caller.kind !== 'citizen') return work();
  // The code as the booking knows it, so `abcd-2efgh3` and `ABCD2EFGH3` count alike; a malformed one as sent (bounded).
  const keys = lookupLimitKeys(normalizeBookingCode(code) ?? code.slice(0, 32), clientIp, limiter.limits.lookup);
  return limiter.attempt('lookup', keys, work, (error) => error instanceof DomainError && error.code === 'APPOINTMENT_NOT_FOUND');
}
