/**
 * Every refusal the domain can produce, by its stable contract code.
 * Only `error-status.ts` knows which HTTP status each one maps to.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL'
  | 'SERVICE_UNAVAILABLE'
  // offices, slots, counters, users
  | 'OFFICE_NOT_FOUND'
  | 'OFFICE_EXISTS'
  | 'SLOT_NOT_FOUND'
  | 'SLOT_OVERLAP'
  | 'COUNTER_NOT_FOUND'
  | 'COUNTER_EXISTS'
  | 'USERNAME_TAKEN'
  // appointments
  | 'APPOINTMENT_NOT_FOUND'
  | 'SLOT_FULL'
  | 'SLOT_IN_PAST'
  | 'ACTIVE_BOOKING_EXISTS'
  | 'INVALID_STATE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'EXPRESS_QUOTA_FULL'
  | 'EXPRESS_ALREADY_REQUESTED'
  // queue
  | 'CHECK_IN_WINDOW'
  | 'QUEUE_EMPTY'
  | 'COUNTER_NOT_OPEN'
  | 'COUNTER_BUSY'
  | 'NO_CURRENT_TICKET'
  // service modes
  | 'EXPRESS_UNAVAILABLE'
  | 'BOOKING_CLOSED'
  | 'VERSION_CONFLICT'
  | 'RECONCILIATION_ITEM_NOT_FOUND';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** A refusal with a stable code and a sentence a person understands. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extras: {
      details?: FieldProblem[];
      /** Seconds, sent as the Retry-After header. */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
