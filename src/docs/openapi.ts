import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorCode } from '../common/domain-error';
import { ERROR_STATUS } from '../common/error-status';
import { RESPONSE_SCHEMAS, ROUTE_RESPONSES } from './response-schemas';

const AUTH: ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN'];
const CITIZEN: ErrorCode[] = ['VALIDATION_FAILED', 'APPOINTMENT_NOT_FOUND', 'FORBIDDEN', 'TOO_MANY_REQUESTS'];
const COUNTER: ErrorCode[] = ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'COUNTER_NOT_FOUND'];

/** The error codes each route can answer with (the contract's tables, plus the common ones). */
export const ROUTE_ERRORS: Record<string, ErrorCode[]> = {
  'GET /health': ['SERVICE_UNAVAILABLE'],
  'GET /offices': [],
  'GET /offices/{officeCode}': ['OFFICE_NOT_FOUND'],
  'GET /offices/{officeCode}/slots': ['VALIDATION_FAILED', 'OFFICE_NOT_FOUND'],
  'GET /service-modes': [],
  'GET /service-modes/{officeCode}': ['OFFICE_NOT_FOUND'],
  'GET /offices/{officeCode}/board': ['OFFICE_NOT_FOUND'],
  'GET /offices/{officeCode}/board/events': ['OFFICE_NOT_FOUND'],
  'POST /appointments': ['VALIDATION_FAILED', 'OFFICE_NOT_FOUND', 'SLOT_NOT_FOUND', 'SLOT_FULL', 'ACTIVE_BOOKING_EXISTS', 'EXPRESS_QUOTA_FULL', 'SLOT_IN_PAST', 'IDEMPOTENCY_KEY_REUSED', 'EXPRESS_UNAVAILABLE', 'BOOKING_CLOSED'],
  'GET /appointments/{code}': CITIZEN,
  'PATCH /appointments/{code}': [...CITIZEN, 'SLOT_NOT_FOUND', 'SLOT_FULL', 'SLOT_IN_PAST', 'INVALID_STATE', 'EXPRESS_QUOTA_FULL', 'BOOKING_CLOSED'],
  'DELETE /appointments/{code}': [...CITIZEN, 'INVALID_STATE'],
  'POST /appointments/{code}/express': [...CITIZEN, 'INVALID_STATE', 'EXPRESS_ALREADY_REQUESTED', 'EXPRESS_QUOTA_FULL', 'EXPRESS_UNAVAILABLE'],
  'POST /appointments/{code}/check-in': [...CITIZEN, 'UNAUTHENTICATED', 'CHECK_IN_WINDOW', 'INVALID_STATE'],
  'POST /auth/login': ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'TOO_MANY_REQUESTS'],
  'POST /users': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'USERNAME_TAKEN'],
  'GET /users': AUTH,
  'POST /offices/{officeCode}/walk-ins': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'EXPRESS_QUOTA_FULL', 'IDEMPOTENCY_KEY_REUSED', 'EXPRESS_UNAVAILABLE'],
  'GET /offices/{officeCode}/queue': [...AUTH, 'OFFICE_NOT_FOUND'],
  'GET /offices/{officeCode}/counters': [...AUTH, 'OFFICE_NOT_FOUND'],
  'POST /offices/{officeCode}/counters/{n}/open': COUNTER,
  'POST /offices/{officeCode}/counters/{n}/pause': COUNTER,
  'POST /offices/{officeCode}/counters/{n}/close': [...COUNTER, 'COUNTER_BUSY'],
  'POST /offices/{officeCode}/counters/{n}/call-next': [...COUNTER, 'QUEUE_EMPTY', 'COUNTER_NOT_OPEN', 'COUNTER_BUSY'],
  'POST /offices/{officeCode}/counters/{n}/recall': [...COUNTER, 'NO_CURRENT_TICKET', 'INVALID_STATE'],
  'POST /offices/{officeCode}/counters/{n}/start': [...COUNTER, 'NO_CURRENT_TICKET', 'INVALID_STATE'],
  'POST /offices/{officeCode}/counters/{n}/complete': [...COUNTER, 'NO_CURRENT_TICKET', 'INVALID_STATE'],
  'POST /offices/{officeCode}/counters/{n}/no-show': [...COUNTER, 'NO_CURRENT_TICKET', 'INVALID_STATE'],
  'GET /reconciliation': ['VALIDATION_FAILED', ...AUTH],
  'POST /reconciliation/{id}/resolve': ['VALIDATION_FAILED', ...AUTH, 'RECONCILIATION_ITEM_NOT_FOUND'],
  'POST /offices': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_EXISTS'],
  'POST /offices/{officeCode}/counters': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'COUNTER_EXISTS'],
  'POST /offices/{officeCode}/slots': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'SLOT_OVERLAP'],
  'PUT /service-modes/global': ['VALIDATION_FAILED', ...AUTH, 'VERSION_CONFLICT'],
  'PUT /service-modes/offices/{officeCode}': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'VERSION_CONFLICT'],
  'DELETE /service-modes/offices/{officeCode}': ['VALIDATION_FAILED', ...AUTH, 'OFFICE_NOT_FOUND', 'VERSION_CONFLICT'],
  'GET /service-modes/history': ['VALIDATION_FAILED', ...AUTH],
  'GET /express-requests': ['VALIDATION_FAILED', ...AUTH],
  'GET /audit': ['VALIDATION_FAILED', ...AUTH],
};

