import { createServer } from 'node:net';
import { Sql } from '../../src/database/sql';
import { SCRIPT_SEPARATOR } from '../../src/database/transaction-runner';
import type { TestApp } from './test-app';

/** NIKs with valid birth dates: digits 7-12 are DDMMYY (women +40). `nik(n)` gives distinct ones. */
export function nik(n: number, female = false): string {
  const day = String((n % 28) + 1 + (female ? 40 : 0)).padStart(2, '0');
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0');
  const serial = String(n % 10000).padStart(4, '0');
  return `317401${day}${month}85${serial}`;
}

export function applicant(n: number) {
  return { nik: nik(n), fullName: `Warga Nomor ${String.fromCharCode(65 + (n % 26))}`, phone: `0812${String(10000000 + n).slice(-8)}` };
}

export const JAKARTA = 'Asia/Jakarta';

let officeCounter = 0;

/** An office with counters and slots, created through the admin API. */
export async function createOffice(
  t: TestApp,
  options: { code?: string; timeZone?: string; dailyExpressQuota?: number; counters?: number; slots?: Array<{ date: string; start: string; end: string; capacity: number }> } = {},
) {
  const token = await t.adminToken();
  const code = options.code ?? `OFF-${process.pid % 1000}-${++officeCounter}`;
  await t.http
    .post('/offices')
    .set('Authorization', `Bearer ${token}`)
    .send({ code, name: `Kantor Imigrasi ${code}`, timeZone: options.timeZone ?? JAKARTA, dailyExpressQuota: options.dailyExpressQuota ?? 5 })
    .expect(201);
  for (let n = 1; n <= (options.counters ?? 0); n++) {
    await t.http.post(`/offices/${code}/counters`).set('Authorization', `Bearer ${token}`).send({ number: n }).expect(201);
  }
  let slots: Array<{ id: number; date: string; start: string; end: string; capacity: number }> = [];
  if (options.slots?.length) {
    const res = await t.http.post(`/offices/${code}/slots`).set('Authorization', `Bearer ${token}`).send({ slots: options.slots }).expect(201);
    slots = res.body;
  }
  return { code, slots };
}

/** A staff user of an office and their token. */
export async function staffOf(t: TestApp, officeCode: string, username = `staff-${officeCode.toLowerCase()}`) {
  const password = 'staff-password-1234';
  await t.http.post('/users').set('Authorization', `Bearer ${await t.adminToken()}`).send({ username, password, role: 'STAFF', officeCode }).expect(201);
  const res = await t.http.post('/auth/login').send({ username, password }).expect(200);
  return res.body.accessToken as string;
}

