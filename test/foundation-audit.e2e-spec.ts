import { bearer, detailFields, expectErrorBody, staffOf } from './support/fixtures';
import { ADMIN, createTestApp, TestApp } from './support/test-app';

interface AuditRow {
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

describe('foundation: audit of admin actions', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  const audit = async (query: Record<string, unknown> = {}) => {
    const res = await t.http.get('/audit').query(query).set(admin);
    expect(res.status).toBe(200);
    return res.body as AuditRow[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(await t.adminToken());
  });
  afterAll(() => t.destroy());

  it('records the bootstrap admin as created by the system', async () => {
    const rows = await audit();
    expect(rows).toContainEqual(expect.objectContaining({ actor: 'system', action: 'user.create', target: `user:${ADMIN.username}` }));
  });

  it('writes one row per admin action (office, counter, slots, user), newest first', async () => {
    const before = Date.now();
    expect((await t.http.post('/offices').set(admin).send({ code: 'AUD', name: 'Kantor Imigrasi Audit', timeZone: 'Asia/Makassar', dailyExpressQuota: 3 })).status).toBe(201);
    expect((await t.http.post('/offices/AUD/counters').set(admin).send({ number: 1 })).status).toBe(201);
    const slots = await t.http
      .post('/offices/AUD/slots')
      .set(admin)
      .send({ slots: [{ date: '2030-05-06', start: '08:00', end: '08:30', capacity: 2 }, { date: '2030-05-06', start: '08:30', end: '09:00', capacity: 2 }] });
    expect(slots.status).toBe(201);
    expect((await t.http.post('/users').set(admin).send({ username: 'aud-staff', password: 'a-good-long-password', role: 'STAFF', officeCode: 'AUD' })).status).toBe(201);

    const rows = await audit({ limit: 4 });
    expect(rows.map((r) => r.action)).toEqual(['user.create', 'slot.create', 'counter.create', 'office.create']);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['action', 'actor', 'at', 'details', 'target']);
      expect(row.actor).toBe(ADMIN.username);
      expect(Date.parse(row.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(row.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const [user, slot, counter, office] = rows;
    expect(user).toMatchObject({ target: 'user:aud-staff', details: { role: 'STAFF', officeCode: 'AUD' } });
    expect(JSON.stringify(user)).not.toMatch(/password/i);
    expect(slot).toMatchObject({ target: 'office:AUD', details: { count: 2, slotIds: slots.body.map((s: { id: number }) => s.id) } });
    expect(counter.target).toBe('counter:AUD/1');
    expect(office).toMatchObject({ target: 'office:AUD', details: { timeZone: 'Asia/Makassar', dailyExpressQuota: 3 } });
    const times = rows.map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('writes no row for a refused action', async () => {
    const [newest] = await audit({ limit: 1 });
    expect((await t.http.post('/offices').set(admin).send({ code: 'AUD', name: 'Kantor Imigrasi Audit', timeZone: 'Asia/Makassar', dailyExpressQuota: 3 })).status).toBe(409);
    expect((await t.http.post('/offices/AUD/counters').set(admin).send({ number: 1 })).status).toBe(409);
    expect((await t.http.post('/offices/AUD/slots').set(admin).send({ date: '2030-05-06', start: '08:15', end: '08:45', capacity: 1 })).status).toBe(409);
    expect((await t.http.post('/users').set(admin).send({ username: 'aud-staff', password: 'a-good-long-password', role: 'ADMIN' })).status).toBe(409);
    expect(await audit({ limit: 1 })).toEqual([newest]);
  });

  it('honours limit and filters by action', async () => {
    expect(await audit({ limit: 1 })).toHaveLength(1);
    expect((await audit({ limit: 1000 })).length).toBeGreaterThanOrEqual(5);
    const offices = await audit({ action: 'office.create' });
    expect(offices.length).toBeGreaterThan(0);
    expect(offices.every((r) => r.action === 'office.create')).toBe(true);
  });

  it.each([[0], [-1], [1001], ['many']])('refuses limit=%p with 400', async (limit) => {
    const res = await t.http.get('/audit').query({ limit }).set(admin);
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    expect(detailFields(res.body)).toContain('limit');
  });

  it('is for admins only', async () => {
    const staff = await staffOf(t, 'AUD', 'aud-staff-2');
    const res = await t.http.get('/audit').set(bearer(staff));
    expect(res.status).toBe(403);
    expectErrorBody(res.body, 403, 'FORBIDDEN');
    const anonymous = await t.http.get('/audit');
    expect(anonymous.status).toBe(401);
    expectErrorBody(anonymous.body, 401, 'UNAUTHENTICATED');
  });
});
