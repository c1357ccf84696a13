import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { applicant, bearer, createOffice, eventually, futureDate, staffOf, switchMode } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp } from './support/test-app';

/** The service-mode endpoints of the contract: who may read and switch, validation, versions, history, audit. */
describe('service modes API', () => {
  let t: TestApp;
  let admin: string;
  let staffA: string;
  let A: string;
  let B: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    A = (await createOffice(t, { code: 'API-A' })).code;
    B = (await createOffice(t, { code: 'API-B' })).code;
    staffA = await staffOf(t, A);
  });
  afterAll(() => t.destroy());

  describe('reading is public', () => {
    it('GET /service-modes lists the global mode and every office with its effective mode and override', async () => {
      const res = await t.http.get('/service-modes').expect(200);
      expect(res.body.global).toMatchObject({ scope: 'global', mode: 'NORMAL', expressPolicy: 'REJECT', bookingPolicy: 'OPEN', version: expect.any(Number) });
      for (const key of ['reason', 'message', 'expectedRecoveryAt', 'changedBy', 'changedAt']) expect(res.body.global).toHaveProperty(key);
      const codes = res.body.offices.map((o: { officeCode: string }) => o.officeCode);
      expect(codes).toEqual(expect.arrayContaining([A, B]));
      const a = res.body.offices.find((o: { officeCode: string }) => o.officeCode === A);
      expect(a).toEqual({ officeCode: A, effective: res.body.global, override: null });
    });

    it('GET /service-modes/{office} gives the effective mode; an unknown office is 404', async () => {
      const res = await t.http.get(`/service-modes/${A}`).expect(200);
      expect(res.body).toMatchObject({ scope: 'global', mode: 'NORMAL' });
      const missing = await t.http.get('/service-modes/NOPE-1').expect(404);
      expect(missing.body.code).toBe('OFFICE_NOT_FOUND');
    });

    it('GET /service-modes/global gives the global mode (what PUT /service-modes/global changes)', async () => {
      const res = await t.http.get('/service-modes/global').expect(200);
      expect(res.body).toEqual((await t.http.get('/service-modes').expect(200)).body.global);
    });
  });

  describe('switching needs an admin and a valid body', () => {
    it.each([
      ['global', '/service-modes/global'],
      ['an office', '/service-modes/offices/API-A'],
    ])('PUT for %s: 401 without a token, 401 with a bad token, 403 for staff', async (_, path) => {
      const body = { mode: 'DEGRADED', reason: 'core systems down' };
      expect((await t.http.put(path).send(body).expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await t.http.put(path).set(bearer('not-a-token')).send(body).expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await t.http.put(path).set(bearer(staffA)).send(body).expect(403)).body.code).toBe('FORBIDDEN');
      // Nothing changed.
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body.mode).toBe('NORMAL');
    });

    it('DELETE of an override: 401 without a token, 403 for staff', async () => {
      expect((await t.http.delete(`/service-modes/offices/${A}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await t.http.delete(`/service-modes/offices/${A}`).set(bearer(staffA)).expect(403)).body.code).toBe('FORBIDDEN');
    });

    it.each([
      ['no reason', { mode: 'DEGRADED' }, 'reason'],
      ['an empty reason', { mode: 'DEGRADED', reason: '' }, 'reason'],
      ['no mode', { reason: 'core systems down' }, 'mode'],
      ['an unknown mode', { mode: 'BROKEN', reason: 'core systems down' }, 'mode'],
      ['a lower-case mode', { mode: 'degraded', reason: 'core systems down' }, 'mode'],
      ['an unknown expressPolicy', { mode: 'DEGRADED', reason: 'core systems down', expressPolicy: 'QUEUE' }, 'expressPolicy'],
      ['an unknown bookingPolicy', { mode: 'DEGRADED', reason: 'core systems down', bookingPolicy: 'HALF' }, 'bookingPolicy'],
      ['a recovery time that is not an instant', { mode: 'DEGRADED', reason: 'core systems down', expectedRecoveryAt: 'soon' }, 'expectedRecoveryAt'],
      ['an unknown field', { mode: 'DEGRADED', reason: 'core systems down', colour: 'red' }, 'colour'],
    ])('400 VALIDATION_FAILED for %s', async (_, body, field) => {
      for (const path of ['/service-modes/global', `/service-modes/offices/${A}`]) {
        const res = await t.http.put(path).set(bearer(admin)).send(body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect((await t.http.get('/service-modes').expect(200)).body.global.mode).toBe('NORMAL');
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body.scope).toBe('global');
    });

    it('PUT for an unknown office is 404 OFFICE_NOT_FOUND', async () => {
      const res = await switchMode(t, admin, 'NOPE-1', { mode: 'DEGRADED' }).expect(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    });
  });

  describe('an office override', () => {
    afterAll(async () => {
      await t.http.delete(`/service-modes/offices/${A}`).set(bearer(admin)).expect(200);
    });

    it('defaults to expressPolicy REJECT and bookingPolicy OPEN and carries what the admin said', async () => {
      const recovery = new Date(Date.now() + 2 * 3600_000).toISOString();
      const res = await switchMode(t, admin, A, { mode: 'DEGRADED', reason: 'PDN outage', message: 'Layanan express ditunda.', expectedRecoveryAt: recovery }).expect(200);
      expect(res.body).toMatchObject({
        scope: A,
        mode: 'DEGRADED',
        expressPolicy: 'REJECT',
        bookingPolicy: 'OPEN',
        reason: 'PDN outage',
        message: 'Layanan express ditunda.',
        expectedRecoveryAt: recovery,
        changedBy: 'admin',
        version: 1,
      });
      expect(Date.parse(res.body.changedAt)).not.toBeNaN();
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body).toEqual(res.body);
      // Other offices and the global mode are untouched.
      expect((await t.http.get(`/service-modes/${B}`).expect(200)).body).toMatchObject({ scope: 'global', mode: 'NORMAL' });
      const overview = (await t.http.get('/service-modes').expect(200)).body;
      expect(overview.offices.find((o: { officeCode: string }) => o.officeCode === A)).toEqual({ officeCode: A, effective: res.body, override: res.body });
      expect(overview.global.mode).toBe('NORMAL');
    });

    it('increments its version on every switch; a stale If-Match is 412 and changes nothing; the current one is 200', async () => {
      const before = (await t.http.get(`/service-modes/${A}`).expect(200)).body;
      const next = await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED' }).expect(200);
      expect(next.body.version).toBe(before.version + 1);
      expect(next.body).toMatchObject({ expressPolicy: 'DEFER', bookingPolicy: 'CLOSED', message: null, expectedRecoveryAt: null });

      const stale = await switchMode(t, admin, A, { mode: 'NORMAL' }, `"${before.version}"`).expect(412);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body).toEqual(next.body);

      const current = await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'DEFER' }, `"${next.body.version}"`).expect(200);
      expect(current.body).toMatchObject({ version: next.body.version + 1, bookingPolicy: 'OPEN' });
      // If-Match compares strongly (RFC 9110): a weak tag of the current version does not match; a bare number is malformed.
      expect((await switchMode(t, admin, A, { mode: 'NORMAL' }, `W/"${current.body.version}"`).expect(412)).body.code).toBe('VERSION_CONFLICT');
      expect((await switchMode(t, admin, A, { mode: 'NORMAL' }, String(current.body.version)).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body).toEqual(current.body);
    });

    it('a malformed If-Match is 400', async () => {
      const res = await switchMode(t, admin, A, { mode: 'DEGRADED' }, 'yesterday').expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('DELETE returns the office to the global mode, honouring If-Match', async () => {
      const override = (await t.http.get(`/service-modes/${A}`).expect(200)).body;
      expect(override.scope).toBe(A);
      const stale = await t.http.delete(`/service-modes/offices/${A}`).set(bearer(admin)).set('If-Match', `"${override.version - 1}"`).expect(412);
      expect(stale.body.code).toBe('VERSION_CONFLICT');

      const removed = await t.http.delete(`/service-modes/offices/${A}`).set(bearer(admin)).set('If-Match', `"${override.version}"`).expect(200);
      expect(removed.body).toMatchObject({ scope: 'global', mode: 'NORMAL' });
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body).toMatchObject({ scope: 'global', mode: 'NORMAL' });
      const overview = (await t.http.get('/service-modes').expect(200)).body;
      expect(overview.offices.find((o: { officeCode: string }) => o.officeCode === A).override).toBeNull();

      // Now the office follows the global mode.
      const global = await switchMode(t, admin, 'global', { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      expect((await t.http.get(`/service-modes/${A}`).expect(200)).body).toEqual(global.body);
      await switchMode(t, admin, 'global', { mode: 'NORMAL' }, `"${global.body.version}"`).expect(200);
    });

    it('a stale If-Match from an earlier, removed override does not match a new one', async () => {
      const first = await switchMode(t, admin, A, { mode: 'DEGRADED' }, '"0"').expect(200);
      await t.http.delete(`/service-modes/offices/${A}`).set(bearer(admin)).expect(200);
      const second = await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      expect(second.body.version).not.toBe(first.body.version);
      const stale = await switchMode(t, admin, A, { mode: 'NORMAL' }, `"${first.body.version}"`).expect(412);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
    });

    it('an office without an override: the version it shows (the global one) is 412 saying to send "0"; "0" creates the override', async () => {
      const office = (await createOffice(t, { code: 'API-NOOVR' })).code;
      const shown = (await t.http.get(`/service-modes/${office}`).expect(200)).body;
      expect(shown.scope).toBe('global');
      const refused = await switchMode(t, admin, office, { mode: 'DEGRADED' }, `"${shown.version}"`).expect(412);
      expect(refused.body).toMatchObject({ code: 'VERSION_CONFLICT', message: expect.stringContaining('If-Match: "0"') });
      expect((await switchMode(t, admin, office, { mode: 'DEGRADED' }, '"0"').expect(200)).body).toMatchObject({ scope: office, mode: 'DEGRADED' });
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).expect(200);
    });
  });

  describe('the global mode', () => {
    it('versions like an override: stale If-Match 412, current 200', async () => {
      const before = (await t.http.get('/service-modes').expect(200)).body.global;
      const next = await switchMode(t, admin, 'global', { mode: 'DEGRADED' }, `"${before.version}"`).expect(200);
      expect(next.body).toMatchObject({ scope: 'global', mode: 'DEGRADED', expressPolicy: 'REJECT', bookingPolicy: 'OPEN', version: before.version + 1 });
      expect((await switchMode(t, admin, 'global', { mode: 'NORMAL' }, `"${before.version}"`).expect(412)).body.code).toBe('VERSION_CONFLICT');
      expect((await t.http.get('/service-modes').expect(200)).body.global.mode).toBe('DEGRADED');
      await switchMode(t, admin, 'global', { mode: 'NORMAL' }, `"${next.body.version}"`).expect(200);
    });
  });

  describe('history and audit', () => {
    it('GET /service-modes/history?scope= lists changes of that scope newest first, with from and to; admins only', async () => {
      const office = (await createOffice(t, { code: 'API-H' })).code;
      await switchMode(t, admin, office, { mode: 'DEGRADED', reason: 'first: outage' }).expect(200);
      await switchMode(t, admin, office, { mode: 'DEGRADED', expressPolicy: 'DEFER', reason: 'second: defer express' }).expect(200);
      await switchMode(t, admin, office, { mode: 'NORMAL', reason: 'third: recovered' }).expect(200);
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).expect(200);

      const res = await t.http.get(`/service-modes/history?scope=${office}`).set(bearer(admin)).expect(200);
      expect(res.body).toHaveLength(4);
      expect(res.body.map((h: { from: string; to: string }) => [h.from, h.to])).toEqual([
        ['NORMAL', 'NORMAL'],
        ['DEGRADED', 'NORMAL'],
        ['DEGRADED', 'DEGRADED'],
        ['NORMAL', 'DEGRADED'],
      ]);
      expect(res.body[1]).toMatchObject({ scope: office, reason: 'third: recovered', changedBy: 'admin' });
      expect(res.body[3]).toMatchObject({ scope: office, reason: 'first: outage' });
      const times = res.body.map((h: { changedAt: string }) => Date.parse(h.changedAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);

      const global = await t.http.get('/service-modes/history?scope=global').set(bearer(admin)).expect(200);
      expect(global.body.length).toBeGreaterThan(0);
      expect(global.body.every((h: { scope: string }) => h.scope === 'global')).toBe(true);

      expect((await t.http.get('/service-modes/history').expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await t.http.get('/service-modes/history').set(bearer(staffA)).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await t.http.get('/service-modes/history?scope=lower case').set(bearer(admin)).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('removing an override quotes a global reason of any allowed length (500 characters) within the history column', async () => {
      const office = (await createOffice(t, { code: 'API-LONG' })).code;
      const long = `PDN ${'x'.repeat(496)}`;
      await switchMode(t, admin, 'global', { mode: 'NORMAL', reason: long }).expect(200);
      await switchMode(t, admin, office, { mode: 'DEGRADED' }).expect(200);
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).expect(200);
      const [removal] = (await t.http.get(`/service-modes/history?scope=${office}`).set(bearer(admin)).expect(200)).body as Array<{ reason: string }>;
      expect(removal.reason).toMatch(/^Override removed; follows the global mode \(PDN x+…\)$/);
      expect(removal.reason.length).toBeLessThanOrEqual(500);
    });

    it('every switch and override removal writes an audit row', async () => {
      const office = (await createOffice(t, { code: 'API-AUD' })).code;
      await switchMode(t, admin, office, { mode: 'DEGRADED', reason: 'audit me' }).expect(200);
      await switchMode(t, admin, 'global', { mode: 'DEGRADED', reason: 'audit global' }).expect(200);
      await switchMode(t, admin, 'global', { mode: 'NORMAL', reason: 'audit global back' }).expect(200);
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).expect(200);

      const res = await t.http.get('/audit?limit=4').set(bearer(admin)).expect(200);
      expect(res.body).toHaveLength(4);
      expect(res.body.every((row: { actor: string }) => row.actor === 'admin')).toBe(true);
      const [removal, back, down, officeSwitch] = res.body;
      expect(removal.target).toContain(office);
      expect(removal.action).toMatch(/service-mode/);
      expect(back).toMatchObject({ action: 'service-mode.switch', details: expect.objectContaining({ from: 'DEGRADED', to: 'NORMAL', reason: 'audit global back' }) });
      expect(back.target).toMatch(/global/);
      expect(down).toMatchObject({ action: 'service-mode.switch', details: expect.objectContaining({ from: 'NORMAL', to: 'DEGRADED' }) });
      expect(officeSwitch.target).toContain(office);
      expect(officeSwitch.details).toMatchObject({ to: 'DEGRADED', reason: 'audit me' });
    });
  });

  describe('express walk-ins follow the express rule', () => {
    let W: string;
    let staffW: string;
    const walkIn = (n: number, express: boolean) => ({ serviceType: 'RENEWAL', express, applicant: applicant(n) });
    const queue = async () => (await t.http.get(`/offices/${W}/queue`).set(bearer(staffW)).expect(200)).body as Array<{ number: string; manual: boolean; expressRequest: { status: string } | null }>;

    beforeAll(async () => {
      W = (await createOffice(t, { code: 'API-WALK', counters: 1, dailyExpressQuota: 10 })).code;
      staffW = await staffOf(t, W);
    });

    it('NORMAL: 201 with an ACTIVE express request', async () => {
      const res = await t.http.post(`/offices/${W}/walk-ins`).set(bearer(staffW)).send(walkIn(501, true)).expect(201);
      expect(res.body).toMatchObject({ express: true, manual: false, expressRequest: { status: 'ACTIVE' } });
    });

    it('DEGRADED/REJECT: 503 EXPRESS_UNAVAILABLE with Retry-After and no ticket; a plain walk-in still works, manual', async () => {
      await switchMode(t, admin, W, { mode: 'DEGRADED', expressPolicy: 'REJECT', expectedRecoveryAt: new Date(Date.now() + 3600_000).toISOString() }).expect(200);
      const before = await queue();
      const refused = await t.http.post(`/offices/${W}/walk-ins`).set(bearer(staffW)).send(walkIn(502, true)).expect(503);
      expect(refused.body.code).toBe('EXPRESS_UNAVAILABLE');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
      expect(await queue()).toEqual(before);

      const plain = await t.http.post(`/offices/${W}/walk-ins`).set(bearer(staffW)).send(walkIn(502, false)).expect(201);
      expect(plain.body).toMatchObject({ manual: true, express: false, expressRequest: null });
      // The next walk-in number was not used up by the refused one.
      const numbers = (await queue()).map((ticket) => ticket.number);
      expect(numbers).toEqual([...before.map((ticket) => ticket.number), plain.body.number]);
      expect(plain.body.number).toBe('W002');
    });

    it('DEGRADED/DEFER: 202, ticket stored (manual) with a DEFERRED express request', async () => {
      await switchMode(t, admin, W, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      const res = await t.http.post(`/offices/${W}/walk-ins`).set(bearer(staffW)).send(walkIn(503, true)).expect(202);
      expect(res.body).toMatchObject({ manual: true, expressRequest: { status: 'DEFERRED', position: expect.any(Number) } });
      const stored = (await queue()).find((ticket) => ticket.number === res.body.number);
      expect(stored).toMatchObject({ manual: true, expressRequest: { status: 'DEFERRED' } });
      // The walk-in accepted in NORMAL was deferred by the switch, ahead of the new one.
      const deferred = await t.http.get(`/express-requests?officeCode=${W}&status=DEFERRED`).set(bearer(admin)).expect(200);
      expect(deferred.body.map((r: { ticketNumber: string; position: number }) => [r.ticketNumber, r.position])).toEqual([
        ['W001', 1],
        [res.body.number, 2],
      ]);
      expect(res.body.expressRequest.position).toBe(2);
    });
  });

  describe('release follows each office\'s effective mode', () => {
    const day = futureDate(2);
    const slots = [{ date: day, start: '09:00', end: '10:00', capacity: 10 }];
    const statusOf = async (code: string, n: number) => (await t.http.get(`/appointments/${code}`).set('X-Applicant-NIK', applicant(n).nik).expect(200)).body.express;
    const settle = () => t.app.get(ExpressReleaseService).idle();

    it('an override to NORMAL releases only its office; a DEGRADED override holds its requests until removed', async () => {
      const P = await createOffice(t, { code: 'API-REL-P', slots, dailyExpressQuota: 5 });
      const Q = await createOffice(t, { code: 'API-REL-Q', slots, dailyExpressQuota: 5 });
      await switchMode(t, admin, 'global', { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      const book = (office: { code: string; slots: Array<{ id: number }> }, n: number) =>
        t.http.post('/appointments').send({ officeCode: office.code, slotId: office.slots[0].id, serviceType: 'NEW', express: true, applicant: applicant(n) }).expect(202);
      const p = (await book(P, 601)).body.code;
      const q = (await book(Q, 602)).body.code;

      await switchMode(t, admin, P.code, { mode: 'NORMAL' }).expect(200);
      await settle();
      expect(await statusOf(p, 601)).toMatchObject({ status: 'ACTIVE', releasedAt: expect.any(String) });
      expect(await statusOf(q, 602)).toMatchObject({ status: 'DEFERRED', position: 1 });

      await switchMode(t, admin, Q.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      await switchMode(t, admin, 'global', { mode: 'NORMAL' }).expect(200);
      await settle();
      expect(await statusOf(q, 602)).toMatchObject({ status: 'DEFERRED', position: 1 });

      await t.http.delete(`/service-modes/offices/${Q.code}`).set(bearer(admin)).expect(200);
      await settle();
      expect(await statusOf(q, 602)).toMatchObject({ status: 'ACTIVE', releasedAt: expect.any(String) });

      await t.http.delete(`/service-modes/offices/${P.code}`).set(bearer(admin)).expect(200);
    });
  });

  // Several instances share PostgreSQL only: on SQLite a second one refuses to start (test/foundation-instance-lock).
  ((process.env.DB_TYPE ?? 'sqlite') === 'postgres' ? it : it.skip)('a second instance on the same database sees a switch within a second', async () => {
    const database = await createTestDatabase();
    const first = await createTestApp({ database });
    const second = await createTestApp({ database });
    try {
      const office = (await createOffice(first, { code: 'API-TWO' })).code;
      await switchMode(first, await first.adminToken(), office, { mode: 'DEGRADED' }).expect(200);
      const seen = await eventually(async () => {
        const res = await second.http.get(`/service-modes/${office}`);
        return res.body.mode === 'DEGRADED' ? res.body : null;
      }, 1000);
      expect(seen).toMatchObject({ scope: office, mode: 'DEGRADED' });
    } finally {
      await second.close();
      await first.destroy();
    }
  });
});
