import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { DomainError } from '../common/domain-error';
import { FailureLimiter } from '../common/failure-limiter.service';

/**
 * Booking-code guessing defence on routes that take a code + X-Applicant-NIK: a client address or
 * a NIK that keeps getting 404 APPOINTMENT_NOT_FOUND is refused with 429 for a while.
 * Staff (Bearer token) are not limited here.
 */
@Injectable()
export class LookupLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: FailureLimiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const nik = request.headers['x-applicant-nik'];
    if (request.headers.authorization !== undefined || typeof nik !== 'string') return next.handle();
    const keys = [`ip:${request.ip}`, `nik:${nik}`];
    this.limiter.assertAllowed('lookup', keys);
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof DomainError && error.code === 'APPOINTMENT_NOT_FOUND') {
          return from(this.limiter.recordFailure('lookup', keys)).pipe(mergeMap(() => throwError(() => error)));
        }
        return throwError(() => error);
      }),
    );
  }
}
