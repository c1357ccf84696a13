/**
 * The success bodies of the contract, as OpenAPI schemas. The services return plain view objects
 * (see `appointmentView`, `TicketView`, `modeView`, …), so the shapes are written down here once
 * and attached to each route by `withResponseSchemas` in openapi.ts.
 */
type Schema = Record<string, unknown>;

const string = { type: 'string' };
const nullableString = { type: 'string', nullable: true };
const integer = { type: 'integer' };
const boolean = { type: 'boolean' };
const instant = { type: 'string', format: 'date-time' };
const nullableInstant = { type: 'string', format: 'date-time', nullable: true };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (name: string) => ({ type: 'array', items: ref(name) });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });

export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Office: object({ code: string, name: string, timeZone: string, dailyExpressQuota: integer }),
  Slot: object({
    id: integer,
    officeCode: string,
    date: { type: 'string', format: 'date' },
    start: { type: 'string', example: '09:00' },
    end: { type: 'string', example: '09:30' },
    startsAt: instant,
    endsAt: instant,
    capacity: integer,
    booked: integer,
    available: integer,
  }),
  Express: object(
    { status: { type: 'string', enum: ['ACTIVE', 'DEFERRED', 'CANCELLED'] }, requestedAt: instant, position: integer, releasedAt: instant },
    ['status', 'requestedAt'],
  ),
  Ticket: object({
    id: integer,
    number: { type: 'string', example: 'A001' },
    officeCode: string,
    serviceDate: { type: 'string', format: 'date' },
    appointmentCode: nullableString,
    serviceType: { type: 'string', enum: ['NEW', 'RENEWAL', 'REPLACEMENT'] },
    priority: boolean,
    express: boolean,
    expressRequest: { ...ref('Express'), nullable: true },
    status: { type: 'string', enum: ['WAITING', 'CALLED', 'SERVING', 'DONE', 'NO_SHOW'] },
    counterNumber: { type: 'integer', nullable: true },
    position: { type: 'integer', nullable: true },
    estimatedWaitMinutes: { type: 'integer', nullable: true },
    manual: boolean,
    checkedInAt: instant,
    calledAt: nullableInstant,
  }),
  Appointment: object({
    code: { type: 'string', example: '7K3M9QXR2T' },
    officeCode: string,
    slot: object({ id: integer, date: { type: 'string', format: 'date' }, start: string, end: string }),
    serviceType: { type: 'string', enum: ['NEW', 'RENEWAL', 'REPLACEMENT'] },
    status: { type: 'string', enum: ['BOOKED', 'CHECKED_IN', 'CALLED', 'SERVING', 'DONE', 'CANCELLED', 'NO_SHOW'] },
    applicant: object({ fullName: string, nikMasked: { type: 'string', example: '3174********0001' }, phone: string, email: nullableString }),
    express: { ...ref('Express'), nullable: true },
    ticket: { ...ref('Ticket'), nullable: true },
    manual: boolean,
    createdAt: instant,
    updatedAt: instant,
  }),
  Counter: object({ number: integer, status: { type: 'string', enum: ['OPEN', 'PAUSED', 'CLOSED'] }, currentTicket: { ...ref('Ticket'), nullable: true } }),
  Mode: object({
    scope: { type: 'string', example: 'global' },
    mode: { type: 'string', enum: ['NORMAL', 'DEGRADED'] },
    expressPolicy: { type: 'string', enum: ['REJECT', 'DEFER'] },
    bookingPolicy: { type: 'string', enum: ['OPEN', 'CLOSED'] },
    reason: string,
    message: nullableString,
    expectedRecoveryAt: nullableInstant,
    changedBy: string,
    changedAt: instant,
    version: integer,
  }),
  ModesOverview: object({ global: ref('Mode'), offices: { type: 'array', items: object({ officeCode: string, effective: ref('Mode'), override: { ...ref('Mode'), nullable: true } }) } }),
  ModeChange: object({ scope: string, from: string, to: string, expressPolicy: string, bookingPolicy: string, reason: string, changedBy: string, changedAt: instant }),
  Board: object({
    officeCode: string,
    mode: { type: 'string', enum: ['NORMAL', 'DEGRADED'] },
    message: nullableString,
    nowServing: { type: 'array', items: object({ ticketNumber: string, counterNumber: integer, status: string }) },
    waiting: integer,
    estimatedWaitMinutes: integer,
    openCounters: integer,
  }),
  Login: object({ accessToken: string, expiresIn: integer, role: { type: 'string', enum: ['ADMIN', 'STAFF'] }, officeCode: nullableString }),
  User: object({ id: integer, username: string, role: { type: 'string', enum: ['ADMIN', 'STAFF'] }, officeCode: nullableString, createdAt: instant }),
  AuditEntry: object({ at: instant, actor: string, action: string, target: string, details: { type: 'object' } }),
  ExpressRequestRow: object(
    {
      id: integer,
      officeCode: string,
      serviceDate: string,
      appointmentCode: nullableString,
      ticketNumber: nullableString,
      status: { type: 'string', enum: ['ACTIVE', 'DEFERRED', 'CANCELLED'] },
      requestedAt: instant,
      deferredAt: nullableInstant,
      releasedAt: nullableInstant,
      cancelledAt: nullableInstant,
      fulfilledAt: nullableInstant,
      position: integer,
    },
    ['id', 'officeCode', 'status', 'requestedAt'],
  ),
  ReconciliationItem: object({
    id: integer,
    officeCode: string,
    ticketNumber: string,
    appointmentCode: nullableString,
    serviceType: string,
    completedAt: instant,
    status: { type: 'string', enum: ['PENDING', 'RESOLVED'] },
    resolvedBy: nullableString,
    resolvedAt: nullableInstant,
    note: nullableString,
  }),
  Health: object({ status: { type: 'string', example: 'ok' }, info: { type: 'object' }, error: { type: 'object' }, details: { type: 'object' } }),
};

