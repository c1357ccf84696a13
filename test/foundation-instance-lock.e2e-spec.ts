import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { bookingBody, createOffice, freePort, futureDate } from './support/fixtures';
import { createTestApp, createTestDatabase } from './support/test-app';

/*
 * SQLite serves one instance: a second app on the same file would fail writes with SQLITE_BUSY (a
 * reviewer saw one stay unable to write afterwards). It refuses to start instead, and the lock goes
 * with the instance that held it, however it ended. PostgreSQL takes any number of instances
 * (test/deployment-multi-instance), so this file runs on SQLite only.
 */
const onSqlite = (process.env.DB_TYPE ?? 'sqlite') === 'sqlite';
const ROOT = resolve(__dirname, '..');
const QUICK = { SQLITE_INSTANCE_LOCK_WAIT_MS: '200' };

/** The real entry point in its own process (as in foundation-startup), on `dbPath`. */
function startProcess(dbPath: string, port: number) {
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), PORT: String(port), DB_PATH: dbPath, LOG_REQUESTS: 'false', ...QUICK },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const serving = async () => {
    const deadline = Date.now() + 50_000;
    while (!output.includes('serving on')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, exited, serving, output: () => output };
}

(onSqlite ? describe : describe.skip)('foundation: one instance per SQLite file', () => {
  it('a second app on the same file refuses to start, saying why, and the first goes on writing; once it stops, the next starts', async () => {
    const database = await createTestDatabase();
    const first = await createTestApp({ database, env: QUICK });
    try {
      await expect(createTestApp({ database, env: QUICK })).rejects.toThrow(/Another instance of the app is using the SQLite database .*SQLite serves one instance.*PostgreSQL/);

      const office = await createOffice(first, { slots: [{ date: futureDate(2), start: '09:00', end: '09:30', capacity: 5 }] });
      await first.http.post('/appointments').send(bookingBody(office.code, office.slots[0].id, 1)).expect(201);

      const next = await first.restart();
      try {
        const slots = await next.http.get(`/offices/${office.code}/slots`).query({ date: futureDate(2) }).expect(200);
        expect(slots.body[0].booked).toBe(1);
      } finally {
        await next.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('between real processes: a second process exits with the reason; a process killed with SIGKILL leaves no lock behind', async () => {
    const database = await createTestDatabase();
    const first = startProcess(database.config.path, await freePort());
    try {
      await first.serving();
      const second = startProcess(database.config.path, await freePort());
      expect(await second.exited).not.toBe(0);
      expect(second.output()).toContain('Another instance of the app is using the SQLite database');

      first.child.kill('SIGKILL');
      await first.exited;
      const after = await createTestApp({ database, env: QUICK });
      await after.http.get('/offices').expect(200);
      await after.close();
    } finally {
      first.child.kill('SIGKILL');
      await database.drop();
    }
  });
});
