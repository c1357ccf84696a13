import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { Sql } from '../src/database/sql';
import { bearer, createOffice, detailFields, expectErrorBody, staffOf } from './support/fixtures';
import { ADMIN, createTestApp, TestApp } from './support/test-app';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('foundation: accounts, login and guards', () => {
  let t: TestApp;
  let officeA: string;
  let officeB: string;
  let staffA: string;

  beforeAll(async () => {
    t = await createTestApp();
    officeA = (await createOffice(t, { code: 'AUTH-A', counters: 1 })).code;
    officeB = (await createOffice(t, { code: 'AUTH-B', counters: 1 })).code;
    staffA = await staffOf(t, officeA, 'staff-a');
  });
  afterAll(() => t.destroy());

  describe('POST /auth/login', () => {
    it('gives a token, its lifetime, the role and the office for good credentials', async () => {
      const res = await t.http.post('/auth/login').send(ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), expiresIn: expect.any(Number), role: 'ADMIN', officeCode: null });
      expect(res.body.expiresIn).toBeGreaterThan(0);
      const users = await t.http.get('/users').set(bearer(res.body.accessToken));
      expect(users.status).toBe(200);
    });

    it('tells staff which office they belong to', async () => {
      const res = await t.http.post('/auth/login').send({ username: 'staff-a', password: 'staff-password-1234' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ role: 'STAFF', officeCode: officeA });
    });

    it('answers a wrong password and an unknown user with the same 401', async () => {
      const wrongPassword = await t.http.post('/auth/login').send({ username: ADMIN.username, password: 'not-the-admin-password' });
      const unknownUser = await t.http.post('/auth/login').send({ username: 'nobody-here', password: 'not-the-admin-password' });
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expectErrorBody(wrongPassword.body, 401, 'INVALID_CREDENTIALS');
      expect(unknownUser.body).toEqual(wrongPassword.body);
    });

    it('refuses a login body without a password with 400', async () => {
      const res = await t.http.post('/auth/login').send({ username: ADMIN.username });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain('password');
    });
  });

  describe('POST /users', () => {
    it('creates a staff user without ever returning the password or its hash', async () => {
      const res = await t.http
        .post('/users')
        .set(bearer(await t.adminToken()))
        .send({ username: 'new.staff', password: 'a-good-long-password', role: 'STAFF', officeCode: officeB });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ username: 'new.staff', role: 'STAFF', officeCode: officeB });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon|\$argon2/i);
      const listed = await t.http.get('/users').set(bearer(await t.adminToken()));
      expect(JSON.stringify(listed.body)).not.toMatch(/passwordHash|\$argon2/);
      const login = await t.http.post('/auth/login').send({ username: 'new.staff', password: 'a-good-long-password' });
      expect(login.status).toBe(200);
      expect(login.body.officeCode).toBe(officeB);
    });

    it('creates another admin, bound to no office', async () => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'second-admin', password: 'another-long-password', role: 'ADMIN' });
      expect(res.status).toBe(201);
      expect(res.body.officeCode).toBeNull();
    });

    it('needs an office for STAFF', async () => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'officeless', password: 'a-good-long-password', role: 'STAFF' });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain('officeCode');
    });

    it('needs a password of at least 12 characters', async () => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'shortpw', password: 'elevenchars', role: 'ADMIN' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain('password');
    });

    it.each([
      ['an unknown role', { username: 'x-role', password: 'a-good-long-password', role: 'ROOT' }, 'role'],
      ['a bad username', { username: 'a b', password: 'a-good-long-password', role: 'ADMIN' }, 'username'],
      ['an unknown field', { username: 'x-field', password: 'a-good-long-password', role: 'ADMIN', isSuperuser: true }, 'isSuperuser'],
    ])('refuses %s with 400', async (_, body, field) => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain(field);
    });

    it('refuses an unknown office with 404 OFFICE_NOT_FOUND', async () => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'lost-staff', password: 'a-good-long-password', role: 'STAFF', officeCode: 'NOWHERE' });
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'OFFICE_NOT_FOUND');
      const login = await t.http.post('/auth/login').send({ username: 'lost-staff', password: 'a-good-long-password' });
      expect(login.status).toBe(401);
    });

    it('refuses a taken username with 409, keeping the first account', async () => {
      const res = await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'staff-a', password: 'a-different-password', role: 'STAFF', officeCode: officeB });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('USERNAME_TAKEN');
      const login = await t.http.post('/auth/login').send({ username: 'staff-a', password: 'staff-password-1234' });
      expect(login.status).toBe(200);
      expect(login.body.officeCode).toBe(officeA);
    });

    it('creates each of two simultaneous same-name requests at most once', async () => {
      const token = await t.adminToken();
      const body = { username: 'racer', password: 'a-good-long-password', role: 'ADMIN' };
      const results = await Promise.all([t.http.post('/users').set(bearer(token)).send(body), t.http.post('/users').set(bearer(token)).send(body)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const users = await t.http.get('/users').set(bearer(token));
      expect(users.body.filter((u: { username: string }) => u.username === 'racer')).toHaveLength(1);
    });

    it('keeps one account per name whatever its case: it signs in in any case, shown as typed, and a name differing only in case is taken', async () => {
      const token = await t.adminToken();
      await t.http.post('/users').set(bearer(token)).send({ username: 'Siti.Rahma', password: 'staff-password-1234', role: 'STAFF', officeCode: officeA }).expect(201);
      for (const username of ['siti.rahma', 'SITI.RAHMA', 'Siti.Rahma']) {
        const login = await t.http.post('/auth/login').send({ username, password: 'staff-password-1234' });
        expect([username, login.status, login.body.officeCode]).toEqual([username, 200, officeA]);
      }
      const taken = await t.http.post('/users').set(bearer(token)).send({ username: 'siti.RAHMA', password: 'another-password-1234', role: 'STAFF', officeCode: officeB });
      expect([taken.status, taken.body.code]).toEqual([409, 'USERNAME_TAKEN']);

      // Two admins creating the same person at once, in different cases: one account.
      const bodies = ['Case.Racer', 'case.racer'].map((username) => ({ username, password: 'a-good-long-password', role: 'ADMIN' }));
      const results = await Promise.all(bodies.map((body) => t.http.post('/users').set(bearer(token)).send(body)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const users = (await t.http.get('/users').set(bearer(token)).expect(200)).body as { username: string }[];
      expect(users.filter((u) => u.username.toLowerCase() === 'case.racer')).toHaveLength(1);
      expect(users.map((u) => u.username)).toContain('Siti.Rahma');

      // The database itself refuses a second one, whoever writes it.
      const insert = (username: string) =>
        t.app.get(Sql).run(`INSERT INTO users (username, "passwordHash", role, "officeCode", "createdAt") VALUES (?, 'x', 'ADMIN', NULL, ?)`, [username, new Date().toISOString()]);
      await expect(insert('SITI.rahma')).rejects.toThrow();
    });
  });

  describe('guards', () => {
    it('answers an admin route without a token with 401 UNAUTHENTICATED', async () => {
      const res = await t.http.post('/offices').send({ code: 'NO-TOKEN', name: 'Kantor', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 });
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'UNAUTHENTICATED');
      const offices = await t.http.get('/offices');
      expect(offices.body.map((o: { code: string }) => o.code)).not.toContain('NO-TOKEN');
    });

    it.each([
      ['garbage', 'Bearer not-a-token'],
      ['a malformed header', 'Token abc'],
      ['an empty bearer', 'Bearer '],
    ])('answers %s with 401 UNAUTHENTICATED', async (_, header) => {
      const res = await t.http.get('/users').set('Authorization', header);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'UNAUTHENTICATED');
    });

    it('refuses a forged token (alg none, or a real token with its payload swapped)', async () => {
      const claims = { sub: 1, username: 'admin', role: 'ADMIN', officeCode: null, iat: Math.floor(Date.now() / 1000) };
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
      const none = await t.http.get('/users').set('Authorization', `Bearer ${unsigned}`);
      expect(none.status).toBe(401);
      expect(none.body.code).toBe('UNAUTHENTICATED');
      // A real token with its payload swapped: the signature no longer matches.
      const [header, , signature] = staffA.split('.');
      const tampered = `${header}.${base64url({ ...claims, role: 'ADMIN' })}.${signature}`;
      const swapped = await t.http.get('/users').set('Authorization', `Bearer ${tampered}`);
      expect(swapped.status).toBe(401);
      expect(swapped.body.code).toBe('UNAUTHENTICATED');
    });

    it('refuses an expired token with 401, though its signature is good', async () => {
      const claims = { sub: 1, username: ADMIN.username, role: 'ADMIN', officeCode: null };
      const jwt = t.app.get(JwtService);
      const expired = await jwt.signAsync({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 });
      const res = await t.http.get('/users').set(bearer(expired));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      // The same claims, still valid, are accepted: only the expiry made the difference.
      const fresh = await jwt.signAsync({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 });
      expect((await t.http.get('/users').set(bearer(fresh))).status).toBe(200);
    });

    it('answers a staff token on an admin route with 403 FORBIDDEN', async () => {
      for (const [method, path, body] of [
        ['post', '/offices', { code: 'BY-STAFF', name: 'Kantor', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }],
        ['post', '/users', { username: 'by-staff', password: 'a-good-long-password', role: 'ADMIN' }],
        ['get', '/users', undefined],
        ['post', `/offices/${officeA}/counters`, { number: 9 }],
        ['post', `/offices/${officeA}/slots`, { date: '2030-01-07', start: '08:00', end: '08:30', capacity: 1 }],
      ] as const) {
        const req = method === 'get' ? t.http.get(path) : t.http.post(path).send(body);
        const res = await req.set(bearer(staffA));
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expectErrorBody(res.body, 403, 'FORBIDDEN');
      }
      const users = await t.http.get('/users').set(bearer(await t.adminToken()));
      expect(users.body.map((u: { username: string }) => u.username)).not.toContain('by-staff');
    });

    it('lets staff act in their own office', async () => {
      const queue = await t.http.get(`/offices/${officeA}/queue`).set(bearer(staffA));
      expect(queue.status).toBe(200);
      const open = await t.http.post(`/offices/${officeA}/counters/1/open`).set(bearer(staffA));
      expect(open.status).toBe(200);
      expect(open.body.status).toBe('OPEN');
    });

    it('answers staff of office A acting on office B with 403 FORBIDDEN', async () => {
      const queue = await t.http.get(`/offices/${officeB}/queue`).set(bearer(staffA));
      expect(queue.status).toBe(403);
      expectErrorBody(queue.body, 403, 'FORBIDDEN');
      const counters = await t.http.get(`/offices/${officeB}/counters`).set(bearer(staffA));
      expect(counters.status).toBe(403);
      const open = await t.http.post(`/offices/${officeB}/counters/1/open`).set(bearer(staffA));
      expect(open.status).toBe(403);
      expect(open.body.code).toBe('FORBIDDEN');
      const after = await t.http.get(`/offices/${officeB}/counters`).set(bearer(await t.adminToken()));
      expect(after.body[0].status).toBe('CLOSED');
    });

    it('answers staff routes without a token with 401', async () => {
      const res = await t.http.get(`/offices/${officeA}/queue`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('lets admins act in any office', async () => {
      const res = await t.http.get(`/offices/${officeB}/queue`).set(bearer(await t.adminToken()));
      expect(res.status).toBe(200);
    });
  });
});

describe('auth details', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('accepts the Bearer scheme in any case', async () => {
    const token = await t.adminToken();
    await t.http.get('/users').set('Authorization', `bearer ${token}`).expect(200);
    await t.http.get('/users').set('Authorization', `BEARER ${token}`).expect(200);
  });

  it('refuses an office for an ADMIN instead of dropping it', async () => {
    const res = await t.http
      .post('/users')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ username: 'admin-with-office', password: 'long-enough-password', role: 'ADMIN', officeCode: 'ANY-OFFICE' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const users = await t.http.get('/users').set('Authorization', `Bearer ${await t.adminToken()}`).expect(200);
    expect(users.body.map((u: { username: string }) => u.username)).not.toContain('admin-with-office');
  });
});

