import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { freePort } from './support/fixtures';

/*
 * The OpenAPI document of the built application. The DTO schemas come from the @nestjs/swagger CLI
 * plugin, which only `nest build` applies, and Swagger UI needs @fastify/static, which Jest cannot
 * load: so this spec builds the current source into a private folder (`.tmp/` is git-ignored; `dist/`
 * is left alone) and starts it as `npm start` does.
 */
const ROOT = resolve(__dirname, '..');

interface ContractRoute {
  success: number[];
  /** Error codes the contract names for the route (plus 401/403 for staff and admin routes). */
  errors: string[];
  /** Fields of the request body; undefined when the route takes none. */
  body?: string[];
  /** Query parameters the contract names. */
  query?: string[];
  staff?: boolean;
}

const AUTH = ['UNAUTHENTICATED', 'FORBIDDEN'];
const CITIZEN = ['APPOINTMENT_NOT_FOUND', 'TOO_MANY_REQUESTS'];
const STAFF = { staff: true };

/** Every route of the HTTP contract (API.md), with its path parameters named as the server serves them. */
const CONTRACT: Record<string, ContractRoute> = {
  'GET /health': { success: [200], errors: ['SERVICE_UNAVAILABLE'] },
  'GET /offices': { success: [200], errors: [] },
  'GET /offices/{officeCode}/slots': { success: [200], errors: ['OFFICE_NOT_FOUND'], query: ['date'] },
  'GET /service-modes': { success: [200], errors: [] },
  'GET /service-modes/{officeCode}': { success: [200], errors: ['OFFICE_NOT_FOUND'] },
  'GET /offices/{officeCode}/board': { success: [200], errors: ['OFFICE_NOT_FOUND'] },

  'POST /appointments': {
    success: [201, 202],
    errors: ['VALIDATION_FAILED', 'OFFICE_NOT_FOUND', 'SLOT_NOT_FOUND', 'SLOT_FULL', 'ACTIVE_BOOKING_EXISTS', 'EXPRESS_QUOTA_FULL', 'SLOT_IN_PAST', 'EXPRESS_UNAVAILABLE', 'BOOKING_CLOSED', 'IDEMPOTENCY_KEY_REUSED'],
    body: ['officeCode', 'slotId', 'serviceType', 'express', 'applicant'],
  },
  'GET /appointments/{code}': { success: [200], errors: CITIZEN },
  'PATCH /appointments/{code}': { success: [200], errors: [...CITIZEN, 'VALIDATION_FAILED', 'SLOT_FULL', 'INVALID_STATE', 'BOOKING_CLOSED'], body: ['slotId'] },
  'DELETE /appointments/{code}': { success: [200], errors: [...CITIZEN, 'INVALID_STATE'] },
  'POST /appointments/{code}/express': { success: [201, 202], errors: [...CITIZEN, 'EXPRESS_ALREADY_REQUESTED', 'EXPRESS_QUOTA_FULL', 'EXPRESS_UNAVAILABLE'] },
  'POST /appointments/{code}/check-in': { success: [201], errors: [...CITIZEN, ...AUTH, 'CHECK_IN_WINDOW', 'INVALID_STATE'], body: ['priority'] },

  'POST /auth/login': { success: [200], errors: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'TOO_MANY_REQUESTS'], body: ['username', 'password'] },
  'POST /offices/{officeCode}/walk-ins': {
    success: [201, 202],
    errors: [...AUTH, 'VALIDATION_FAILED', 'EXPRESS_QUOTA_FULL', 'EXPRESS_UNAVAILABLE', 'IDEMPOTENCY_KEY_REUSED'],
    body: ['serviceType', 'priority', 'express', 'applicant'],
    ...STAFF,
  },
  'GET /offices/{officeCode}/queue': { success: [200], errors: AUTH, ...STAFF },
  'GET /offices/{officeCode}/counters': { success: [200], errors: AUTH, ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/open': { success: [200], errors: AUTH, ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/pause': { success: [200], errors: AUTH, ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/close': { success: [200], errors: [...AUTH, 'COUNTER_BUSY'], ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/call-next': { success: [200], errors: [...AUTH, 'QUEUE_EMPTY', 'COUNTER_NOT_OPEN', 'COUNTER_BUSY'], ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/recall': { success: [200], errors: [...AUTH, 'NO_CURRENT_TICKET'], ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/start': { success: [200], errors: [...AUTH, 'NO_CURRENT_TICKET'], ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/complete': { success: [200], errors: [...AUTH, 'NO_CURRENT_TICKET'], ...STAFF },
  'POST /offices/{officeCode}/counters/{n}/no-show': { success: [200], errors: [...AUTH, 'NO_CURRENT_TICKET'], ...STAFF },
  'GET /reconciliation': { success: [200], errors: AUTH, query: ['officeCode', 'status'], ...STAFF },
  'POST /reconciliation/{id}/resolve': { success: [200], errors: AUTH, body: ['note'], ...STAFF },

  'POST /offices': { success: [201], errors: [...AUTH, 'VALIDATION_FAILED', 'OFFICE_EXISTS'], body: ['code', 'name', 'timeZone', 'dailyExpressQuota'], ...STAFF },
  'POST /offices/{officeCode}/counters': { success: [201], errors: [...AUTH, 'VALIDATION_FAILED'], body: ['number'], ...STAFF },
  'POST /offices/{officeCode}/slots': { success: [201], errors: [...AUTH, 'VALIDATION_FAILED', 'SLOT_OVERLAP'], body: ['date', 'start', 'end', 'capacity', 'slots'], ...STAFF },
  'POST /users': { success: [201], errors: [...AUTH, 'VALIDATION_FAILED'], body: ['username', 'password', 'role', 'officeCode'], ...STAFF },
  'PUT /service-modes/global': { success: [200], errors: [...AUTH, 'VALIDATION_FAILED', 'VERSION_CONFLICT'], body: ['mode', 'reason', 'expressPolicy', 'bookingPolicy', 'message', 'expectedRecoveryAt'], ...STAFF },
  'PUT /service-modes/offices/{officeCode}': {
    success: [200],
    errors: [...AUTH, 'VALIDATION_FAILED', 'VERSION_CONFLICT'],
    body: ['mode', 'reason', 'expressPolicy', 'bookingPolicy', 'message', 'expectedRecoveryAt'],
    ...STAFF,
  },
  'DELETE /service-modes/offices/{officeCode}': { success: [200], errors: AUTH, ...STAFF },
  'GET /service-modes/history': { success: [200], errors: AUTH, query: ['scope'], ...STAFF },
  'GET /express-requests': { success: [200], errors: AUTH, query: ['officeCode', 'status'], ...STAFF },
  'GET /audit': { success: [200], errors: AUTH, query: ['limit'], ...STAFF },
};

/** The contract's HTTP status of each error code. */
const STATUS_OF: Record<string, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  OFFICE_NOT_FOUND: 404,
  SLOT_NOT_FOUND: 404,
  APPOINTMENT_NOT_FOUND: 404,
  QUEUE_EMPTY: 404,
  SLOT_FULL: 409,
  ACTIVE_BOOKING_EXISTS: 409,
  EXPRESS_QUOTA_FULL: 409,
  SLOT_IN_PAST: 409,
  INVALID_STATE: 409,
  EXPRESS_ALREADY_REQUESTED: 409,
  CHECK_IN_WINDOW: 409,
  COUNTER_BUSY: 409,
  COUNTER_NOT_OPEN: 409,
  NO_CURRENT_TICKET: 409,
  OFFICE_EXISTS: 409,
  SLOT_OVERLAP: 409,
  VERSION_CONFLICT: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_REQUESTS: 429,
  EXPRESS_UNAVAILABLE: 503,
  BOOKING_CLOSED: 503,
  SERVICE_UNAVAILABLE: 503,
};

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: Array<Record<string, unknown>>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown>; required?: string[] }>; securitySchemes?: Record<string, unknown> };
}

