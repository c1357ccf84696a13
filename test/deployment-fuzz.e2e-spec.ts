import { request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { applicant, bearer, bookFor, counterAction, createOffice, expectErrorBody, staffOf, switchMode } from './support/fixtures';
import { ADMIN, createTestApp, TestApp } from './support/test-app';

/*
 * Hostile clients, part 1: hundreds of malformed bodies, generated deterministically from a seeded
 * PRNG, against every write endpoint of the contract. Each request is sent with valid credentials
 * to a target where a well-formed request would succeed, so a body the server wrongly accepts shows
 * up as a 2xx (and as a change in the snapshot), not as a 404 that hides it.
 */

const DAY = '2030-03-04';
/** 09:00 in Jakarta (WIB, UTC+7): the check-in window of the 09:00 slot is open. */
const NINE_WIB = '2030-03-04T02:00:00.000Z';
const BEFORE = '2030-03-01T00:00:00.000Z';

/** mulberry32: small, seedable, good enough to pick test cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

/** A JSON token written verbatim (JSON.stringify cannot write -0, 1e400 or 2^53+1 exactly). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

type Kind = 'string' | 'int' | 'bool' | 'object' | 'array';
interface Field {
  path: string[];
  kind: Kind;
  required: boolean;
  /** Values of the right JSON type that are still invalid for this field. */
  bad?: unknown[];
}

const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 1, new Raw('1e400'), new Raw('-1e400'), new Raw('9007199254740993'), new Raw('1E308')];
const NUMBERS: unknown[] = [0, 1, -1, 1.5, new Raw('-0'), ...HUGE_NUMBERS];
const STRINGS: unknown[] = ['', ' ', 'NaN', '-0', 'Infinity', '1', '1e308', 'true', 'null', 'x'.repeat(5000), '<script>alert(1)</script>', "' OR 1=1 --", 'NUL\u0000byte', '\ud800'];
const BOOLEANS: unknown[] = [true, false];
const ARRAYS: unknown[] = [[], [1], ['NEW'], [[[]]], [{}]];
const OBJECTS: unknown[] = [{}, { a: 1 }, { $gt: '' }, { toString: 'x' }, { length: 1e9 }];

/** Values of another JSON type than the field's kind; null only where the field is required (null is "absent" for optional fields). */
function wrongTypeValues(field: Field): unknown[] {
  const byKind: Record<Kind, unknown[]> = { string: STRINGS, int: NUMBERS, bool: BOOLEANS, array: ARRAYS, object: OBJECTS };
  const others = (Object.keys(byKind) as Kind[]).filter((k) => k !== field.kind).flatMap((k) => byKind[k]);
  return [...others, ...(field.required ? [null] : []), ...(field.bad ?? [])];
}

/** A copy of body with the value at path replaced (or removed when undefined); body itself when the path no longer exists. */
function setAt(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') return body;
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
  return copy;
}

function getAt(body: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], body);
}

/** Paths of every string leaf of a body. */
function stringPaths(body: unknown, prefix: string[] = []): string[][] {
  if (typeof body === 'string') return [prefix];
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  headers: Record<string, string>;
  /** A body that would succeed here; undefined for endpoints that take no body. */
  valid?: Record<string, unknown>;
  fields?: Field[];
  /** Every field optional: an empty body is a legitimate request, not a malformed one. */
  emptyIsValid?: boolean;
}

interface Case {
  label: string;
  body?: string | Buffer;
  contentType?: string | null;
}

const JSON_TYPE = 'application/json';

