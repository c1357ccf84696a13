import { DataSource } from 'typeorm';
import { bearer, createOffice, staffOf } from './support/fixtures';
import { ADMIN, createTestApp, createTestDatabase, TestApp, TestDatabase } from './support/test-app';

describe('foundation: starting twice on the same database file', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined); // already closed unless a test failed half-way
    await database.drop();
  });

  it('runs migrations once, keeps the data, does not duplicate the admin, and logins still work', async () => {
    t = await createTestApp({ database });
    const migrationsBefore = await t.app.get(DataSource).query('SELECT name FROM migrations');
    expect(migrationsBefore.length).toBeGreaterThan(0);
    const { code, slots } = await createOffice(t, { code: 'RESTART', timeZone: 'Asia/Jayapura', counters: 2, slots: [{ date: '2030-06-03', start: '08:00', end: '08:30', capacity: 5 }] });
    const staffToken = await staffOf(t, code, 'restart-staff');
    const oldAdminToken = await t.adminToken();

    t = await t.restart();

    const migrationsAfter = await t.app.get(DataSource).query('SELECT name FROM migrations');
    expect(migrationsAfter).toEqual(migrationsBefore);
    // The schema was not re-created under the data.
    const offices = await t.http.get('/offices');
    expect(offices.body).toEqual([{ code: 'RESTART', name: 'Kantor Imigrasi RESTART', timeZone: 'Asia/Jayapura', dailyExpressQuota: 5 }]);
    const stored = await t.http.get(`/offices/${code}/slots`).query({ date: '2030-06-03' });
    expect(stored.body).toEqual([expect.objectContaining({ id: slots[0].id, start: '08:00', end: '08:30', capacity: 5, booked: 0, available: 5 })]);

    const users = await t.http.get('/users').set(bearer(await t.adminToken()));
    expect(users.status).toBe(200);
    expect(users.body.filter((u: { role: string }) => u.role === 'ADMIN')).toEqual([expect.objectContaining({ username: ADMIN.username })]);
    expect(users.body.map((u: { username: string }) => u.username).sort()).toEqual([ADMIN.username, 'restart-staff']);

    const login = await t.http.post('/auth/login').send({ username: 'restart-staff', password: 'staff-password-1234' });
    expect(login.status).toBe(200);
    expect(login.body.officeCode).toBe(code);
    // Tokens issued before the restart stay valid: the secret did not change.
    expect((await t.http.get(`/offices/${code}/counters`).set(bearer(staffToken))).body.map((c: { number: number }) => c.number)).toEqual([1, 2]);
    expect((await t.http.get('/users').set(bearer(oldAdminToken))).status).toBe(200);

    // Only one bootstrap row in the audit log, from the first start.
    const bootstraps = (await t.http.get('/audit').query({ action: 'user.create', limit: 1000 }).set(bearer(await t.adminToken()))).body.filter(
      (r: { actor: string }) => r.actor === 'system',
    );
    expect(bootstraps).toHaveLength(1);
    await t.close();
  });

  it('keeps the first admin password even when ADMIN_PASSWORD changes, on a third start', async () => {
    const changed = await createTestApp({ database, env: { ADMIN_PASSWORD: 'a-new-password-nobody-set' } });
    try {
      expect((await changed.http.post('/auth/login').send({ username: ADMIN.username, password: 'a-new-password-nobody-set' })).status).toBe(401);
      const login = await changed.http.post('/auth/login').send(ADMIN);
      expect(login.status).toBe(200);
      const users = await changed.http.get('/users').set(bearer(login.body.accessToken));
      expect(users.body.filter((u: { role: string }) => u.role === 'ADMIN')).toHaveLength(1);
    } finally {
      await changed.close();
    }
  });
});
