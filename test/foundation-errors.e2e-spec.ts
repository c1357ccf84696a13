import { DataSource } from 'typeorm';
import { bearer, bookingBody, createOffice, detailFields, expectErrorBody, futureDate } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

/** Nothing in an error body may look like a stack trace, SQL or framework internals. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|SQLITE|QueryFailedError|SELECT |INSERT |FST_|Exception\b/);
}

describe('foundation: error bodies, limits and headers', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  const office = { code: 'ERR', name: 'Kantor Imigrasi Error', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 };

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(await t.adminToken());
  });
  afterAll(() => t.destroy());

  it('answers a validation failure with 400 VALIDATION_FAILED and per-field details', async () => {
    const res = await t.http.post('/offices').set(admin).send({ code: 'bad code', timeZone: 'WIB', dailyExpressQuota: -1, extra: true });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    expect(detailFields(res.body).sort()).toEqual(['code', 'dailyExpressQuota', 'extra', 'name', 'timeZone']);
    for (const detail of res.body.details) {
      expect(Object.keys(detail).sort()).toEqual(['field', 'problems']);
      expect(detail.problems.every((p: unknown) => typeof p === 'string')).toBe(true);
    }
    expectNoInternals(res.text);
  });

  it.each([
    ['GET', '/no/such/route'],
    ['GET', '/offices/ERR/nothing-here'],
    ['DELETE', '/offices'],
    ['PUT', '/auth/login'],
  ])('answers %s %s with 404 NOT_FOUND', async (method, path) => {
    const res = await t.http[method.toLowerCase() as 'get' | 'delete' | 'put'](path);
    expect(res.status).toBe(404);
    expectErrorBody(res.body, 404, 'NOT_FOUND');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expectNoInternals(res.text);
  });

  it.each([
    ['broken JSON', '{"code": "ERR",'],
    ['a bare word', 'hello'],
    ['a trailing comma', '{"code": "ERR",}'],
  ])('answers %s with 400 MALFORMED_JSON', async (_, raw) => {
    const res = await t.http.post('/offices').set(admin).set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, 'MALFORMED_JSON');
    expectNoInternals(res.text);
  });

  it('answers prototype poisoning with 400 and stores nothing', async () => {
    const res = await t.http.post('/offices').set(admin).set('Content-Type', 'application/json').send('{"code":"POISON","name":"Kantor","timeZone":"Asia/Jakarta","dailyExpressQuota":1,"__proto__":{"admin":true}}');
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, res.body.code);
    expectNoInternals(res.text);
    const list = await t.http.get('/offices');
    expect(list.body.map((o: { code: string }) => o.code)).not.toContain('POISON');
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a number', 42],
  ])('answers a JSON body that is %s with 400', async (_, body) => {
    const res = await t.http.post('/offices').set(admin).set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, res.body.code);
    expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(res.body.code);
  });

  it('answers a body over 100 kB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.http
      .post('/offices')
      .set(admin)
      .send({ ...office, name: 'x'.repeat(101 * 1024) });
    expect(res.status).toBe(413);
    expectErrorBody(res.body, 413, 'PAYLOAD_TOO_LARGE');
    expectNoInternals(res.text);
  });

  it('accepts a body just under the limit (then validates it as usual)', async () => {
    const res = await t.http
      .post('/offices')
      .set(admin)
      .send({ ...office, name: 'x'.repeat(90 * 1024) });
    expect(res.status).toBe(400);
    expect(detailFields(res.body)).toEqual(['name']);
  });

  it.each([
    ['text/plain', 'code=ERR'],
    ['application/x-www-form-urlencoded', 'code=ERR&name=Kantor&timeZone=Asia%2FJakarta&dailyExpressQuota=1'],
    ['application/xml', '<office code="ERR"/>'],
  ])('answers a %s body with 415 UNSUPPORTED_MEDIA_TYPE', async (type, raw) => {
    const res = await t.http.post('/offices').set(admin).set('Content-Type', type).send(raw);
    expect(res.status).toBe(415);
    expectErrorBody(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts JSON with a charset', async () => {
    const res = await t.http.post('/offices').set(admin).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify({ ...office, code: 'ERR-UTF8' }));
    expect(res.status).toBe(201);
  });

  it('answers 401, 403 and 409 in the same shape', async () => {
    expect((await t.http.post('/offices').set(admin).send(office)).status).toBe(201);
    const conflict = await t.http.post('/offices').set(admin).send(office);
    expectErrorBody(conflict.body, 409, 'OFFICE_EXISTS');
    const unauthenticated = await t.http.get('/audit');
    expectErrorBody(unauthenticated.body, 401, 'UNAUTHENTICATED');
  });

  describe('a JSON content type with an empty body', () => {
    beforeAll(async () => {
      await t.http.post('/offices').set(admin).send({ ...office, code: 'ERR-EMPTY' }).expect(201);
      await t.http.post('/offices/ERR-EMPTY/counters').set(admin).send({ number: 1 }).expect(201);
    });

    it('is no body: a route that takes none acts (many clients send the header on every request)', async () => {
      const res = await t.http.post('/offices/ERR-EMPTY/counters/1/open').set(admin).set('Content-Type', 'application/json');
      expect([res.status, res.body.status]).toEqual([200, 'OPEN']);
    });

    it('is a missing body where one is needed: 400 VALIDATION_FAILED, and nothing is stored', async () => {
      const before = (await t.http.get('/offices')).body as unknown[];
      const res = await t.http.post('/offices').set(admin).set('Content-Type', 'application/json');
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expectNoInternals(res.text);
      expect((await t.http.get('/offices')).body).toEqual(before);
    });
  });

  it.each([
    ['an undecodable %-escape', '/offices/%E0%A4%A/slots', 400],
    ['a path segment over 100 characters', `/offices/${'A'.repeat(101)}/slots`, 414],
  ])("answers an address Fastify's router refuses (%s) in the contract's shape, with the usual headers", async (_, path, status) => {
    const res = await t.http.get(path);
    expect(res.status).toBe(status);
    expectErrorBody(res.body, status, 'VALIDATION_FAILED');
    expect(detailFields(res.body)).toEqual(['url']);
    expectNoInternals(res.text);
    expect(res.text).not.toContain('AAAA');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('sends security headers (helmet) on success and on errors', async () => {
    for (const res of [await t.http.get('/offices'), await t.http.get('/no/such/route')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['content-security-policy']).toBeDefined();
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

// A full disk is made real with SQLite's own cap on the file's pages: writes then fail with SQLITE_FULL.
((process.env.DB_TYPE ?? 'sqlite') === 'sqlite' ? describe : describe.skip)('foundation: a database that cannot write right now', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After (not 500) while the disk is full, stores nothing, and writes again once there is room', async () => {
    const office = await createOffice(t, { slots: [{ date: futureDate(2), start: '09:00', end: '09:30', capacity: 500 }] });
    const dataSource = t.app.get(DataSource);
    const [{ page_count: pages }] = await dataSource.query('PRAGMA page_count');
    await dataSource.query(`PRAGMA max_page_count = ${pages}`);
    try {
      // Enough bookings at once that their pages cannot fit in the file as it is.
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => t.http.post('/appointments').send(bookingBody(office.code, office.slots[0].id, 7000 + i))));
      const full = answers.filter((a) => a.status !== 201);
      expect(full.length).toBeGreaterThan(0);
      for (const a of full) {
        expectErrorBody(a.body, 503, 'SERVICE_UNAVAILABLE');
        expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
        expectNoInternals(a.text);
      }
      const slots = await t.http.get(`/offices/${office.code}/slots`).query({ date: futureDate(2) }).expect(200);
      expect(slots.body[0].booked).toBe(answers.length - full.length);
    } finally {
      await dataSource.query('PRAGMA max_page_count = 1073741823');
    }
    await t.http.post('/appointments').send(bookingBody(office.code, office.slots[0].id, 7999)).expect(201);
  });
});
