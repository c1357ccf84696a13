import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Office } from '../src/offices/office.entity';
import { Sql } from '../src/database/sql';
import { TransactionRunner } from '../src/database/transaction-runner';
import { bearer } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from './support/test-app';

/*
 * The write path on SQLite's single connection: jobs that arrive while a transaction runs are
 * committed together, each in its own SAVEPOINT. These specs fire many writes at once, some of them
 * refused so that rollbacks interleave with commits, then restart the app on the same file and
 * check that exactly the acknowledged writes were kept.
 */

type Slot = { id: number; date: string; start: string; end: string; capacity: number };

/** Deterministic shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** SQLite groups concurrent jobs into one transaction with savepoints; PostgreSQL runs each on its own. */
const onSqlite = (process.env.DB_TYPE ?? 'sqlite') === 'sqlite';

/** Counts the SAVEPOINTs the app issues from now on: proof that concurrent jobs were grouped. */
function countSavepoints(t: TestApp): () => number {
  const sql = t.app.get(Sql);
  const original = sql.run.bind(sql);
  let count = 0;
  jest.spyOn(sql, 'run').mockImplementation((text, params, manager) => {
    if (text.startsWith('SAVEPOINT')) count++;
    return original(text, params, manager);
  });
  return () => count;
}

/** Office-local dates far enough ahead never to be "today", distinct per index. */
const dateFor = (i: number) => new Date(Date.UTC(2031, 0, 1 + i)).toISOString().slice(0, 10);