function structuralCases(endpoint: Endpoint, random: ReturnType<typeof prng>): Case[] {
  const valid = endpoint.valid ?? { unexpected: true };
  const text = toJson(valid);
  const firstField = Object.keys(valid)[0];
  const nestedKey = endpoint.fields?.find((f) => f.path.length > 1)?.path[0];
  const cases: Case[] = [
    // An empty body is no body (foundation-errors): malformed only where a body is needed.
    ...(endpoint.valid && !endpoint.emptyIsValid ? [{ label: 'empty body with content-type json', body: '', contentType: JSON_TYPE }] : []),
    { label: 'JSON null', body: 'null' },
    { label: 'JSON true', body: 'true' },
    { label: 'JSON number', body: '42' },
    { label: 'JSON -0', body: '-0' },
    { label: 'JSON string', body: '"hello"' },
    { label: 'JSON empty array', body: '[]' },
    { label: 'array of the valid body', body: `[${text}]` },
    { label: '2000 nested objects', body: deepObject(2000) },
    { label: '2000 nested arrays', body: deepArray(2000) },
    { label: '40000 nested arrays', body: deepArray(40000) },
    { label: '2000 nested objects under a field', body: text.replace(/}$/, `,"${firstField}x":${deepObject(2000)}}`) },
    { label: '2000 nested objects as a field value', body: toJson({ ...valid, [firstField]: new Raw(deepObject(2000)) }) },
    { label: 'unknown field', body: toJson({ ...valid, isAdmin: true }) },
    { label: 'unknown field "role"', body: toJson({ ...valid, role: 'ADMIN', officeCode: 'MAIN', status: 'DONE' }) },
    { label: '__proto__ at top level', body: text.replace(/^{/, '{"__proto__":{"polluted":"yes","isAdmin":true},') },
    { label: 'constructor.prototype at top level', body: text.replace(/^{/, '{"constructor":{"prototype":{"polluted":"yes"}},') },
    { label: 'duplicate key with a bad second value', body: text.replace(/}$/, `,${JSON.stringify(firstField)}:{"$ne":null}}`) },
    { label: 'invalid UTF-8 in a string', body: Buffer.concat([Buffer.from(text.replace(/}$/, ',"x":"')), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) },
    { label: 'invalid UTF-8 in a key', body: Buffer.concat([Buffer.from('{"'), Buffer.from([0xc0, 0xaf]), Buffer.from(`":1,${text.slice(1)}`)]) },
    { label: 'a bare 0xFF byte', body: Buffer.from([0xff]) },
    { label: 'body over the size limit', body: toJson({ ...valid, [firstField]: 'x'.repeat(120 * 1024) }) },
    { label: 'text/plain', body: text, contentType: 'text/plain' },
    { label: 'form-urlencoded', body: new URLSearchParams(Object.entries(valid).map(([k, v]) => [k, String(v)])).toString(), contentType: 'application/x-www-form-urlencoded' },
    { label: 'multipart', body: `--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n`, contentType: 'multipart/form-data; boundary=b' },
    { label: 'application/xml', body: '<x/>', contentType: 'application/xml' },
    { label: 'application/jsonx', body: text, contentType: 'application/jsonx' },
    { label: 'octet-stream', body: Buffer.from(text), contentType: 'application/octet-stream' },
    { label: 'JSON with a NUL byte', body: Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from(',"x":1\u0000}')]) },
    { label: 'single-quoted JSON', body: text.replace(/"/g, "'") },
    { label: 'trailing comma', body: text.replace(/}$/, ',}') },
    { label: 'two JSON documents', body: `${text}${text}` },
  ];
  if (nestedKey) {
    // Into the nested object (the first item when it is a list of objects).
    const inject = (pair: string) => toJson({ ...valid, [nestedKey]: new Raw(toJson(valid[nestedKey]).replace('{', `{${pair},`)) });
    cases.push(
      { label: `__proto__ inside ${nestedKey}`, body: inject('"__proto__":{"polluted":"yes"}') },
      { label: `constructor.prototype inside ${nestedKey}`, body: inject('"constructor":{"prototype":{"polluted":"yes"}}') },
      { label: `unknown field inside ${nestedKey}`, body: inject('"isAdmin":true') },
    );
  }
  // Invalid UTF-8 inside each string value of an otherwise valid body.
  for (const path of stringPaths(endpoint.valid)) {
    const [head, tail] = toJson(setAt(valid, path, `${String(getAt(valid, path))}@@BYTES@@`)).split('@@BYTES@@');
    cases.push({ label: `invalid UTF-8 in ${path.join('.')}`, body: Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(tail)]) });
  }
  if (!endpoint.emptyIsValid && endpoint.valid) {
    cases.push({ label: 'no body, no content-type', body: undefined, contentType: null }, { label: 'empty object', body: '{}' });
  }
  // Truncated JSON: the valid body cut at random places (never at its full length).
  for (let i = 0; i < 6; i++) {
    const cut = 1 + random.int(text.length - 1);
    cases.push({ label: `truncated at ${cut}/${text.length}`, body: text.slice(0, cut) });
  }
  return cases;
}

