import { DataSource } from 'typeorm';
import { ACTIVE_APPOINTMENT_STATUSES_SQL } from '../src/appointments/appointment.entity';
import { expectChanges, inlineParams, Sql } from '../src/database/sql';
import { TransactionRunner } from '../src/database/transaction-runner';
import { createTestApp, TestApp } from './support/test-app';

/** The hand-written SQL layer (src/database/sql.ts) on the real database. */
describe('foundation: Sql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('rejects a statement SQLite (or PostgreSQL) cannot prepare, on the read path and inside a write job, instead of never answering', async () => {
    const sql = t.app.get(Sql);
    await expect(sql.all('SELEC nothing', [])).rejects.toThrow(/syntax error/i);
    await expect(t.app.get(TransactionRunner).write((manager) => sql.run('UPDAT nothing', [], manager))).rejects.toThrow(/syntax error/i);
    // The connection is still usable afterwards.
    expect(await sql.get<{ one: number }>('SELECT 1 AS one', [])).toEqual({ one: 1 });
  });

  it('reads many rows concurrently on the read connections, each caller getting its own answer', async () => {
    const sql = t.app.get(Sql);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => sql.get<{ n: number | string }>('SELECT ? + 1 AS n', [i])));
    expect(answers.map((a) => Number(a!.n))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('has entities that declare the schema the migrations built, so `migration:generate` starts from no difference', async () => {
    // A difference here would land in the next generated migration: it once held DROPs of the
    // one-active-booking index and the seats CHECK, and on SQLite rebuilt `tickets` without its triggers.
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('has, after the migrations, the queue index that leads with the office and the day', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      const tickets = await runner.getTable('tickets');
      const indices = new Map(tickets!.indices.map((index) => [index.name, index.columnNames]));
      expect(indices.get('IDX_tickets_queue')).toEqual(['officeCode', 'serviceDate', 'status', 'callKey']);
      expect(indices.has('IDX_tickets_office_status_key')).toBe(false);
    } finally {
      await runner.release();
    }
  });

  it('indexes only completed tickets for wait estimates, so issuing a ticket does not write that index', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      const tickets = await runner.getTable('tickets');
      const completed = tickets!.indices.find((index) => index.name === 'IDX_tickets_office_completed');
      expect(completed?.columnNames).toEqual(['officeCode', 'completedAt']);
      expect(completed?.where?.replace(/[()]/g, '')).toMatch(/"?completedAt"? IS NOT NULL/);
    } finally {
      await runner.release();
    }
  });

  it('indexes the NIKs of active bookings only, the one index every look-up by NIK uses', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      const appointments = await runner.getTable('appointments');
      const byNik = appointments!.indices.filter((index) => index.columnNames.includes('nik'));
      expect(byNik.map((index) => [index.name, index.isUnique])).toEqual([['UQ_appointments_active_nik', true]]);
    } finally {
      await runner.release();
    }
    if (t.app.get(Sql).isPostgres) return; // PostgreSQL's planner scans a small table whatever its indexes
    const plan = await t.app.get(Sql).all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT 1 FROM appointments WHERE nik = ? AND status IN (${ACTIVE_APPOINTMENT_STATUSES_SQL})`, ['3171234567890001']);
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING (COVERING )?INDEX UQ_appointments_active_nik/);
  });

  it('commits every write already queued when shutdown releases the statements', async () => {
    const sql = t.app.get(Sql);
    const db = t.app.get(TransactionRunner);
    const insert = `INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, 'test', 'sql.shutdown', ?, '{}')`;
    // Warm the cache: BEGIN, COMMIT and the insert are prepared and handed out from now on.
    await db.write((manager) => sql.run(insert, [new Date().toISOString(), 'warm-up'], manager));
    const writes = Array.from({ length: 40 }, (_, i) => db.write((manager) => sql.run(insert, [new Date().toISOString(), `job-${i}`], manager)));
    const released = sql.beforeApplicationShutdown();
    const outcomes = await Promise.allSettled([...writes, released]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const rows = await sql.all<{ target: string }>(`SELECT target FROM audit_log WHERE action = 'sql.shutdown' AND target LIKE 'job-%'`, []);
    expect(rows).toHaveLength(40);
  });

  it('still answers after its statements were released for shutdown, and lets the connection close', async () => {
    const sql = t.app.get(Sql);
    await sql.get('SELECT 1 AS one', []);
    await sql.beforeApplicationShutdown();
    expect(await sql.get<{ one: number }>('SELECT 1 AS one', [])).toEqual({ one: 1 });
    expect(await t.app.get(TransactionRunner).write((manager) => sql.get<{ two: number }>('SELECT 2 AS two', [], manager))).toEqual({ two: 2 });
    await t.app.get(DataSource).destroy();
    expect(t.app.get(DataSource).isInitialized).toBe(false);
  });
});

const onSqlite = (process.env.DB_TYPE ?? 'sqlite') === 'sqlite';

/** Scripts (TransactionRunner.writeScript, Sql.exec) carry the group-committed batches on SQLite. */
(onSqlite ? describe : describe.skip)('foundation: write scripts (SQLite)', () => {
  let t: TestApp;
  let sql: Sql;
  let db: TransactionRunner;
  beforeAll(async () => {
    t = await createTestApp();
    sql = t.app.get(Sql);
    db = t.app.get(TransactionRunner);
  });
  afterAll(() => t.destroy());

  const audit = (target: string) =>
    inlineParams(`INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, 'test', 'sql.script', ?, '{}')`, [new Date().toISOString(), target]);
  const saved = async (prefix: string) =>
    (await sql.all<{ target: string }>(`SELECT target FROM audit_log WHERE action = 'sql.script' AND target LIKE ? ORDER BY id`, [`${prefix}%`])).map((r) => r.target);

  it('gives the write connection the configured page cache (SQLITE_CACHE_MB, 64 MiB by default)', async () => {
    expect(await t.app.get(DataSource).query('PRAGMA cache_size')).toEqual([{ cache_size: -64 * 1024 }]);
  });

  it('checkpoints the WAL every SQLITE_WAL_CHECKPOINT_PAGES pages (10,000 by default), not at SQLite’s 1,000', async () => {
    expect(await t.app.get(DataSource).query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 10_000 }]);
  });

  it('keeps the write connection’s statement journals in memory (temp_store = MEMORY), never in temporary files', async () => {
    expect(await t.app.get(DataSource).query('PRAGMA temp_store')).toEqual([{ temp_store: 2 }]);
  });

  it('commits the script planned from what was read, and answers with the plan’s result', async () => {
    const result = await db.writeScript(
      (manager) => sql.get<{ n: number }>('SELECT 2 AS n', [], manager),
      (read) => ({ script: [audit('ok-1'), audit(`ok-${read!.n}`)], result: 'planned from 2' }),
    );
    expect(result).toBe('planned from 2');
    expect(await saved('ok-')).toEqual(['ok-1', 'ok-2']);
  });

  it.each([
    ['a statement fails after others ran', [audit('failed-a-1'), 'INSERT INTO no_such_table VALUES (1)', audit('failed-a-2')], /no such table/],
    ['a statement changes another number of rows than counted on', [audit('failed-b-1'), expectChanges(2), audit('failed-b-2')], /malformed JSON/],
  ])('keeps nothing of a script when %s, and the next write goes through', async (_, script, error) => {
    const prefix = (script[0] as string).match(/'(failed-.)-1'/)![1];
    await expect(db.writeScript(async () => null, () => ({ script, result: null }))).rejects.toThrow(error);
    expect(await saved(prefix)).toEqual([]);
    await db.writeScript(async () => null, () => ({ script: [audit(`${prefix}-after`)], result: null }));
    expect(await saved(prefix)).toEqual([`${prefix}-after`]);
  });

  it('fails a script without carrying its text, whose values (names, NIKs) must never reach a log', async () => {
    const failure = await db.writeScript(async () => null, () => ({ script: [audit('3174015508850001 Budi'), 'INSERT INTO no_such_table VALUES (1)'], result: null })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(JSON.stringify({ ...(failure as object), message: (failure as Error).message })).not.toContain('3174015508850001');
  });

  it('opens no transaction for a plan with nothing to write, and answers with its result', async () => {
    const exec = jest.spyOn(sql, 'exec');
    try {
      expect(await db.writeScript(async () => null, () => ({ script: [], result: 'all refused' }))).toBe('all refused');
      expect(exec).not.toHaveBeenCalled();
      expect(await db.writeScript(async () => null, () => ({ script: [audit('after-nothing')], result: 'ok' }))).toBe('ok');
      expect(exec).toHaveBeenCalledTimes(1);
      expect(exec.mock.calls[0][0]).toMatch(/^BEGIN;\n[\s\S]*;\nCOMMIT$/);
      expect(await saved('after-nothing')).toEqual(['after-nothing']);
    } finally {
      exec.mockRestore();
    }
  });

  it('rolls back when the plan throws, and passes its error on', async () => {
    const refusal = new Error('the plan refused');
    await expect(
      db.writeScript(
        async () => null,
        () => {
          throw refusal;
        },
      ),
    ).rejects.toBe(refusal);
    expect(await db.writeScript(async () => null, () => ({ script: [audit('after-throw')], result: 'ok' }))).toBe('ok');
  });

  it('runs alone between the grouped jobs queued around it, each committed once', async () => {
    const job = (target: string) => db.write((manager) => sql.run(`INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, 'test', 'sql.script', ?, '{}')`, [new Date().toISOString(), target], manager));
    const all = await Promise.allSettled([
      job('mix-1'),
      job('mix-2'),
      db.writeScript(async () => null, () => ({ script: [audit('mix-3')], result: null })),
      job('mix-4'),
      db.writeScript(async () => null, () => ({ script: ['SELECT json(\'no\')'], result: null })),
      job('mix-5'),
    ]);
    expect(all.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await saved('mix-')).sort()).toEqual(['mix-1', 'mix-2', 'mix-3', 'mix-4', 'mix-5']);
  });
});