describe('auth: the migration that makes usernames ignore case', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('stops with the clashing names, changing nothing, when a database holds two accounts differing only in case', async () => {
    const dataSource = t.app.get(DataSource);
    const sql = t.app.get(Sql);
    // Read from the catalogue: TypeORM leaves expression indexes out of its table descriptions on PostgreSQL.
    const indexes = async () =>
      (
        await sql.all<{ name: string }>(
          sql.isPostgres ? `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'users'` : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'`,
          [],
        )
      ).map((index) => index.name);
    await dataSource.undoLastMigration();
    expect(await indexes()).not.toContain('IDX_users_username_folded');

    const insert = (username: string) => sql.run(`INSERT INTO users (username, "passwordHash", role, "officeCode", "createdAt") VALUES (?, 'x', 'ADMIN', NULL, ?)`, [username, new Date().toISOString()]);
    await insert('Dewi');
    await insert('dewi');
    await expect(dataSource.runMigrations()).rejects.toThrow('These usernames exist more than once in different cases: dewi.');
    expect(await indexes()).not.toContain('IDX_users_username_folded');

    await sql.run(`UPDATE users SET username = 'dewi.2' WHERE username = 'dewi'`, []);
    await dataSource.runMigrations();
    expect(await indexes()).toContain('IDX_users_username_folded');
    await t.http.post('/auth/login').send({ username: 'DEWI', password: 'anything-at-all' }).expect(401);
  });
});