const one = (name: string) => ref(name);
const many = (name: string) => arrayOf(name);

/** Route → [success status, body schema]. */
export const ROUTE_RESPONSES: Record<string, [number, Schema]> = {
  'GET /health': [200, one('Health')],
  'GET /offices': [200, many('Office')],
  'GET /offices/{officeCode}': [200, one('Office')],
  'POST /offices': [201, one('Office')],
  'GET /offices/{officeCode}/slots': [200, many('Slot')],
  'POST /offices/{officeCode}/slots': [201, many('Slot')],
  'GET /service-modes': [200, one('ModesOverview')],
  'GET /service-modes/{officeCode}': [200, one('Mode')],
  'PUT /service-modes/global': [200, one('Mode')],
  'PUT /service-modes/offices/{officeCode}': [200, one('Mode')],
  'DELETE /service-modes/offices/{officeCode}': [200, one('Mode')],
  'GET /service-modes/history': [200, many('ModeChange')],
  'GET /express-requests': [200, many('ExpressRequestRow')],
  'GET /offices/{officeCode}/board': [200, one('Board')],
  'POST /appointments': [201, one('Appointment')],
  'GET /appointments/{code}': [200, one('Appointment')],
  'PATCH /appointments/{code}': [200, one('Appointment')],
  'DELETE /appointments/{code}': [200, one('Appointment')],
  'POST /appointments/{code}/express': [201, one('Appointment')],
  'POST /appointments/{code}/check-in': [201, one('Ticket')],
  'POST /auth/login': [200, one('Login')],
  'POST /users': [201, one('User')],
  'GET /users': [200, many('User')],
  'POST /offices/{officeCode}/walk-ins': [201, one('Ticket')],
  'GET /offices/{officeCode}/queue': [200, many('Ticket')],
  'GET /offices/{officeCode}/counters': [200, many('Counter')],
  'POST /offices/{officeCode}/counters': [201, one('Counter')],
  'POST /offices/{officeCode}/counters/{n}/open': [200, one('Counter')],
  'POST /offices/{officeCode}/counters/{n}/pause': [200, one('Counter')],
  'POST /offices/{officeCode}/counters/{n}/close': [200, one('Counter')],
  'POST /offices/{officeCode}/counters/{n}/call-next': [200, one('Ticket')],
  'POST /offices/{officeCode}/counters/{n}/recall': [200, one('Ticket')],
  'POST /offices/{officeCode}/counters/{n}/start': [200, one('Ticket')],
  'POST /offices/{officeCode}/counters/{n}/complete': [200, one('Ticket')],
  'POST /offices/{officeCode}/counters/{n}/no-show': [200, one('Ticket')],
  'GET /reconciliation': [200, many('ReconciliationItem')],
  'POST /reconciliation/{id}/resolve': [200, one('ReconciliationItem')],
  'GET /audit': [200, many('AuditEntry')],
};
