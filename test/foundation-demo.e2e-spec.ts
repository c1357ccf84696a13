import { readFileSync } from 'node:fs';
import { DemoSeederService } from '../src/demo/demo-seeder.service';
import { addDays, localDateOf } from '../src/common/local-time';
import { bearer } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from './support/test-app';

interface DemoCredentials {
  admin: { username: string; password: string | null };
  staff: Array<{ officeCode: string; username: string; password: string }>;
}

type Office = { code: string; name: string; timeZone: string; dailyExpressQuota: number };

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

describe('foundation: demo data (SEED_DEMO=true)', () => {
  let database: TestDatabase;
  let t: TestApp;
  const credentials = () => JSON.parse(readFileSync(t.app.get(DemoSeederService).credentialsFile, 'utf8')) as DemoCredentials;

  beforeAll(async () => {
    database = await createTestDatabase();
    // No ADMIN_PASSWORD: the demo generates one and must hand it out.
    t = await createTestApp({ database, env: { SEED_DEMO: 'true', ADMIN_PASSWORD: '' } });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await database.drop();
  });

  it('loads four real-looking offices across the three Indonesian time zones', async () => {
    const offices = (await t.http.get('/offices')).body as Office[];
    expect(offices).toHaveLength(4);
    expect(new Set(offices.map((o) => o.timeZone))).toEqual(new Set(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']));
    for (const office of offices) {
      expect(office.code).toMatch(/^[A-Z0-9-]{2,20}$/);
      expect(office.name).toMatch(/Imigrasi/);
      expect(office.dailyExpressQuota).toBeGreaterThan(0);
    }
  });

  it('gives each office counters and slots on the coming weekdays, none at weekends', async () => {
    const { admin } = credentials();
    expect(admin.password).toEqual(expect.any(String));
    const login = await t.http.post('/auth/login').send({ username: admin.username, password: admin.password });
    expect(login.status).toBe(200);
    const token = bearer(login.body.accessToken);
    for (const office of (await t.http.get('/offices')).body as Office[]) {
      const counters = await t.http.get(`/offices/${office.code}/counters`).set(token);
      expect(counters.body.length).toBeGreaterThan(0);
      expect(counters.body.every((c: { status: string }) => c.status === 'CLOSED')).toBe(true);
      const today = localDateOf(new Date(), office.timeZone);
      let weekdaysWithSlots = 0;
      for (let d = 1; d <= 7; d++) {
        const date = addDays(today, d);
        const slots = (await t.http.get(`/offices/${office.code}/slots`).query({ date })).body as Array<{ start: string; available: number; capacity: number }>;
        if (isWeekend(date)) {
          expect({ date, slots }).toEqual({ date, slots: [] });
        } else {
          expect(slots.length).toBeGreaterThan(0);
          expect(slots.every((s) => s.available === s.capacity && s.capacity > 0)).toBe(true);
          expect(slots.map((s) => s.start)).toEqual([...slots.map((s) => s.start)].sort());
          weekdaysWithSlots++;
        }
      }
      expect(weekdaysWithSlots).toBe(5);
      // Two weeks ahead there are still slots on a weekday.
      let later = addDays(today, 10);
      while (isWeekend(later)) later = addDays(later, 1);
      expect(((await t.http.get(`/offices/${office.code}/slots`).query({ date: later })).body as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('writes a staff user per office whose credentials work, for their own office only', async () => {
    const { staff } = credentials();
    const offices = ((await t.http.get('/offices')).body as Office[]).map((o) => o.code).sort();
    expect(staff.map((s) => s.officeCode).sort()).toEqual(offices);
    for (const member of staff) {
      expect(member.password.length).toBeGreaterThanOrEqual(12);
      const login = await t.http.post('/auth/login').send({ username: member.username, password: member.password });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ role: 'STAFF', officeCode: member.officeCode });
      expect((await t.http.get(`/offices/${member.officeCode}/queue`).set(bearer(login.body.accessToken))).status).toBe(200);
      const other = offices.find((code) => code !== member.officeCode)!;
      expect((await t.http.get(`/offices/${other}/queue`).set(bearer(login.body.accessToken))).status).toBe(403);
    }
  });

  it('does not seed twice on restart, and the printed credentials still work', async () => {
    const before = credentials();
    const { admin } = before;
    const token = bearer((await t.http.post('/auth/login').send({ username: admin.username, password: admin.password })).body.accessToken);
    const offices = (await t.http.get('/offices')).body as Office[];
    const users = (await t.http.get('/users').set(token)).body as unknown[];
    const date = addDays(localDateOf(new Date(), 'Asia/Jakarta'), isWeekend(addDays(localDateOf(new Date(), 'Asia/Jakarta'), 3)) ? 5 : 3);
    const slots = (await t.http.get(`/offices/${offices[0].code}/slots`).query({ date })).body as unknown[];

    t = await t.restart();

    expect((await t.http.get('/offices')).body).toEqual(offices);
    expect((await t.http.get(`/offices/${offices[0].code}/slots`).query({ date })).body).toEqual(slots);
    expect(credentials()).toEqual(before);
    const login = await t.http.post('/auth/login').send({ username: admin.username, password: admin.password });
    expect(login.status).toBe(200);
    expect((await t.http.get('/users').set(bearer(login.body.accessToken))).body).toEqual(users);
  });
});
