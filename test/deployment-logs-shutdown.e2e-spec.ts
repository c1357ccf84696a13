import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applicant, freePort, futureDate, nik } from './support/fixtures';
import { createTestApp } from './support/test-app';

/*
 * Operability of the real process (src/main.ts, as in foundation-startup): JSON log lines with a
 * request id and without secrets, and a graceful shutdown on SIGTERM with requests in flight.
 */
const ROOT = resolve(__dirname, '..');
const MAIN = ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')];
const ADMIN_PASSWORD = 'Sup3r-Secret-Admin-Pa55';
const WRONG_PASSWORD = 'Wr0ng-Guess-Pa55word';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, MAIN, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) => child.on('exit', (code, signal) => done({ code, signal, at: Date.now() })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitUntilServing(run: Run, port: number) {
  const deadline = Date.now() + 50_000;
  while (!run.stdout().includes(`serving on http://localhost:${port}`)) {
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`did not start:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  text?: string;
  error?: string;
  /** When the connection was up and the whole request written. */
  sentAt?: number;
  answeredAt?: number;
}

/** One request on its own connection (no keep-alive pool), with the moment it was fully sent. */
function send(port: number, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Outcome> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { ...options.headers };
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
  return new Promise((done) => {
    const outcome: Outcome = {};
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(Object.assign(outcome, { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), answeredAt: Date.now() })));
      res.on('error', (error) => done(Object.assign(outcome, { error: `response: ${error.message}` })));
    });
    req.on('error', (error: NodeJS.ErrnoException) => done(Object.assign(outcome, { error: error.code ?? error.message })));
    req.on('finish', () => (outcome.sentAt = Date.now()));
    req.end(payload);
  });
}

const json = (o: Outcome) => JSON.parse(o.text ?? '') as Record<string, unknown>;

describe('deployment: JSON logs and graceful shutdown of the real process', () => {
  let folder: string;
  let port: number;
  let run: Run;
  let officeCode: string;
  let slotId: number;
  const env = () => ({ PORT: String(port), DB_PATH: join(folder, 'queue.sqlite'), ADMIN_PASSWORD, JWT_SECRET: 'logs-and-shutdown-secret-0123456789abcdef', LOG_FORMAT: 'json' });

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'passport-queue-ops-'));
    port = await freePort();
    run = start(env());
    await waitUntilServing(run, port);
  }, 60_000);
  afterAll(async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes one JSON object per line, with the request id (also sent as X-Request-Id) on every line of a request, and no NIK, password, token or booking code', async () => {
    const token = json(await send(port, 'POST', '/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).accessToken as string;
    expect(typeof token).toBe('string');
    const failed = await send(port, 'POST', '/auth/login', { body: { username: 'admin', password: WRONG_PASSWORD } });
    expect(failed.status).toBe(401);

    officeCode = 'OPS';
    const admin = { Authorization: `Bearer ${token}` };
    expect((await send(port, 'POST', '/offices', { headers: admin, body: { code: officeCode, name: 'Kantor Ops', timeZone: 'Asia/Jakarta', dailyExpressQuota: 5 } })).status).toBe(201);
    const slots = await send(port, 'POST', `/offices/${officeCode}/slots`, { headers: admin, body: { date: futureDate(2), start: '09:00', end: '09:30', capacity: 400 } });
    expect(slots.status).toBe(201);
    slotId = (JSON.parse(slots.text!) as Array<{ id: number }>)[0].id;

    const person = applicant(1);
    const booked = await send(port, 'POST', '/appointments', { body: { officeCode, slotId, serviceType: 'NEW', applicant: person }, headers: { 'X-Request-Id': 'trace-from-the-gateway.42' } });
    expect(booked.status).toBe(201);
    expect(booked.headers!['x-request-id']).toBe('trace-from-the-gateway.42');
    const code = json(booked).code as string;
    const lookups = [
      await send(port, 'GET', `/appointments/${code}`, { headers: { 'X-Applicant-NIK': person.nik } }),
      await send(port, 'GET', `/appointments/${code}`, { headers: { 'X-Applicant-NIK': nik(2) } }),
      await send(port, 'GET', `/appointments/${code}`, { headers: admin }),
      // A NIK in a query string, a path and a refused body: none of it may reach the log.
      await send(port, 'GET', `/offices?nik=${nik(3)}`),
      await send(port, 'GET', `/no/such/route/${nik(4)}`),
      await send(port, 'POST', '/appointments', { body: { officeCode, slotId, serviceType: 'NEW', applicant: { ...applicant(5), phone: 'not a phone' } } }),
      // An unsafe X-Request-Id is replaced, not echoed into the log.
      await send(port, 'GET', '/health', { headers: { 'X-Request-Id': `${'x'.repeat(80)}"}{"level":"fake` } }),
    ];
    expect(lookups.map((r) => r.status)).toEqual([200, 404, 200, 200, 404, 400, 200]);
    const answers = [failed, booked, ...lookups];
    for (const answer of answers) expect(answer.headers!['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(lookups[6].headers!['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    // The access line of the last request is written after its response; give it a moment.
    await new Promise((r) => setTimeout(r, 300));
    const output = run.stdout() + run.stderr();
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as { level: string; context?: string; message: unknown; requestId?: string };
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    for (const r of records) expect(typeof r.level).toBe('string');

    // Every line written while serving a request carries its id; each request has one access line.
    const requestLines = records.filter((r) => r.context === 'HTTP' || r.context === 'Errors');
    expect(requestLines.every((r) => typeof r.requestId === 'string')).toBe(true);
    for (const answer of answers) {
      const access = records.filter((r) => r.context === 'HTTP' && r.requestId === answer.headers!['x-request-id']);
      expect(access).toHaveLength(1);
      const message = access[0].message as Record<string, unknown>;
      expect(Object.keys(message).sort()).toEqual(['method', 'ms', 'route', 'status']);
      expect(message).toMatchObject({ method: expect.any(String), status: answer.status, ms: expect.any(Number) });
    }
    const accessOf = (answer: Outcome) => records.find((r) => r.context === 'HTTP' && r.requestId === answer.headers!['x-request-id'])!.message as Record<string, unknown>;
    expect(accessOf(booked)).toMatchObject({ method: 'POST', route: '/appointments', status: 201 });
    expect(accessOf(lookups[0])).toMatchObject({ method: 'GET', route: '/appointments/:code', status: 200 });
    expect(accessOf(lookups[4])).toMatchObject({ method: 'GET', route: null, status: 404 });

    for (const secret of [person.nik, nik(2), nik(3), nik(4), applicant(5).nik, ADMIN_PASSWORD, WRONG_PASSWORD, token, code, person.phone]) {
      expect(output).not.toContain(secret);
    }
  });

  it('on SIGTERM under steady load: serves every request that reached it, ends live streams, closes the database cleanly, exits 0 within seconds, and keeps every acknowledged booking', async () => {
    // A waiting-room display holds a live stream open; shutdown must end it, not wait for it for ever.
    let streamEnded = false;
    const stream = httpRequest({ host: '127.0.0.1', port, path: `/offices/${officeCode}/board/events`, headers: { Accept: 'text/event-stream' }, agent: false });
    stream.on('response', (res) => {
      res.resume();
      res.on('close', () => (streamEnded = true));
    });
    stream.on('error', () => (streamEnded = true));
    stream.end();
    await new Promise((r) => setTimeout(r, 300));
    const linesBefore = run.stdout().split('\n').length - 1;

    // 30 clients book one after another, each on a new connection, until the server is gone.
    const outcomes: Outcome[] = [];
    let next = 100;
    let serverGone = false;
    const giveUpAt = Date.now() + 20_000;
    const client = async () => {
      while (!serverGone && Date.now() < giveUpAt) {
        const outcome = await send(port, 'POST', '/appointments', { body: { officeCode, slotId, serviceType: 'RENEWAL', applicant: applicant(next++) } });
        outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') serverGone = true;
      }
    };
    const clients = Array.from({ length: 30 }, client);
    await new Promise((r) => setTimeout(r, 500));
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      run.exited,
      new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`still running 10 s after SIGTERM:\n${run.stdout().slice(-1500)}`)), 10_000))),
    ]).finally(() => clearTimeout(timer));
    await Promise.all(clients);

    // Exit 0 within seconds, although the load did not stop; the live stream was ended.
    expect(exit).toEqual({ code: 0, signal: null, at: expect.any(Number) });
    expect(exit.at - signalledAt).toBeLessThan(5_000);
    expect(streamEnded).toBe(true);
    // Shut down cleanly: no error while draining or closing the database; still JSON lines.
    const shutdownLines = run.stdout().split('\n').slice(linesBefore).filter((l) => l.trim() !== '');
    for (const line of shutdownLines) expect((JSON.parse(line) as { level: string }).level).not.toMatch(/error|fatal/);
    expect(run.stderr()).toBe('');

    // Requests were really in flight when the signal came, and kept coming after it.
    expect(outcomes.some((o) => o.sentAt !== undefined && o.sentAt < signalledAt && o.answeredAt !== undefined && o.answeredAt >= signalledAt)).toBe(true);
    expect(outcomes.some((o) => o.error === 'ECONNREFUSED')).toBe(true);

    // Whatever got an answer got a complete one in the contract's shape: a booking or SLOT_FULL, never a 5xx.
    const responded = outcomes.filter((o) => o.status !== undefined);
    for (const o of responded) {
      expect([o.status, o.error]).toEqual([expect.any(Number), undefined]);
      const body = json(o);
      if (o.status === 201) expect(typeof body.code).toBe('string');
      else expect([o.status, body.code, typeof body.message]).toEqual([409, 'SLOT_FULL', 'string']);
    }
    // A request fully sent before the signal was accepted: it has its answer. Later ones were
    // answered or refused at the door (refused, or reset before the server accepted the connection).
    expect(outcomes.filter((o) => o.sentAt !== undefined && o.sentAt < signalledAt - 50 && o.status === undefined)).toEqual([]);
    for (const o of outcomes.filter((x) => x.status === undefined)) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(o.error);

    const acknowledged = responded.filter((o) => o.status === 201).map((o) => json(o).code as string);
    expect(acknowledged.length).toBeGreaterThan(0);

    // Restart on the same database file: every acknowledged booking is there, and nothing else was booked.
    run = start(env());
    await waitUntilServing(run, port);
    const slot = (json(await send(port, 'GET', `/offices/${officeCode}/slots?date=${futureDate(2)}`)) as unknown as Array<{ id: number; booked: number }>).find((s) => s.id === slotId)!;
    expect(slot.booked).toBe(1 + acknowledged.length);
    const token = json(await send(port, 'POST', '/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).accessToken as string;
    for (const code of acknowledged) {
      const res = await send(port, 'GET', `/appointments/${code}`, { headers: { Authorization: `Bearer ${token}` } });
      expect([code, res.status, json(res).status]).toEqual([code, 200, 'BOOKED']);
    }

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 90_000);
});

describe('deployment: shutdown does not wait for ever on a client that went quiet', () => {
  it('closes a connection still unanswered after SHUTDOWN_GRACE_MS (half a body sent), and finishes shutting down', async () => {
    const t = await createTestApp({ env: { SHUTDOWN_GRACE_MS: '300' } });
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    const socketClosed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => undefined);
    await new Promise<void>((done) => socket.on('connect', () => done()));
    // Promises 200 bytes, sends 14, and waits.
    socket.write('POST /appointments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"officeCode":');
    await new Promise((r) => setTimeout(r, 200));

    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      t.close().then(() => 'closed'),
      new Promise((done) => (timer = setTimeout(() => done('still waiting after 5 s'), 5000))),
    ]);
    clearTimeout(timer);
    socket.destroy();
    expect(closed).toBe('closed');
    await socketClosed;
    await t.destroy().catch(() => undefined);
  });
});