describe('deployment: the OpenAPI document and Swagger UI of the built app', () => {
  let build: string;
  let data: string;
  let child: ChildProcess;
  let output = '';
  let base: string;
  let doc: OpenApi;

  beforeAll(async () => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    build = mkdtempSync(join(ROOT, '.tmp', 'deployment-docs-'));
    writeFileSync(join(build, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.build.json', compilerOptions: { outDir: './out' } }));
    const nest = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', '-p', relative(ROOT, join(build, 'tsconfig.json'))], { cwd: ROOT, encoding: 'utf8' });
    if (nest.status !== 0) throw new Error(`nest build failed:\n${nest.stdout}\n${nest.stderr}`);

    data = mkdtempSync(join(tmpdir(), 'passport-queue-docs-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(build, 'out', 'src', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DB_PATH: join(data, 'docs.sqlite'), JWT_SECRET: 'docs-spec-secret-0123456789abcdefghij', ADMIN_PASSWORD: 'docs-admin-password', LOG_REQUESTS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (output += String(c)));
    child.stderr!.on('data', (c) => (output += String(c)));
    const deadline = Date.now() + 30_000;
    while (!output.includes(`serving on http://localhost:${port}`)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${base}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // A process that does not stop is a failure of the shutdown spec, not a reason to hang here.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (build) rmSync(build, { recursive: true, force: true });
    if (data) rmSync(data, { recursive: true, force: true });
  });

  const operation = (route: string): Operation | undefined => {
    const [method, path] = route.split(' ');
    return doc.paths[path]?.[method.toLowerCase()];
  };
  const schemaOf = (ref: string | undefined) => (ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : undefined);

  it('is an OpenAPI 3 document that lists every route of the contract with its method, path parameters and query parameters', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const missing = Object.keys(CONTRACT).filter((route) => !operation(route));
    expect(missing).toEqual([]);
    for (const route of Object.keys(CONTRACT)) {
      const declared = (operation(route)!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const inPath = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect([route, declared.sort()]).toEqual([route, inPath.sort()]);
      const query = (operation(route)!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect([route, (CONTRACT[route].query ?? []).filter((q) => !query.includes(q))]).toEqual([route, []]);
    }
  });

  it('gives each route its success statuses, and each write route a JSON body schema with the contract fields', () => {
    for (const [route, contract] of Object.entries(CONTRACT)) {
      const op = operation(route)!;
      for (const status of contract.success) expect([route, status, Boolean(op.responses[String(status)])]).toEqual([route, status, true]);
      if (!contract.body) continue;
      const schema = schemaOf(op.requestBody?.content?.['application/json']?.schema?.$ref);
      expect([route, schema?.type]).toEqual([route, 'object']);
      expect([route, Object.keys(schema?.properties ?? {}).sort()]).toEqual([route, [...contract.body].sort()]);
    }
    // Nested DTOs are described too (the applicant of a booking).
    const booking = schemaOf(operation('POST /appointments')!.requestBody!.content!['application/json'].schema!.$ref)!;
    expect(JSON.stringify(booking.properties!.applicant)).toContain('ApplicantDto');
    expect(Object.keys(doc.components.schemas.ApplicantDto.properties ?? {}).sort()).toEqual(['email', 'fullName', 'nik', 'phone']);
  });

  it("lists each route's contract error codes under the right status, in the one error shape", () => {
    const problems: string[] = [];
    for (const [route, contract] of Object.entries(CONTRACT)) {
      const op = operation(route)!;
      for (const code of contract.errors) {
        const response = op.responses[String(STATUS_OF[code])];
        if (!response?.description.split(/,\s*/).includes(code)) problems.push(`${route}: ${code} not under ${STATUS_OF[code]}`);
        else if (response.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBody') problems.push(`${route}: ${STATUS_OF[code]} is not an ErrorBody`);
      }
      if (contract.staff && !(op.security ?? []).some((s) => 'bearer' in s)) problems.push(`${route}: no Bearer security`);
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ErrorBody.required).toEqual(['statusCode', 'code', 'message']);
  });

  it('describes the body of every success response with a schema', () => {
    type Body = { $ref?: string; type?: string; items?: { $ref?: string }; properties?: Record<string, unknown> };
    const resolve = (schema: Body | undefined): { properties?: Record<string, unknown> } | undefined =>
      schema?.$ref ? schemaOf(schema.$ref) : schema?.type === 'array' ? schemaOf(schema.items?.$ref) : schema;
    const bare: string[] = [];
    for (const [route, spec] of Object.entries(CONTRACT)) {
      if (route.endsWith('/board/events')) continue;
      for (const status of spec.success) {
        const content = operation(route)!.responses[String(status)]?.content?.['application/json'];
        const schema = resolve(content?.schema as never);
        if (!schema || !(schema.properties && Object.keys(schema.properties).length)) bare.push(`${route} ${status}`);
      }
    }
    expect(bare).toEqual([]);
    expect(Object.keys(schemaOf('#/components/schemas/Appointment')!.properties!)).toEqual(
      expect.arrayContaining(['code', 'officeCode', 'slot', 'serviceType', 'status', 'applicant', 'express', 'ticket', 'manual', 'createdAt']),
    );
    expect(Object.keys(schemaOf('#/components/schemas/Ticket')!.properties!)).toEqual(
      expect.arrayContaining(['id', 'number', 'officeCode', 'appointmentCode', 'priority', 'express', 'status', 'counterNumber', 'position', 'estimatedWaitMinutes', 'manual', 'checkedInAt']),
    );
  });

  it('declares each parameter once (header names compare case-insensitively)', () => {
    const duplicates: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const keys = (op.parameters ?? []).map((p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`);
        const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
        if (repeated.length) duplicates.push(`${method.toUpperCase()} ${path}: ${repeated.join(', ')}`);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('serves Swagger UI at /docs, with its assets', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-init.js', 'swagger-ui.css']) {
      const res = await fetch(`${base}/docs/${asset}`);
      expect([asset, res.status]).toEqual([asset, 200]);
    }
  });
});
