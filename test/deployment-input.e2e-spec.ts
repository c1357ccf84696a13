import { DataSource } from 'typeorm';
import { applicant, bearer, bookFor, counterAction, createOffice, detailFields, expectErrorBody, staffOf, switchMode } from './support/fixtures';
import { ADMIN, createTestApp, TestApp } from './support/test-app';

/*
 * Hostile clients, part 3: input that passed the validators and then failed further in (a 500) or
 * was stored other than sent. Each request here is refused with 400 VALIDATION_FAILED naming the
 * field, and changes nothing.
 */

const DAY = '2030-03-04';
const BEFORE = '2030-03-01T00:00:00.000Z';
const SLOT = { date: DAY, start: '13:00', end: '13:30', capacity: 5 };

/** `n` characters that validator.js counts as `n / 2`: a letter followed by the variation selector U+FE0F. */
const selected = (codePoints: number) => 'a\ufe0f'.repeat(codePoints / 2);

type Method = 'get' | 'post' | 'patch' | 'put';

interface Refusal {
  label: string;
  method: Method;
  path: () => string;
  headers: () => Record<string, string>;
  body?: () => object;
  field: string;
}

describe('deployment: input that used to get past validation', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let recStaff: string;
  let slotId: number;
  let laterSlotId: number;
  let booking: { code: string; nik: string };
  let reconciliationId: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    t.clock.set(BEFORE);
    const main = await createOffice(t, {
      code: 'MAIN',
      counters: 1,
      slots: [
        { date: DAY, start: '09:00', end: '09:30', capacity: 50 },
        { date: DAY, start: '10:00', end: '10:30', capacity: 50 },
      ],
    });
    [slotId, laterSlotId] = main.slots.map((s) => s.id);
    staff = await staffOf(t, 'MAIN');
    booking = await bookFor(t, 'MAIN', slotId, 1);

    // A pending reconciliation item: work done in a DEGRADED office.
    await createOffice(t, { code: 'REC', counters: 1 });
    recStaff = await staffOf(t, 'REC');
    await switchMode(t, admin, 'REC', { mode: 'DEGRADED' }).expect(200);
    await t.http.post('/offices/REC/walk-ins').set(bearer(recStaff)).send({ serviceType: 'NEW', applicant: applicant(200) }).expect(201);
    for (const action of ['open', 'call-next', 'start', 'complete']) await counterAction(t, recStaff, 'REC', 1, action).expect(200);
    const pending = await t.http.get('/reconciliation?officeCode=REC&status=PENDING').set(bearer(recStaff)).expect(200);
    reconciliationId = pending.body[0].id;
  });
  afterAll(() => t.destroy());

  /** What a refused request could have changed: every table's row count, and what the API shows. */
  async function snapshot() {
    const dataSource = t.app.get(DataSource);
    const rows: Record<string, number> = {};
    for (const { tableName } of dataSource.entityMetadatas) {
      const [{ count }] = (await dataSource.query(`SELECT COUNT(*) AS count FROM "${tableName}"`)) as Array<{ count: string | number }>;
      rows[tableName] = Number(count);
    }
    const get = async (path: string) => (await t.http.get(path).set(bearer(admin)).expect(200)).body as unknown;
    return {
      rows,
      offices: await get('/offices'),
      modes: await get('/service-modes'),
      slots: await get(`/offices/MAIN/slots?date=${DAY}`),
      booking: await get(`/appointments/${booking.code}`),
      reconciliation: await get('/reconciliation?status=PENDING'),
      users: await get('/users'),
    };
  }

  function send(r: Pick<Refusal, 'method' | 'path' | 'headers' | 'body'>) {
    const req = t.http[r.method](r.path()).set(r.headers());
    return r.body ? req.send(r.body()) : req;
  }

  /** Sends each request and expects 400 VALIDATION_FAILED naming exactly `field`, with nothing changed. */
  async function expectRefused(refusals: Refusal[]) {
    const before = await snapshot();
    const answers = [];
    for (const r of refusals) {
      const res = await send(r);
      answers.push({ label: r.label, status: res.status, code: res.body.code, fields: detailFields(res.body) });
      if (res.status === 400) expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    }
    expect(answers).toEqual(refusals.map((r) => ({ label: r.label, status: 400, code: 'VALIDATION_FAILED', fields: [r.field] })));
    expect(await snapshot()).toEqual(before);
  }

  const asAdmin = () => bearer(admin);
  const asStaff = () => bearer(staff);
  const asRecStaff = () => bearer(recStaff);
  const asCitizen = () => ({ 'X-Applicant-NIK': booking.nik });
  const nobody = () => ({});
  const booked = (n: number, extra: object = {}, applicantExtra: object = {}) => () => ({ officeCode: 'MAIN', slotId: laterSlotId, serviceType: 'NEW', applicant: { ...applicant(n), ...applicantExtra }, ...extra });
  const walkIn = (n: number, extra: object = {}, applicantExtra: object = {}) => () => ({ serviceType: 'NEW', applicant: { ...applicant(n), ...applicantExtra }, ...extra });
  // A fresh office code and username each time, so a refusal cannot hide behind OFFICE_EXISTS or USERNAME_TAKEN.
  let serial = 0;
  const office = (extra: object) => () => ({ code: `NEW-${++serial}`, name: 'Kantor Imigrasi Baru', timeZone: 'Asia/Jakarta', dailyExpressQuota: 2, ...extra });
  const mode = (extra: object) => () => ({ mode: 'DEGRADED', reason: 'Pusat Data Nasional down', ...extra });
  const user = (extra: object) => () => ({ username: `new-staff-${++serial}`, password: 'a-long-enough-password', role: 'STAFF', officeCode: 'MAIN', ...extra });

  describe('a lone surrogate (half of a UTF-16 pair, sent as a \\uXXXX escape) anywhere in a JSON body', () => {
    it('is refused, naming the field, where class-validator used to throw a URIError (500) or the text was stored as U+FFFD', async () => {
      // JSON.stringify writes a lone surrogate as its \uXXXX escape, as a hostile client would.
      await expectRefused([
        { label: 'booking email', method: 'post', path: () => '/appointments', headers: nobody, body: booked(10, {}, { email: 'a\ud800@x.com' }), field: 'applicant.email' },
        { label: 'walk-in email', method: 'post', path: () => '/offices/MAIN/walk-ins', headers: asStaff, body: walkIn(11, {}, { email: 'a\udfff@x.com' }), field: 'applicant.email' },
        { label: 'booking full name', method: 'post', path: () => '/appointments', headers: nobody, body: booked(12, {}, { fullName: 'Siti \udc00' }), field: 'applicant.fullName' },
        { label: 'office name', method: 'post', path: () => '/offices', headers: asAdmin, body: office({ name: 'Kantor \ud800 Baru' }), field: 'name' },
        { label: 'global mode reason', method: 'put', path: () => '/service-modes/global', headers: asAdmin, body: mode({ reason: 'Pusat \udbff Data' }), field: 'reason' },
        { label: 'office mode message', method: 'put', path: () => '/service-modes/offices/MAIN', headers: asAdmin, body: mode({ message: 'Datang \ud800 besok' }), field: 'message' },
        { label: 'reconciliation note', method: 'post', path: () => `/reconciliation/${reconciliationId}/resolve`, headers: asRecStaff, body: () => ({ note: 'SIMKIM \udc00' }), field: 'note' },
        { label: 'new user password', method: 'post', path: () => '/users', headers: asAdmin, body: user({ password: 'abcdefghijk\ud800' }), field: 'password' },
        { label: 'login password', method: 'post', path: () => '/auth/login', headers: nobody, body: () => ({ ...ADMIN, password: `${ADMIN.password}\ud800` }), field: 'password' },
        { label: 'a field name', method: 'patch', path: () => `/appointments/${booking.code}`, headers: asCitizen, body: () => ({ slotId: laterSlotId, ['slot\ud800']: 1 }), field: 'body' },
      ]);
    });

    it('is not confused with a whole surrogate pair, which is one character and stored as sent', async () => {
      const name = 'Kantor Imigrasi \u{1F6C2} Paspor';
      await t.http.post('/offices').set(asAdmin()).send({ code: 'PAIR', name, timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }).expect(201);
      expect((await t.http.get('/offices/PAIR').expect(200)).body.name).toBe(name);
    });
  });

  describe('length limits count characters as the database does (code points: a variation selector is one)', () => {
    it('refuses text longer than its column, though validator.js counted it as half as long', async () => {
      await expectRefused([
        { label: 'office name', method: 'post', path: () => '/offices', headers: asAdmin, body: office({ name: selected(122) }), field: 'name' },
        { label: 'office name twice the limit', method: 'post', path: () => '/offices', headers: asAdmin, body: office({ name: selected(240) }), field: 'name' },
        { label: 'global reason', method: 'put', path: () => '/service-modes/global', headers: asAdmin, body: mode({ reason: selected(502) }), field: 'reason' },
        { label: 'global message', method: 'put', path: () => '/service-modes/global', headers: asAdmin, body: mode({ message: selected(1000) }), field: 'message' },
        { label: 'office reason', method: 'put', path: () => '/service-modes/offices/MAIN', headers: asAdmin, body: mode({ reason: selected(502) }), field: 'reason' },
        { label: 'office message', method: 'put', path: () => '/service-modes/offices/MAIN', headers: asAdmin, body: mode({ message: selected(502) }), field: 'message' },
        { label: 'reconciliation note', method: 'post', path: () => `/reconciliation/${reconciliationId}/resolve`, headers: asRecStaff, body: () => ({ note: selected(502) }), field: 'note' },
        { label: 'new user password', method: 'post', path: () => '/users', headers: asAdmin, body: user({ password: selected(258) }), field: 'password' },
        { label: 'login username', method: 'post', path: () => '/auth/login', headers: nobody, body: () => ({ username: selected(66), password: ADMIN.password }), field: 'username' },
        { label: 'login password', method: 'post', path: () => '/auth/login', headers: nobody, body: () => ({ username: ADMIN.username, password: selected(258) }), field: 'password' },
        { label: 'audit target filter', method: 'get', path: () => `/audit?target=${encodeURIComponent(selected(122))}`, headers: asAdmin, field: 'target' },
        { label: 'audit action filter', method: 'get', path: () => `/audit?action=${encodeURIComponent(selected(66))}`, headers: asAdmin, field: 'action' },
      ]);
    });

    it('accepts text exactly as long as its column, and stores it as sent', async () => {
      const name = selected(120);
      await t.http.post('/offices').set(asAdmin()).send({ code: 'LONG', name, timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }).expect(201);
      expect((await t.http.get('/offices/LONG').expect(200)).body.name).toBe(name);

      const reason = selected(500);
      const message = `${selected(498)}ok`;
      const switched = await switchMode(t, admin, 'LONG', { mode: 'DEGRADED', reason, message }).expect(200);
      expect(switched.body).toMatchObject({ reason, message });

      const note = selected(500);
      await t.http.post(`/reconciliation/${reconciliationId}/resolve`).set(asRecStaff()).send({ note }).expect(200);
      const resolved = (await t.http.get('/reconciliation?officeCode=REC&status=RESOLVED').set(asRecStaff()).expect(200)).body as Array<{ id: number }>;
      expect(resolved.map((item) => item.id)).toEqual([reconciliationId]);
    });
  });

  describe('lists and nested objects of the wrong shape', () => {
    it('refuses a slot list holding a list (or anything but an object), naming the item, where the service used to fail with a TypeError (500)', async () => {
      const slots = (items: unknown[]) => () => ({ slots: items });
      const post = (label: string, items: unknown[], field: string): Refusal => ({ label, method: 'post', path: () => '/offices/MAIN/slots', headers: asAdmin, body: slots(items), field });
      await expectRefused([
        post('an empty list in the list', [[]], 'slots.0'),
        post('a slot wrapped in a list', [[SLOT]], 'slots.0'),
        post('a list after a slot', [SLOT, [{ ...SLOT, start: '14:00', end: '14:30' }]], 'slots.1'),
        post('null after a slot', [SLOT, null], 'slots.1'),
        post('a number after a slot', [SLOT, 5], 'slots.1'),
        post('a string after a slot', [SLOT, '13:00'], 'slots.1'),
      ]);
    });

    it('refuses a list where the applicant object belongs, naming the applicant', async () => {
      await expectRefused([
        { label: 'booking', method: 'post', path: () => '/appointments', headers: nobody, body: () => ({ ...booked(20)(), applicant: [applicant(20)] }), field: 'applicant' },
        { label: 'walk-in', method: 'post', path: () => '/offices/MAIN/walk-ins', headers: asStaff, body: () => ({ ...walkIn(21)(), applicant: [[applicant(21)]] }), field: 'applicant' },
      ]);
    });
  });

  describe('field names every JavaScript object already has', () => {
    it('are unknown fields like any other, refused by name, not silently dropped', async () => {
      await expectRefused([
        { label: 'walk-in constructor', method: 'post', path: () => '/offices/MAIN/walk-ins', headers: asStaff, body: walkIn(30, { constructor: 1 }), field: 'constructor' },
        { label: 'walk-in applicant.constructor', method: 'post', path: () => '/offices/MAIN/walk-ins', headers: asStaff, body: walkIn(31, {}, { constructor: 'x' }), field: 'applicant.constructor' },
        { label: 'reschedule constructor', method: 'patch', path: () => `/appointments/${booking.code}`, headers: asCitizen, body: () => ({ slotId: laterSlotId, constructor: 1 }), field: 'constructor' },
        { label: 'booking toString', method: 'post', path: () => '/appointments', headers: nobody, body: booked(32, { toString: 'x' }), field: 'toString' },
        { label: 'booking applicant.valueOf', method: 'post', path: () => '/appointments', headers: nobody, body: booked(33, {}, { valueOf: 1 }), field: 'applicant.valueOf' },
        { label: 'office prototype', method: 'post', path: () => '/offices', headers: asAdmin, body: office({ prototype: {} }), field: 'prototype' },
        { label: 'slot hasOwnProperty', method: 'post', path: () => '/offices/MAIN/slots', headers: asAdmin, body: () => ({ slots: [{ ...SLOT, hasOwnProperty: true }] }), field: 'slots.0.hasOwnProperty' },
        { label: 'mode __defineGetter__', method: 'put', path: () => '/service-modes/global', headers: asAdmin, body: mode({ __defineGetter__: 1 }), field: '__defineGetter__' },
        { label: 'check-in isPrototypeOf', method: 'post', path: () => `/appointments/${booking.code}/check-in`, headers: asStaff, body: () => ({ priority: true, isPrototypeOf: 1 }), field: 'isPrototypeOf' },
        { label: 'resolve constructor', method: 'post', path: () => `/reconciliation/${reconciliationId}/resolve`, headers: asRecStaff, body: () => ({ constructor: 'x' }), field: 'constructor' },
      ]);
    });
  });

  describe('the size of a refusal', () => {
    it('refuses an over-long slot list before looking at its items: one problem, a small body, at once', async () => {
      const before = await snapshot();
      const started = Date.now();
      const res = await t.http.post('/offices/MAIN/slots').set(asAdmin()).send({ slots: Array.from({ length: 20_000 }, () => ({})) });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toEqual(['slots']);
      expect(res.text.length).toBeLessThan(1000);
      // Validating the 20,000 items took about 2 s (and answered 9.9 MB).
      expect(elapsed).toBeLessThan(1000);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a list where an object belongs without validating each item as the object', async () => {
      const res = await t.http.post('/appointments').send({ ...booked(40)(), applicant: Array.from({ length: 20_000 }, () => ({})) });
      expect(res.status).toBe(400);
      expect(detailFields(res.body)).toEqual(['applicant']);
      expect(res.text.length).toBeLessThan(1000);
    });

    it('lists at most 20 problems and says how many more there were', async () => {
      const before = await snapshot();
      const unknown = Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`k${i}`, 1]));
      const res = await t.http.post('/appointments').send(booked(41, {}, unknown)());
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toEqual(Array.from({ length: 20 }, (_, i) => `applicant.k${i}`));
      expect(res.body.message).toContain('8980');
      expect(res.text.length).toBeLessThan(4000);
      expect(await snapshot()).toEqual(before);

      // Up to the cap, every problem is listed and the message is the usual one.
      const few = await t.http.post('/appointments').send(booked(42, {}, { a: 1, b: 2 })());
      expect(detailFields(few.body)).toEqual(['applicant.a', 'applicant.b']);
      expect(few.body.message).not.toMatch(/\d/);
    });
  });
});
