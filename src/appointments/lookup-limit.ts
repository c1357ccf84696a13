import { DomainError } from '../common/domain-error';
import { FailureLimiter } from '../common/failure-limiter.service';
import type { AppointmentCaller } from './appointment-access';

/**
 * Booking-code guessing defence on routes that take a code + X-Applicant-NIK: a client address or a
 * NIK that keeps getting 404 APPOINTMENT_NOT_FOUND is refused with 429 for a while. Successful
 * look-ups are never counted; staff (Bearer token) are not limited.
 */
export async function limitFailedLookups<T>(limiter: FailureLimiter, caller: AppointmentCaller, clientIp: string, work: () => Promise<T>): Promise<T> {
  if (caller.kind !== 'citizen') return work();
  const keys = [`ip:${clientIp}`, `nik:${caller.nik}`];
  limiter.assertAllowed('lookup', keys);
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'APPOINTMENT_NOT_FOUND') await limiter.recordFailure('lookup', keys);
    throw error;
  }
}
