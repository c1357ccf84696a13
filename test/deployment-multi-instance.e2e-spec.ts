import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { applicant, bearer, createOffice, futureDate, staffOf } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from './support/test-app';

/**
 * Two app instances on one PostgreSQL database, as a national deployment runs them. Only the
 * database keeps them correct: each instance has its own process state (write queue, caches).
 * SQLite is single-instance by design, so this file runs in the PostgreSQL suite only.
 */
const onPostgres = (process.env.DB_TYPE ?? 'sqlite') === 'postgres';
(onPostgres ? describe : describe.skip)('two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One starts first so migrations run once; the second finds them applied.
    a = await createTestApp({ database, env: { EXPRESS_RELEASE_BATCH_SIZE: '7', EXPRESS_RELEASE_INTERVAL_MS: '100' } });
    b = await createTestApp({ database, env: { EXPRESS_RELEASE_BATCH_SIZE: '7', EXPRESS_RELEASE_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('never overbooks when a stampede is split across both instances', async () => {
    const office = await createOffice(a, { slots: [{ date: futureDate(3), start: '09:00', end: '09:30', capacity: 10 }] });
    const slotId = office.slots[0].id;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).http.post('/appointments').send({ officeCode: office.code, slotId, serviceType: 'NEW', applicant: applicant(1000 + i) })),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(10);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'SLOT_FULL')).toHaveLength(190);
    const slots = await b.http.get(`/offices/${office.code}/slots`).query({ date: futureDate(3) }).expect(200);
    expect(slots.body[0]).toMatchObject({ booked: 10, available: 0 });
  });

  it('enforces on one instance a mode switched through the other within a second', async () => {
    const office = await createOffice(a, { slots: [{ date: futureDate(3), start: '10:00', end: '10:30', capacity: 50 }] });
    await a.http
      .put(`/service-modes/offices/${office.code}`)
      .set(bearer(await a.adminToken()))
      .send({ mode: 'DEGRADED', reason: 'Pusat Data Nasional down', expressPolicy: 'REJECT' })
      .expect(200);
    const switchedAt = Date.now();
    let refused = false;
    let n = 2000;
    while (!refused && Date.now() - switchedAt < 1000) {
      const res = await b.http.post('/appointments').send({ officeCode: office.code, slotId: office.slots[0].id, serviceType: 'NEW', express: true, applicant: applicant(n++) });
      refused = res.status === 503 && res.body.code === 'EXPRESS_UNAVAILABLE';
    }
    expect(refused).toBe(true);
    expect((await b.http.get(`/service-modes/${office.code}`).expect(200)).body.mode).toBe('DEGRADED');
  });

  it('never hands one ticket to two counters on different instances', async () => {
    const office = await createOffice(a, { counters: 4 });
    const staffA = await staffOf(a, office.code, `staff-a-${office.code.toLowerCase()}`);
    const staffB = await staffOf(b, office.code, `staff-b-${office.code.toLowerCase()}`);
    for (let i = 0; i < 40; i++) {
      await a.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staffA)).send({ serviceType: 'NEW', applicant: applicant(3000 + i) }).expect(201);
    }
    const counters = [
      { t: a, token: staffA, n: 1 },
      { t: b, token: staffB, n: 2 },
      { t: a, token: staffA, n: 3 },
      { t: b, token: staffB, n: 4 },
    ];
    for (const c of counters) await c.t.http.post(`/offices/${office.code}/counters/${c.n}/open`).set(bearer(c.token)).expect(200);
    const called: string[] = [];
    for (let round = 0; round < 20; round++) {
      const calls = await Promise.all(counters.map((c) => c.t.http.post(`/offices/${office.code}/counters/${c.n}/call-next`).set(bearer(c.token))));
      for (const res of calls) {
        expect([200, 404]).toContain(res.status);
        if (res.status === 200) called.push(res.body.number);
      }
      if (calls.every((r) => r.status === 404)) break;
      await Promise.all(
        calls.map(async (res, i) => {
          if (res.status !== 200) return;
          const { t, token, n } = counters[i];
          await t.http.post(`/offices/${office.code}/counters/${n}/start`).set(bearer(token)).expect(200);
          await t.http.post(`/offices/${office.code}/counters/${n}/complete`).set(bearer(token)).expect(200);
        }),
      );
    }
    expect(called).toHaveLength(40);
    expect(new Set(called).size).toBe(40);
  });

  it('releases each deferred express request once, whichever instance gets there', async () => {
    const date = futureDate(4);
    const office = await createOffice(a, { dailyExpressQuota: 100, slots: [{ date, start: '09:00', end: '09:30', capacity: 100 }] });
    const admin = await a.adminToken();
    await a.http.put(`/service-modes/offices/${office.code}`).set(bearer(admin)).send({ mode: 'DEGRADED', reason: 'core down', expressPolicy: 'DEFER' }).expect(200);
    for (let i = 0; i < 30; i++) {
      await (i % 2 ? a : b).http
        .post('/appointments')
        .send({ officeCode: office.code, slotId: office.slots[0].id, serviceType: 'NEW', express: true, applicant: applicant(4000 + i) })
        .expect(202);
    }
    const releasedBefore = a.app.get(ExpressReleaseService).releasedByThisInstance + b.app.get(ExpressReleaseService).releasedByThisInstance;
    await b.http.put(`/service-modes/offices/${office.code}`).set(bearer(admin)).send({ mode: 'NORMAL', reason: 'recovered' }).expect(200);

    const deadline = Date.now() + 10_000;
    let requests: Array<{ status: string; releasedAt: string | null; requestedAt: string }> = [];
    while (Date.now() < deadline) {
      requests = (await a.http.get('/express-requests').query({ officeCode: office.code }).set(bearer(admin)).expect(200)).body;
      if (requests.every((r) => r.status === 'ACTIVE')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(requests).toHaveLength(30);
    expect(requests.every((r) => r.status === 'ACTIVE' && r.releasedAt !== null)).toBe(true);
    // Both instances' releasers ran; between them they changed each request exactly once.
    await a.app.get(ExpressReleaseService).idle();
    await b.app.get(ExpressReleaseService).idle();
    const releasedAfter = a.app.get(ExpressReleaseService).releasedByThisInstance + b.app.get(ExpressReleaseService).releasedByThisInstance;
    expect(releasedAfter - releasedBefore).toBe(30);
  });
});