/** Tomorrow's date in Jakarta, as YYYY-MM-DD (slots there are safely in the future). */
export function futureDate(days = 1): string {
  const d = new Date(Date.now() + days * 86400_000 + 7 * 3600_000);
  return d.toISOString().slice(0, 10);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** PUT a service mode with an admin token. `scope` is 'global' or an office code; `reason` defaults to a test reason. */
export function switchMode(t: TestApp, adminToken: string, scope: string, body: Record<string, unknown>, ifMatch?: string) {
  const path = scope === 'global' ? '/service-modes/global' : `/service-modes/offices/${scope}`;
  const req = t.http.put(path).set('Authorization', `Bearer ${adminToken}`);
  if (ifMatch !== undefined) void req.set('If-Match', ifMatch);
  return req.send({ reason: 'Pusat Data Nasional down (test)', ...body });
}

/** Polls `probe` until it returns something truthy; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Adds slots to an existing office through the admin API; returns the created slots. */
export async function addSlots(t: TestApp, officeCode: string, slots: Array<{ date: string; start: string; end: string; capacity: number }>) {
  const res = await t.http.post(`/offices/${officeCode}/slots`).set(bearer(await t.adminToken())).send({ slots }).expect(201);
  return res.body as Array<{ id: number; date: string; start: string; end: string; capacity: number }>;
}

/** The body of `POST /appointments` for applicant(n) on a slot; `extra` overrides or adds fields. */
export function bookingBody(officeCode: string, slotId: number, n: number, extra: Record<string, unknown> = {}) {
  return { officeCode, slotId, serviceType: 'NEW', applicant: applicant(n), ...extra };
}

/** `booked` of each slot of an office on a date, by slot id (via `GET /offices/{code}/slots`). */
export async function bookedBySlot(t: TestApp, officeCode: string, date: string): Promise<Map<number, number>> {
  const res = await t.http.get(`/offices/${officeCode}/slots`).query({ date }).expect(200);
  return new Map((res.body as Array<{ id: number; booked: number }>).map((s) => [s.id, s.booked]));
}

/** Books applicant(n) into a slot through the public API; returns what the citizen holds: the code and the NIK. */
export async function bookFor(t: TestApp, officeCode: string, slotId: number, n: number, extra: { express?: boolean; serviceType?: string } = {}) {
  const res = await t.http
    .post('/appointments')
    .send({ officeCode, slotId, serviceType: extra.serviceType ?? 'NEW', ...(extra.express ? { express: true } : {}), applicant: applicant(n) });
  if (res.status !== 201) throw new Error(`booking applicant ${n} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { code: res.body.code as string, nik: applicant(n).nik };
}

/** Kiosk check-in: the booking code and the X-Applicant-NIK header. */
export function kioskCheckIn(t: TestApp, booking: { code: string; nik: string }) {
  return t.http.post(`/appointments/${booking.code}/check-in`).set('X-Applicant-NIK', booking.nik);
}

/** POSTs `/offices/{code}/counters/{n}/{action}` (open, pause, close, call-next, recall, start, complete, no-show) as `token`. */
export function counterAction(t: TestApp, token: string, officeCode: string, n: number, action: string) {
  return t.http.post(`/offices/${officeCode}/counters/${n}/${action}`).set('Authorization', `Bearer ${token}`);
}

/** The instant `minutes` after (or before, when negative) an ISO instant. */
export function shiftIso(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** Asserts the contract's error body: exactly statusCode, code, message (and details), nothing else. */
export function expectErrorBody(body: Record<string, unknown>, statusCode: number, code: string) {
  expect(body).toMatchObject({ statusCode, code });
  expect(typeof body.message).toBe('string');
  expect(Object.keys(body).filter((k) => !['statusCode', 'code', 'message', 'details'].includes(k))).toEqual([]);
}

/** The `field`s named in a 400 VALIDATION_FAILED body's details. */
export function detailFields(body: { details?: Array<{ field: string }> }): string[] {
  return (body.details ?? []).map((d) => d.field);
}

/** A TCP port free on loopback right now, for a spec that starts the real process. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * Makes the next group-committed batch script (see TransactionRunner.writeScript) fail at its
 * statement whose SQL contains every one of `parts`, after the statements before it have run:
 * - `'error'`: that statement is swapped for one that fails as it runs (it breaks the slots' CHECK),
 *   as a disk error would;
 * - `'count'`: it runs, and the row count checked after it is raised by one, as if it had touched
 *   other rows than the batch decided on.
 * The whole batch must then roll back. Returns whether it has fired.
 */
export function failNextBatchScript(t: TestApp, parts: string[], how: 'error' | 'count'): () => boolean {
  const sql = t.app.get(Sql);
  const exec = sql.exec.bind(sql);
  let fired = false;
  jest.spyOn(sql, 'exec').mockImplementation((script) => {
    const statements = script.split(SCRIPT_SEPARATOR);
    const at = statements.findIndex((statement) => parts.every((part) => statement.includes(part)));
    if (fired || at < 0) return exec(script);
    fired = true;
    if (how === 'error') statements[at] = 'UPDATE slots SET booked = capacity + 1';
    else statements[at + 1] = statements[at + 1].replace(/changes\(\) = (\d+)/, (_, n: string) => `changes() = ${Number(n) + 1}`);
    return exec(statements.join(SCRIPT_SEPARATOR));
  });
  return () => fired;
}

/**
 * Holds the next call of `object[method]` until `release()`: the caller stops there, inside its
 * transaction, while a test runs another request against the same rows. `reached` resolves once a
 * call is held; later calls go straight through. With `after`, the call runs first and the caller
 * is held on its way back.
 */
export function holdNextCall(object: object, method: string, when: 'before' | 'after' = 'before') {
  const target = object as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method].bind(object);
  let reached!: () => void;
  let release!: () => void;
  const held = { reached: new Promise<void>((r) => (reached = r)), release: () => release() };
  const released = new Promise<void>((r) => (release = r));
  let armed = true;
  jest.spyOn(target, method).mockImplementation(async (...args: unknown[]) => {
    if (!armed) return original(...args);
    armed = false;
    if (when === 'before') {
      reached();
      await released;
      return original(...args);
    }
    const result = await original(...args);
    reached();
    await released;
    return result;
  });
  return held;
}

/** Whether `request` has been answered after `ms` milliseconds ('answered'), or is still waiting. */
export async function answeredWithin(request: Promise<unknown>, ms: number): Promise<'answered' | 'waiting'> {
  return Promise.race([request.then(() => 'answered' as const), new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);
}