const ERROR_BODY = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 409 },
    code: { type: 'string', example: 'SLOT_FULL' },
    message: { type: 'string', example: 'This slot is fully booked. Please pick another one.' },
    details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } } } },
  },
};

/** Routes that answer 202 when the express request is held (DEFERRED) while core systems are degraded. */
const ACCEPTED: Record<string, string> = {
  'POST /appointments': 'Booked; the express request is DEFERRED (see express.position)',
  'POST /appointments/{code}/express': 'The express request is DEFERRED (see express.position)',
  'POST /offices/{officeCode}/walk-ins': 'Ticket issued; its express request is DEFERRED',
};

/**
 * A header read with @Headers() and described with @ApiHeader() appears twice (`x-applicant-nik`
 * and `X-Applicant-NIK`); header names are case-insensitive, so keep one, the described one.
 */
function withoutDuplicateHeaders<T>(parameters: T[]): T[] {
  const param = (p: T) => p as { in?: string; name?: string; description?: string };
  const headerKey = (p: T) => (param(p).in === 'header' && param(p).name ? param(p).name!.toLowerCase() : null);
  const kept = new Map<string, T>();
  for (const p of parameters) {
    const key = headerKey(p);
    if (key !== null && (!kept.has(key) || (!param(kept.get(key)!).description && param(p).description))) kept.set(key, p);
  }
  return parameters.filter((p) => headerKey(p) === null || kept.get(headerKey(p)!) === p);
}

/** Adds every route's error codes, grouped by status, and its 202 where it has one, to the generated document. */
export function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...RESPONSE_SCHEMAS, ErrorBody: ERROR_BODY } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation !== 'object' || !('responses' in operation)) continue;
      const route = `${method.toUpperCase()} ${path}`;
      if (operation.parameters) operation.parameters = withoutDuplicateHeaders(operation.parameters);
      const success = ROUTE_RESPONSES[route];
      if (success) {
        const [status, schema] = success;
        for (const key of Object.keys(operation.responses)) if (/^2\d\d$/.test(key) && key !== String(status)) delete operation.responses[key];
        operation.responses[String(status)] = { description: operation.responses[String(status)]?.description || 'Success', content: { 'application/json': { schema } } };
      }
      if (ACCEPTED[route]) operation.responses['202'] = { description: ACCEPTED[route], content: success ? { 'application/json': { schema: success[1] } } : undefined };
      const codes = ROUTE_ERRORS[route];
      if (!codes) continue;
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of [...new Set([...codes, 'INTERNAL' as const])]) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
      for (const [status, group] of byStatus) {
        operation.responses[String(status)] = {
          description: group.join(', '),
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        };
      }
    }
  }
  return document;
}

/** OpenAPI document at /docs-json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Passport queue manager')
    .setDescription(
      'Booking, check-in and front-desk queueing for immigration offices, with a designed DEGRADED mode for when core systems fail. ' +
        'Every error body is {statusCode, code, message, details?}; codes per route are listed under each response.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  const document = withErrorResponses(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}