describe('foundation: durability of concurrent writes', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await database.drop();
  });

  it('keeps every acknowledged write and no refused one across a restart (200 concurrent HTTP writes)', async () => {
    const admin = bearer(await t.adminToken());
    await t.http.post('/offices').set(admin).send({ code: 'DUR', name: 'Kantor Imigrasi Durable', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }).expect(201);

    type Outcome = { kind: string; key: string; variant: string; status: number; body: unknown };
    const requests: Array<() => Promise<Outcome>> = [];
    const send = (kind: string, key: string, variant: string, path: string, body: object) =>
      requests.push(async () => {
        const res = await t.http.post(path).set(admin).send(body);
        return { kind, key, variant, status: res.status, body: res.body };
      });

    // 40 office creations: 20 codes, each sent twice with a different name. Exactly one may win.
    for (let i = 0; i < 20; i++) {
      for (const variant of ['first', 'second']) {
        send('office', `DUR-O${i}`, variant, '/offices', { code: `DUR-O${i}`, name: `Kantor ${variant} ${i}`, timeZone: 'Asia/Makassar', dailyExpressQuota: i });
      }
    }
    // 40 counter creations: numbers 1-20, each twice.
    for (let n = 1; n <= 20; n++) for (const variant of ['first', 'second']) send('counter', String(n), variant, '/offices/DUR/counters', { number: n });
    // 80 single slots: on each of 40 dates, two overlapping slots. Exactly one may win per date.
    for (let i = 0; i < 40; i++) {
      send('slot', dateFor(i), '09:00', '/offices/DUR/slots', { date: dateFor(i), start: '09:00', end: '10:00', capacity: 2 });
      send('slot', dateFor(i), '09:30', '/offices/DUR/slots', { date: dateFor(i), start: '09:30', end: '10:30', capacity: 3 });
    }
    // 20 batches that overlap inside themselves: always refused, none of their slots may exist.
    for (let i = 0; i < 20; i++) {
      const date = dateFor(100 + i);
      send('bad-batch', date, 'batch', '/offices/DUR/slots', {
        slots: [
          { date, start: '13:00', end: '13:30', capacity: 1 },
          { date, start: '08:00', end: '08:30', capacity: 1 },
          { date, start: '08:15', end: '08:45', capacity: 1 },
        ],
      });
    }
    // 20 good batches of three adjacent slots each.
    for (let i = 0; i < 20; i++) {
      const date = dateFor(200 + i);
      send('good-batch', date, 'batch', '/offices/DUR/slots', {
        slots: [
          { date, start: '08:00', end: '08:30', capacity: 4 },
          { date, start: '08:30', end: '09:00', capacity: 4 },
          { date, start: '09:00', end: '09:30', capacity: 4 },
        ],
      });
    }
    expect(requests).toHaveLength(200);

    const savepoints = countSavepoints(t);
    const outcomes = await Promise.all(shuffle(requests).map((fire) => fire()));
    if (onSqlite) expect(savepoints()).toBeGreaterThan(0);

    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 409)).toEqual([]);
    const acknowledged = (kind: string) => outcomes.filter((o) => o.kind === kind && o.status === 201);
    // Each contested key was won exactly once; every bad batch was refused, every good one taken.
    for (const kind of ['office', 'counter', 'slot']) {
      const winners = acknowledged(kind).map((o) => o.key);
      expect(new Set(winners).size).toBe(winners.length);
      expect(winners).toHaveLength(kind === 'slot' ? 40 : 20);
    }
    expect(acknowledged('bad-batch')).toEqual([]);
    expect(acknowledged('good-batch')).toHaveLength(20);

    t = await t.restart();
    const reader = bearer(await t.adminToken());

    const offices = (await t.http.get('/offices')).body as Array<{ code: string; name: string; dailyExpressQuota: number }>;
    const storedOffices = offices.filter((o) => o.code.startsWith('DUR-O'));
    expect(storedOffices).toHaveLength(20);
    for (const won of acknowledged('office')) {
      const i = Number(won.key.slice('DUR-O'.length));
      expect(storedOffices).toContainEqual(expect.objectContaining({ code: won.key, name: `Kantor ${won.variant} ${i}`, dailyExpressQuota: i }));
    }

    const counters = (await t.http.get('/offices/DUR/counters').set(reader)).body as Array<{ number: number }>;
    expect(counters.map((c) => c.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    for (const won of acknowledged('slot')) {
      const [created] = won.body as Slot[];
      const stored = (await t.http.get('/offices/DUR/slots').query({ date: won.key })).body as Slot[];
      expect(stored).toEqual([expect.objectContaining({ id: created.id, start: won.variant, capacity: won.variant === '09:00' ? 2 : 3 })]);
    }
    for (const refused of outcomes.filter((o) => o.kind === 'bad-batch')) {
      expect((await t.http.get('/offices/DUR/slots').query({ date: refused.key })).body).toEqual([]);
    }
    for (const won of acknowledged('good-batch')) {
      const stored = (await t.http.get('/offices/DUR/slots').query({ date: won.key })).body as Slot[];
      expect(stored.map((s) => s.id)).toEqual((won.body as Slot[]).map((s) => s.id));
    }

    // The audit rows committed with their actions: one per acknowledged write, none for a refusal.
    const audit = (await t.http.get('/audit').query({ limit: 1000 }).set(reader)).body as Array<{ action: string; target: string }>;
    expect(audit.filter((r) => r.action === 'office.create' && r.target.startsWith('office:DUR-O'))).toHaveLength(20);
    expect(audit.filter((r) => r.action === 'counter.create' && r.target.startsWith('counter:DUR/'))).toHaveLength(20);
    expect(audit.filter((r) => r.action === 'slot.create' && r.target === 'office:DUR')).toHaveLength(60);
  });

  it('rolls back a job that wrote and then failed, without touching the jobs committed with it', async () => {
    const runner = t.app.get(TransactionRunner);
    const savepoints = countSavepoints(t);
    const at = new Date().toISOString();
    const mark = (manager: EntityManager, i: number) => manager.insert(AuditEntry, { at, actor: 'spec', action: 'durability.job', target: `job:${i}`, details: {} as never });
    const jobs = Array.from({ length: 300 }, (_, i) =>
      runner.write(async (manager) => {
        await mark(manager, i);
        // Yield, so other requests' reads and new jobs interleave with this open transaction.
        await manager.query('SELECT 1');
        if (i % 3 === 1) throw new Error(`job ${i} refused after writing`);
        if (i % 3 === 2 && i % 2 === 0) {
          // A constraint violation from the database itself, after this job already wrote a row.
          await manager.insert(Office, { code: 'DUR', name: 'again', timeZone: 'Asia/Jakarta', dailyExpressQuota: 0, createdAt: at });
        }
        return i;
      }),
    );
    // Readers over HTTP at the same time, as in real traffic.
    const reads = Array.from({ length: 20 }, () => t.http.get('/offices/DUR/slots').query({ date: dateFor(200) }));
    const settled = await Promise.allSettled(jobs);
    for (const read of await Promise.all(reads)) expect(read.status).toBe(200);

    if (onSqlite) expect(savepoints()).toBeGreaterThan(0);
    const committed = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
    const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 === 0 || (i % 3 === 2 && i % 2 === 1));
    expect(committed).toEqual(expected);

    t = await t.restart();
    const rows: Array<{ target: string }> = await t.app.get(DataSource).query(`SELECT target FROM audit_log WHERE action = 'durability.job'`);
    const stored = rows.map((r) => Number(r.target.slice('job:'.length))).sort((a, b) => a - b);
    expect(stored).toEqual(expected);
    // And the runner is still healthy afterwards.
    const res = await t.http.post('/offices/DUR/counters').set(bearer(await t.adminToken())).send({ number: 99 });
    expect(res.status).toBe(201);
  });

  (onSqlite ? it : it.skip)('recovers when SQLite itself ends a transaction (disk full, I/O error, OR ROLLBACK): later writes are still saved', async () => {
    const runner = t.app.get(TransactionRunner);
    const admin = bearer(await t.adminToken());
    await t.http.post('/offices').set(admin).send({ code: 'DUR-R', name: 'Kantor Imigrasi Recovery', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }).expect(201);
    const counter = (number: number) => t.http.post('/offices/DUR-R/counters').set(admin).send({ number });
    // SQLite rolls the whole transaction back on its own for some errors; OR ROLLBACK provokes the same on demand.
    const poisoned = () =>
      runner.write((manager) => manager.query(`INSERT OR ROLLBACK INTO offices (code, name, "timeZone", "dailyExpressQuota", "createdAt") VALUES ('DUR-R', 'x', 'Asia/Jakarta', 0, '')`));

    await expect(poisoned()).rejects.toBeDefined();
    expect((await counter(201)).status).toBe(201);
    expect((await counter(201)).status).toBe(409);
    expect((await counter(202)).status).toBe(201);
    // The same inside a group: jobs queue behind one that holds the transaction, then commit together.
    const mark = (target: string) =>
      runner.write((manager) => manager.insert(AuditEntry, { at: new Date().toISOString(), actor: 'spec', action: 'durability.recovery', target, details: {} as never }));
    const hold = runner.write(async (manager) => {
      await new Promise((r) => setTimeout(r, 100));
      return manager.query('SELECT 1');
    });
    const group = await Promise.allSettled([hold, mark('before'), poisoned(), mark('after'), counter(203), counter(204), counter(203)]);
    expect(group.map((g) => g.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((await counter(205)).status).toBe(201);
    expect((await counter(205)).status).toBe(409);
    expect((await counter(206)).status).toBe(201);
    const acknowledged = [201, 202, 205, 206];
    for (const outcome of group.slice(4)) {
      const res = (outcome as PromiseFulfilledResult<{ status: number; body: { number: number } }>).value;
      expect([201, 409]).toContain(res.status);
      if (res.status === 201) acknowledged.push(res.body.number);
    }
    acknowledged.sort((a, b) => a - b);
    expect(acknowledged).toEqual([201, 202, 203, 204, 205, 206]);

    t = await t.restart();
    const counters = (await t.http.get('/offices/DUR-R/counters').set(bearer(await t.adminToken()))).body as Array<{ number: number }>;
    const stored = counters.map((c) => c.number);
    expect(stored).toEqual(acknowledged);
    const marks: Array<{ target: string }> = await t.app.get(DataSource).query(`SELECT target FROM audit_log WHERE action = 'durability.recovery' ORDER BY id`);
    expect(marks.map((m) => m.target)).toEqual(['before', 'after']);
  });
});