/** Field-level cases: every field missing, and random wrong values (one, two or three fields at once). */
function fieldCases(endpoint: Endpoint, random: ReturnType<typeof prng>, count: number): Case[] {
  const { valid, fields } = endpoint;
  if (!valid || !fields?.length) return [];
  const cases: Case[] = fields.filter((f) => f.required).map((f) => ({ label: `${f.path.join('.')} missing`, body: toJson(setAt(valid, f.path, undefined)) }));
  for (let i = 0; i < count; i++) {
    let body = valid;
    const changed: string[] = [];
    for (let n = 1 + random.int(3); n > 0; n--) {
      const field = random.pick(fields);
      const value = random.pick(wrongTypeValues(field));
      body = setAt(body, field.path, value);
      changed.push(`${field.path.join('.')}=${toJson(value).slice(0, 40)}`);
    }
    cases.push({ label: changed.join(' '), body: toJson(body) });
  }
  return cases;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Plain node:http, so the bytes, the content-type (or its absence) and the method are exactly what the case says. */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer, contentType?: string | null): Promise<RawResponse> {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const allHeaders: Record<string, string | number> = { ...headers };
  if (contentType !== null && (payload !== undefined || contentType)) allHeaders['content-type'] = contentType ?? JSON_TYPE;
  if (payload !== undefined) allHeaders['content-length'] = payload.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers: allHeaders }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('deployment: malformed bodies on every write endpoint', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let recStaff: string;
  let booking: { code: string; nik: string };
  let checkInBooking: { code: string; nik: string };
  let expressBooking: { code: string; nik: string };
  let cancelBooking: { code: string; nik: string };
  let laterSlotId: number;
  let reconciliationId: number;
  const codes: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    t.clock.set(BEFORE);
    const main = await createOffice(t, {
      code: 'MAIN',
      counters: 3,
      slots: [
        { date: DAY, start: '09:00', end: '09:30', capacity: 50 },
        { date: DAY, start: '10:00', end: '10:30', capacity: 50 },
      ],
    });
    laterSlotId = main.slots[1].id;
    staff = await staffOf(t, 'MAIN');
    booking = await bookFor(t, 'MAIN', main.slots[0].id, 1);
    checkInBooking = await bookFor(t, 'MAIN', main.slots[0].id, 2);
    expressBooking = await bookFor(t, 'MAIN', main.slots[0].id, 3);
    cancelBooking = await bookFor(t, 'MAIN', main.slots[0].id, 4);
    codes.push(booking.code, checkInBooking.code, expressBooking.code, cancelBooking.code);
    t.clock.set(NINE_WIB);

    // Counter 1 closed (open would succeed), 2 open with a waiting ticket (pause, close, call-next
    // would succeed), 3 open with a called ticket (recall, start, complete, no-show would succeed).
    for (const n of [1, 2, 3]) {
      await t.http.post('/offices/MAIN/walk-ins').set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(100 + n) }).expect(201);
    }
    await counterAction(t, staff, 'MAIN', 3, 'open').expect(200);
    await counterAction(t, staff, 'MAIN', 3, 'call-next').expect(200);
    await counterAction(t, staff, 'MAIN', 2, 'open').expect(200);

    // A pending reconciliation item in office REC, which keeps its DEGRADED override (a DELETE would clear it).
    await createOffice(t, { code: 'REC', counters: 1 });
    recStaff = await staffOf(t, 'REC');
    await switchMode(t, admin, 'REC', { mode: 'DEGRADED' }).expect(200);
    await t.http.post('/offices/REC/walk-ins').set(bearer(recStaff)).send({ serviceType: 'NEW', applicant: applicant(200) }).expect(201);
    await counterAction(t, recStaff, 'REC', 1, 'open').expect(200);
    await counterAction(t, recStaff, 'REC', 1, 'call-next').expect(200);
    await counterAction(t, recStaff, 'REC', 1, 'start').expect(200);
    await counterAction(t, recStaff, 'REC', 1, 'complete').expect(200);
    const pending = await t.http.get('/reconciliation?officeCode=REC&status=PENDING').set(bearer(recStaff)).expect(200);
    reconciliationId = pending.body[0].id;
  });
  afterAll(() => t.destroy());

  /** Everything the API shows, plus every table's row count (idempotency records, express requests, …). */
  async function snapshot() {
    const as = bearer(admin);
    const get = async (path: string) => (await t.http.get(path).set(as).expect(200)).body as unknown;
    const offices = (await get('/offices')) as Array<{ code: string }>;
    const perOffice = [];
    for (const { code } of offices) {
      perOffice.push({
        code,
        slots: await get(`/offices/${code}/slots?date=${DAY}`),
        counters: await get(`/offices/${code}/counters`),
        queue: await get(`/offices/${code}/queue`),
        mode: await get(`/service-modes/${code}`),
      });
    }
    const dataSource = t.app.get(DataSource);
    const rows: Record<string, number> = {};
    for (const { tableName } of dataSource.entityMetadatas) {
      const [{ count }] = (await dataSource.query(`SELECT COUNT(*) AS count FROM "${tableName}"`)) as Array<{ count: string | number }>;
      rows[tableName] = Number(count);
    }
    return {
      offices,
      perOffice,
      users: await get('/users'),
      audit: await get('/audit?limit=1000'),
      modes: await get('/service-modes'),
      history: await get('/service-modes/history'),
      express: await get('/express-requests'),
      pending: await get('/reconciliation?status=PENDING'),
      resolved: await get('/reconciliation?status=RESOLVED'),
      appointments: await Promise.all(codes.map((code) => get(`/appointments/${code}`))),
      rows,
    };
  }

  function endpoints(): Endpoint[] {
    const admin_ = bearer(admin);
    const staff_ = bearer(staff);
    const applicantFields = (prefix: string[]): Field[] => [
      { path: [...prefix, 'nik'], kind: 'string', required: true, bad: ['1234567890123456', '3174015213850001', '317401010185000', '31740101018500011', '３１７４０１０１０１８５０００１', ' 3174010101850001'] },
      { path: [...prefix, 'fullName'], kind: 'string', required: true, bad: ['', 'A', 'x'.repeat(101), '12345', 'Robert"); DROP TABLE users;--'] },
      { path: [...prefix, 'phone'], kind: 'string', required: true, bad: ['0812', '+6212345678', '08123456789012345', '0812-3456-789'] },
      { path: [...prefix, 'email'], kind: 'string', required: false, bad: ['not-an-email', `${'a'.repeat(250)}@x.id`] },
    ];
    const slotFields = (prefix: string[]): Field[] => [
      { path: [...prefix, 'date'], kind: 'string', required: true, bad: ['2030-02-30', '2030-3-4', '04-03-2030', '2030-03-04T00:00:00Z', '9999-12-31', '1999-12-31'] },
      { path: [...prefix, 'start'], kind: 'string', required: true, bad: ['24:00', '9:00', '09:60', '0900'] },
      { path: [...prefix, 'end'], kind: 'string', required: true, bad: ['25:00', '11:5', 'noon'] },
      { path: [...prefix, 'capacity'], kind: 'int', required: true, bad: [0, -1, 1.5, 10001, ...HUGE_NUMBERS, new Raw('-0')] },
    ];
    const modeFields: Field[] = [
      { path: ['mode'], kind: 'string', required: true, bad: ['normal', 'OFFLINE', 'DEGRADED '] },
      { path: ['reason'], kind: 'string', required: true, bad: ['', 'ab', 'x'.repeat(501), 'bad\u0000reason', '     '] },
      { path: ['expressPolicy'], kind: 'string', required: false, bad: ['defer', 'ALLOW'] },
      { path: ['bookingPolicy'], kind: 'string', required: false, bad: ['open', 'SOMETIMES'] },
      { path: ['message'], kind: 'string', required: false, bad: ['x'.repeat(501), 'nul\u0000', '  '] },
      { path: ['expectedRecoveryAt'], kind: 'string', required: false, bad: [
          'tomorrow', '2030-03-04', '2030-03-04T10:00:00', '2030-13-04T10:00:00Z',
          // ISO 8601 forms JavaScript's Date cannot read (these were a 500), and a year past the column
          '2026-W48-1T10:00:00Z', '2026-335T10:00:00Z', '20261201T100000Z', '2026-12-01T10:00:00,5Z', '2026-12-01T10Z', '9999-12-31T23:00:00-05:00',
        ] },
    ];
    const counterActions = ['open', 'pause', 'close', 'call-next', 'recall', 'start', 'complete', 'no-show'];
    const counterFor: Record<string, number> = { open: 1, pause: 2, close: 2, 'call-next': 2, recall: 3, start: 3, complete: 3, 'no-show': 3 };
    return [
      {
        name: 'POST /appointments',
        method: 'POST',
        path: '/appointments',
        headers: {},
        valid: { officeCode: 'MAIN', slotId: laterSlotId, serviceType: 'RENEWAL', express: true, applicant: { ...applicant(50), email: 'warga@example.id' } },
        fields: [
          { path: ['officeCode'], kind: 'string', required: true, bad: ['main', 'M', 'x'.repeat(21), 'MAIN ', 'MA IN'] },
          { path: ['slotId'], kind: 'int', required: true, bad: [0, -1, 1.5, 2 ** 31, ...HUGE_NUMBERS, new Raw('-0')] },
          { path: ['serviceType'], kind: 'string', required: true, bad: ['new', 'LOST', 'NEW '] },
          { path: ['express'], kind: 'bool', required: false },
          { path: ['applicant'], kind: 'object', required: true },
          ...applicantFields(['applicant']),
        ],
      },
      { name: 'PATCH /appointments/{code}', method: 'PATCH', path: `/appointments/${booking.code}`, headers: { 'x-applicant-nik': booking.nik }, valid: { slotId: laterSlotId }, fields: [{ path: ['slotId'], kind: 'int', required: true, bad: [0, -5, 2.5, 2 ** 31, ...HUGE_NUMBERS] }] },
      { name: 'DELETE /appointments/{code}', method: 'DELETE', path: `/appointments/${cancelBooking.code}`, headers: { 'x-applicant-nik': cancelBooking.nik } },
      { name: 'POST /appointments/{code}/express', method: 'POST', path: `/appointments/${expressBooking.code}/express`, headers: { 'x-applicant-nik': expressBooking.nik } },
      {
        name: 'POST /appointments/{code}/check-in',
        method: 'POST',
        path: `/appointments/${checkInBooking.code}/check-in`,
        headers: staff_,
        valid: { priority: true },
        fields: [{ path: ['priority'], kind: 'bool', required: false }],
        emptyIsValid: true,
      },
      {
        name: 'POST /auth/login',
        method: 'POST',
        path: '/auth/login',
        headers: {},
        valid: { ...ADMIN },
        fields: [
          { path: ['username'], kind: 'string', required: true, bad: ['', 'x'.repeat(65)] },
          { path: ['password'], kind: 'string', required: true, bad: ['', 'x'.repeat(257)] },
        ],
      },
      {
        name: 'POST /users',
        method: 'POST',
        path: '/users',
        headers: admin_,
        valid: { username: 'fuzz-user', password: 'a-long-enough-password', role: 'STAFF', officeCode: 'MAIN' },
        fields: [
          { path: ['username'], kind: 'string', required: true, bad: ['ab', 'x'.repeat(65), 'has space', 'ünï', '../etc'] },
          { path: ['password'], kind: 'string', required: true, bad: ['short', 'elevenchars', 'x'.repeat(257)] },
          { path: ['role'], kind: 'string', required: true, bad: ['admin', 'ROOT', 'STAFF '] },
          { path: ['officeCode'], kind: 'string', required: true, bad: ['main', 'x'] },
        ],
      },
      {
        name: 'POST /offices',
        method: 'POST',
        path: '/offices',
        headers: admin_,
        valid: { code: 'FUZZ', name: 'Kantor Imigrasi Fuzz', timeZone: 'Asia/Makassar', dailyExpressQuota: 3 },
        fields: [
          { path: ['code'], kind: 'string', required: true, bad: ['fuzz', 'F', 'X'.repeat(21), 'FU ZZ', 'FUZZ\n'] },
          { path: ['name'], kind: 'string', required: true, bad: ['', 'K', 'x'.repeat(121), 'Kantor\u0000Nul', '   ', '\t\n'] },
          { path: ['timeZone'], kind: 'string', required: true, bad: ['WIB', 'UTC+7', 'Asia/Atlantis', '../../etc/passwd'] },
          { path: ['dailyExpressQuota'], kind: 'int', required: true, bad: [-1, 1.5, 100001, ...HUGE_NUMBERS] },
        ],
      },
      { name: 'POST /offices/{officeCode}/counters', method: 'POST', path: '/offices/MAIN/counters', headers: admin_, valid: { number: 4 }, fields: [{ path: ['number'], kind: 'int', required: true, bad: [0, -1, 1000, 4.5, ...HUGE_NUMBERS, new Raw('-0')] }] },
      { name: 'POST /offices/{officeCode}/slots (one)', method: 'POST', path: '/offices/MAIN/slots', headers: admin_, valid: { date: DAY, start: '13:00', end: '13:30', capacity: 5 }, fields: slotFields([]) },
      {
        name: 'POST /offices/{officeCode}/slots (list)',
        method: 'POST',
        path: '/offices/MAIN/slots',
        headers: admin_,
        valid: { slots: [{ date: DAY, start: '14:00', end: '14:30', capacity: 5 }] },
        fields: [{ path: ['slots'], kind: 'array', required: true, bad: [[], new Array(1001).fill({ date: DAY, start: '15:00', end: '15:30', capacity: 1 })] }, ...slotFields(['slots', '0'])],
      },
      {
        name: 'POST /offices/{officeCode}/walk-ins',
        method: 'POST',
        path: '/offices/MAIN/walk-ins',
        headers: staff_,
        valid: { serviceType: 'REPLACEMENT', priority: true, express: true, applicant: applicant(60) },
        fields: [
          { path: ['serviceType'], kind: 'string', required: true, bad: ['replacement', 'DONE'] },
          { path: ['priority'], kind: 'bool', required: false },
          { path: ['express'], kind: 'bool', required: false },
          { path: ['applicant'], kind: 'object', required: true },
          ...applicantFields(['applicant']),
        ],
      },
      ...counterActions.map(
        (action): Endpoint => ({ name: `POST /offices/{officeCode}/counters/{n}/${action}`, method: 'POST', path: `/offices/MAIN/counters/${counterFor[action]}/${action}`, headers: staff_ }),
      ),
      { name: 'PUT /service-modes/global', method: 'PUT', path: '/service-modes/global', headers: admin_, valid: { mode: 'DEGRADED', reason: 'Fuzzing the mode switch', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED', message: 'Pakai loket', expectedRecoveryAt: '2030-03-04T10:00:00Z' }, fields: modeFields },
      { name: 'PUT /service-modes/offices/{officeCode}', method: 'PUT', path: '/service-modes/offices/MAIN', headers: admin_, valid: { mode: 'DEGRADED', reason: 'Fuzzing the office switch', expressPolicy: 'REJECT' }, fields: modeFields },
      { name: 'DELETE /service-modes/offices/{officeCode}', method: 'DELETE', path: '/service-modes/offices/REC', headers: admin_ },
      {
        name: 'POST /reconciliation/{id}/resolve',
        method: 'POST',
        path: `/reconciliation/${reconciliationId}/resolve`,
        headers: bearer(recStaff),
        valid: { note: 'SIMKIM ref 42' },
        fields: [{ path: ['note'], kind: 'string', required: false, bad: ['x'.repeat(501), 'nul\u0000note'] }],
        emptyIsValid: true,
      },
    ];
  }

  it('answers every malformed body with a 4xx in the contract error shape, stores nothing and stays healthy', async () => {
    const random = prng(20301204);
    const before = await snapshot();
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const failures: string[] = [];
    const seenCodes = new Map<string, number>();
    let sent = 0;

    for (const endpoint of endpoints()) {
      const cases = [...structuralCases(endpoint, random), ...fieldCases(endpoint, random, 25)];
      for (const c of cases) {
        const where = `${endpoint.name} [${c.label.slice(0, 120)}]`;
        let res: RawResponse;
        try {
          res = await send(t.url, endpoint.method, endpoint.path, endpoint.headers, c.body, c.contentType);
        } catch (error) {
          failures.push(`${where}: no response (${(error as Error).message})`);
          continue;
        }
        sent++;
        if (res.status < 400 || res.status > 499) {
          failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(res.text) as Record<string, unknown>;
        } catch {
          failures.push(`${where}: ${res.status} with a non-JSON body ${res.text.slice(0, 100)}`);
          continue;
        }
        const keys = Object.keys(body).filter((k) => !['statusCode', 'code', 'message', 'details'].includes(k));
        const shapeOk =
          body.statusCode === res.status && typeof body.code === 'string' && /^[A-Z][A-Z_]+$/.test(body.code) && typeof body.message === 'string' && keys.length === 0 && /application\/json/.test(String(res.headers['content-type']));
        if (!shapeOk) failures.push(`${where}: bad error body ${res.text.slice(0, 200)}`);
        if (/\bat .+:\d+:\d+|node_modules|SQLITE|QueryFailedError|SELECT |INSERT |FST_|Exception\b/.test(res.text)) failures.push(`${where}: internals in ${res.text.slice(0, 200)}`);
        seenCodes.set(`${res.status} ${String(body.code)}`, (seenCodes.get(`${res.status} ${String(body.code)}`) ?? 0) + 1);
      }
    }

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(800);
    // Mostly validation and parsing refusals; never an authentication mix-up.
    expect([...seenCodes.keys()].every((k) => /^(400 (VALIDATION_FAILED|MALFORMED_JSON)|413 PAYLOAD_TOO_LARGE|415 UNSUPPORTED_MEDIA_TYPE)$/.test(k))).toBe(true);

    // Nothing stored, nothing changed.
    expect(await snapshot()).toEqual(before);

    // Still healthy and still serving.
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);

    // The server runs in this process: its Object.prototype is ours.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('polluted');
  });

  it('answers hostile path parameters on write (and read) routes with a 4xx, storing nothing', async () => {
    const before = await snapshot();
    const values = ['%00', 'A%00B', '%FF', '%E0%A4%A', 'x'.repeat(2000), '0', '-1', '1.5', '1e3', '99999999999999999999', '2147483648', '-2147483649', '..%2F..%2Fetc', '%20', '%C3%BC', "'%20OR%201=1--", '__proto__', 'constructor'];
    const admin_ = bearer(admin);
    const slot = { date: DAY, start: '16:00', end: '16:30', capacity: 1 };
    const routes: Array<{ method: string; path: (p: string) => string; body?: unknown }> = [
      { method: 'GET', path: (p) => `/appointments/${p}` },
      { method: 'PATCH', path: (p) => `/appointments/${p}`, body: { slotId: laterSlotId } },
      { method: 'DELETE', path: (p) => `/appointments/${p}` },
      { method: 'POST', path: (p) => `/appointments/${p}/express` },
      { method: 'POST', path: (p) => `/appointments/${p}/check-in`, body: {} },
      { method: 'GET', path: (p) => `/offices/${p}` },
      { method: 'GET', path: (p) => `/offices/${p}/slots?date=${DAY}` },
      { method: 'GET', path: (p) => `/offices/${p}/board` },
      { method: 'GET', path: (p) => `/offices/${p}/queue` },
      { method: 'GET', path: (p) => `/offices/${p}/counters` },
      { method: 'GET', path: (p) => `/service-modes/${p}` },
      { method: 'POST', path: (p) => `/offices/${p}/counters`, body: { number: 9 } },
      { method: 'POST', path: (p) => `/offices/${p}/slots`, body: slot },
      { method: 'POST', path: (p) => `/offices/${p}/walk-ins`, body: { serviceType: 'NEW', applicant: applicant(70) } },
      { method: 'POST', path: (p) => `/offices/${p}/counters/1/open` },
      { method: 'POST', path: (p) => `/offices/MAIN/counters/${p}/open` },
      { method: 'POST', path: (p) => `/offices/MAIN/counters/${p}/call-next` },
      { method: 'POST', path: (p) => `/offices/MAIN/counters/${p}/complete` },
      { method: 'PUT', path: (p) => `/service-modes/offices/${p}`, body: { mode: 'DEGRADED', reason: 'Fuzzing the path' } },
      { method: 'DELETE', path: (p) => `/service-modes/offices/${p}` },
      { method: 'POST', path: (p) => `/reconciliation/${p}/resolve`, body: {} },
    ];
    const failures: string[] = [];
    for (const route of routes) {
      for (const value of values) {
        const path = route.path(value);
        const res = await send(t.url, route.method, path, admin_, route.body === undefined ? undefined : JSON.stringify(route.body));
        const ok = res.status >= 400 && res.status < 500 && (() => {
          try {
            const body = JSON.parse(res.text) as Record<string, unknown>;
            return body.statusCode === res.status && typeof body.code === 'string' && typeof body.message === 'string';
          } catch {
            return false;
          }
        })();
        if (!ok) failures.push(`${route.method} ${path.slice(0, 80)}: ${res.status} ${res.text.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    await t.http.get('/health').expect(200);
  });

  it('answers hostile headers on write routes with a 4xx, storing nothing', async () => {
    const before = await snapshot();
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { sub: 1, username: 'admin', role: 'ADMIN', officeCode: null, iat: Math.floor(Date.now() / 1000) };
    const [header, payload, signature] = admin.split('.');
    const tokens = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`,
      `${header}.${b64({ ...claims, role: 'ADMIN', sub: 999 })}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}xx`,
      'x'.repeat(8000),
    ];
    const office = { code: 'HDRS', name: 'Kantor Headers', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 };
    const cases: Array<{ label: string; method: string; path: string; headers: Record<string, string>; body: unknown }> = [
      ...tokens.map((token, i) => ({ label: `forged token ${i}`, method: 'POST', path: '/offices', headers: { authorization: `Bearer ${token}` }, body: office })),
      ...['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer  ', `Bearer ${admin} extra`, `Token ${admin}`].map((authorization) => ({ label: `Authorization "${authorization.slice(0, 20)}"`, method: 'POST', path: '/offices', headers: { authorization }, body: office })),
      ...['', 'x'.repeat(256), '\u00fc-not-ascii'].map((key) => ({
        label: `Idempotency-Key of ${key.length}`,
        method: 'POST',
        path: '/appointments',
        headers: { 'idempotency-key': key },
        body: { officeCode: 'MAIN', slotId: laterSlotId, serviceType: 'NEW', applicant: applicant(80) },
      })),
      ...['', '123', 'x'.repeat(5000), `${booking.nik}, ${booking.nik}`, '3174013213850001'].map((value) => ({
        label: `X-Applicant-NIK "${value.slice(0, 20)}"`,
        method: 'PATCH',
        path: `/appointments/${booking.code}`,
        headers: { 'x-applicant-nik': value },
        body: { slotId: laterSlotId },
      })),
      ...['abc', '"-1"', '"99999999999999999999"', '"1", "2"', 'W/"x"'].map((ifMatch) => ({
        label: `If-Match ${ifMatch}`,
        method: 'PUT',
        path: '/service-modes/global',
        headers: { ...bearer(admin), 'if-match': ifMatch },
        body: { mode: 'DEGRADED', reason: 'Header fuzzing' },
      })),
    ];
    const failures: string[] = [];
    for (const c of cases) {
      const res = await send(t.url, c.method, c.path, c.headers, JSON.stringify(c.body));
      const body = (() => {
        try {
          return JSON.parse(res.text) as Record<string, unknown>;
        } catch {
          return {};
        }
      })();
      if (res.status < 400 || res.status > 499 || body.statusCode !== res.status || typeof body.code !== 'string') failures.push(`${c.label}: ${res.status} ${res.text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('still does the real work afterwards: each fuzzed target accepts its valid request', async () => {
    const res = await send(t.url, 'PATCH', `/appointments/${booking.code}`, { 'x-applicant-nik': booking.nik }, JSON.stringify({ slotId: laterSlotId }));
    expect(res.status).toBe(200);
    expect((await send(t.url, 'DELETE', `/appointments/${cancelBooking.code}`, { 'x-applicant-nik': cancelBooking.nik })).status).toBe(200);
    expect((await send(t.url, 'POST', `/appointments/${expressBooking.code}/express`, { 'x-applicant-nik': expressBooking.nik })).status).toBe(201);
    expect((await send(t.url, 'POST', `/appointments/${checkInBooking.code}/check-in`, bearer(staff), '{}')).status).toBe(201);
    expect((await send(t.url, 'POST', `/reconciliation/${reconciliationId}/resolve`, bearer(recStaff))).status).toBe(200);
    expect((await send(t.url, 'POST', '/offices/MAIN/counters/1/open', bearer(staff))).status).toBe(200);
    expect((await send(t.url, 'DELETE', '/service-modes/offices/REC', bearer(admin))).status).toBe(200);
  });

  it('rejects hostile query strings on reads the same way', async () => {
    for (const path of [
      `/offices/MAIN/slots?date[]=${DAY}`,
      `/offices/MAIN/slots?date=${DAY}&date=${DAY}`,
      '/offices/MAIN/slots?__proto__[polluted]=yes',
      '/offices/MAIN/slots?constructor[prototype][polluted]=yes',
      '/audit?limit=1e308',
      '/audit?limit=-0',
      '/audit?limit=NaN',
      '/audit?limit=9007199254740993',
      '/audit?limit=1&limit=2',
    ]) {
      const res = await t.http.get(path).set(bearer(admin));
      expect([path, res.status]).toEqual([path, 400]);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    }
    // A bare __proto__ or constructor key is an unknown parameter like any other, named as such.
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const res = await t.http.get(`/audit?limit=5&${name}=x`).set(bearer(admin));
      expect([res.status, res.body.details]).toEqual([400, [{ field: name, problems: [`property ${name} should not exist`] }]]);
    }
    await t.http.get('/audit?limit=5').set(bearer(admin)).expect(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
