import { request as httpRequest } from 'node:http';
import { bearer, bookFor, createOffice, expectErrorBody, futureDate, nik, staffOf } from './support/fixtures';
import { ADMIN, createTestApp, TestApp } from './support/test-app';
import { ADDRESS_FACTOR } from '../src/common/rate-limit.rules';

/*
 * Hostile clients, part 2: failed logins are limited per client address, per username from an
 * address and per username (except from an address the user signed in from lately); failed
 * appointment look-ups per client address and per booking code (never per NIK). An address may fail
 * ADDRESS_FACTOR times as often as a username or a code: a whole office can sit behind one. Every address in 127.0.0.0/8 is loopback on Linux, so each
 * request below is sent from the client address the test names (the socket's local address): that
 * is what the server sees, and it lets one spec tell the per-client key from the per-username key.
 */

const LIMIT = 3;
const ADDRESS_LIMIT = LIMIT * ADDRESS_FACTOR;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

let nextAddress = 10;
/** A client address no other test has used. */
const freshClient = () => `127.0.0.${nextAddress++}`;

function call(t: TestApp, client: string, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { ...options.headers };
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, t.url), { method, headers, localAddress: client }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const login = (t: TestApp, client: string, username: string, password: string, headers: Record<string, string> = {}) =>
  call(t, client, 'POST', '/auth/login', { body: { username, password }, headers });
const lookUp = (t: TestApp, client: string, code: string, applicantNik: string) => call(t, client, 'GET', `/appointments/${code}`, { headers: { 'X-Applicant-NIK': applicantNik } });

/** 429 TOO_MANY_REQUESTS in the contract's shape, with a whole-second Retry-After within the window. */
function expectLimited(answer: Answer, windowSeconds: number) {
  expect(answer.status).toBe(429);
  expectErrorBody(answer.body, 429, 'TOO_MANY_REQUESTS');
  const retryAfter = String(answer.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

/** A code of the right shape that no booking has (the check character set is Crockford's). */
const wrongCode = (n: number) => `ZZZZZZZZ${String(n).padStart(2, '0')}`.slice(0, 10);

describe('deployment: rate limits on failed logins and failed look-ups', () => {
  const WINDOW = 60;
  let t: TestApp;
  let staffToken: string;
  let officeCode: string;
  let slotId: number;
  let person = 0;
  const book = () => bookFor(t, officeCode, slotId, ++person);

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT: String(LIMIT), LOOKUP_FAILURE_LIMIT: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: String(WINDOW) } });
    const office = await createOffice(t, { slots: [{ date: futureDate(2), start: '09:00', end: '09:30', capacity: 100 }] });
    officeCode = office.code;
    slotId = office.slots[0].id;
    // Created from the default client address, which no test below uses for failures.
    staffToken = await staffOf(t, officeCode, 'front-desk');
  });
  afterAll(() => t.destroy());

  describe('POST /auth/login', () => {
    it(`per client: after ${ADDRESS_LIMIT} failures from one address, even the right password is 429 there, for any username; other addresses are not affected`, async () => {
      const client = freshClient();
      // Every failure names another (unknown) username, so no per-username count reaches the limit.
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        const res = await login(t, client, `nobody-${client}-${i}`, 'wrong password');
        expect([res.status, res.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      }

      expectLimited(await login(t, client, ADMIN.username, ADMIN.password), WINDOW);
      expectLimited(await login(t, client, 'front-desk', 'staff-password-1234'), WINDOW);
      // A forged X-Forwarded-For does not make a new client.
      expectLimited(await login(t, client, ADMIN.username, ADMIN.password, { 'X-Forwarded-For': '203.0.113.9' }), WINDOW);

      const elsewhere = await login(t, freshClient(), ADMIN.username, ADMIN.password);
      expect(elsewhere.status).toBe(200);
      expect(typeof elsewhere.body.accessToken).toBe('string');
    });

    it(`per username: ${LIMIT} failures spread over ${LIMIT} addresses block that username from every address it has not signed in from, and only that username`, async () => {
      await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'target-user', password: 'target-password-1234', role: 'STAFF', officeCode }).expect(201);
      const usual = freshClient();

      for (let i = 0; i < LIMIT - 1; i++) expect((await login(t, freshClient(), 'target-user', 'guess')).status).toBe(401);
      // One below the limit, the owner still gets in (successes are not failures and do not block).
      expect((await login(t, usual, 'target-user', 'target-password-1234')).status).toBe(200);
      expect((await login(t, freshClient(), 'target-user', 'guess')).status).toBe(401);

      // Each address has failed once only, so only the per-username count can refuse now.
      const fresh = freshClient();
      expectLimited(await login(t, fresh, 'target-user', 'target-password-1234'), WINDOW);
      expectLimited(await login(t, freshClient(), 'TARGET-USER', 'target-password-1234'), WINDOW);
      // The refusal was not counted against that address: another user logs in from it.
      expect((await login(t, fresh, ADMIN.username, ADMIN.password)).status).toBe(200);
      // Whoever sent the wrong passwords cannot lock the user out of the address they work from.
      expect((await login(t, usual, 'target-user', 'target-password-1234')).status).toBe(200);
    });

    it(`per username from one address: ${LIMIT} failures there block that username there, even from an address it signed in from`, async () => {
      await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'desk-user', password: 'desk-password-1234', role: 'STAFF', officeCode }).expect(201);
      const desk = freshClient();
      expect((await login(t, desk, 'desk-user', 'desk-password-1234')).status).toBe(200);
      for (let i = 0; i < LIMIT; i++) expect((await login(t, desk, 'desk-user', 'guess')).status).toBe(401);

      expectLimited(await login(t, desk, 'desk-user', 'desk-password-1234'), WINDOW);
      // Others at that desk, and the user elsewhere, are not affected.
      expect((await login(t, desk, ADMIN.username, ADMIN.password)).status).toBe(200);
      expect((await login(t, freshClient(), 'desk-user', 'desk-password-1234')).status).toBe(200);
    });

    it(`guesses sent all at once: at most ${LIMIT} are tried, the rest 429, and the right password among them is refused too`, async () => {
      await t.http.post('/users').set(bearer(await t.adminToken())).send({ username: 'burst-user', password: 'burst-password-1234', role: 'STAFF', officeCode }).expect(201);
      const attacker = freshClient();
      const guesses = Array.from({ length: 60 }, (_, i) => (i === 45 ? 'burst-password-1234' : `guess-${i}`));
      const answers = await Promise.all(guesses.map((password) => login(t, attacker, 'burst-user', password)));

      const tried = answers.filter((a) => a.status !== 429);
      expect(tried.length).toBeLessThanOrEqual(LIMIT);
      for (const a of answers.filter((a) => a.status === 429)) expectLimited(a, WINDOW);
      // Only a guess that was tried can have signed in; with the limit reached, no guess is tried any more.
      expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(tried.length);
      expectLimited(await login(t, attacker, 'burst-user', 'burst-password-1234'), WINDOW);
    });

    it('never counts successful logins', async () => {
      const client = freshClient();
      for (let i = 0; i < LIMIT * 3; i++) expect((await login(t, client, ADMIN.username, ADMIN.password)).status).toBe(200);
      // And they do not add up with failures either: LIMIT - 1 failures later, still not blocked.
      for (let i = 0; i < LIMIT - 1; i++) expect((await login(t, client, ADMIN.username, 'wrong')).status).toBe(401);
      expect((await login(t, client, ADMIN.username, ADMIN.password)).status).toBe(200);
    });

    it('does not count malformed requests (400) as failed logins', async () => {
      const client = freshClient();
      for (let i = 0; i < LIMIT * 2; i++) {
        const res = await call(t, client, 'POST', '/auth/login', { body: { username: ADMIN.username } });
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
      expect((await login(t, client, ADMIN.username, ADMIN.password)).status).toBe(200);
    });
  });

  describe('GET /appointments/{code} with X-Applicant-NIK', () => {
    it(`per client: after ${ADDRESS_LIMIT} failed look-ups (wrong code or wrong NIK) from one address, its correct look-ups and other actions are 429; other addresses are not affected`, async () => {
      const mine = await book();
      const someones = [];
      for (let i = 0; i < ADDRESS_LIMIT / (LIMIT - 1); i++) someones.push(await book());
      const client = freshClient();
      // Wrong codes, and wrong NIKs for several codes, so no per-code count reaches the limit.
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        const res = i % 2 ? await lookUp(t, client, someones[i % someones.length].code, nik(9000 + i)) : await lookUp(t, client, wrongCode(i), nik(9100 + i));
        expect([res.status, res.body.code]).toEqual([404, 'APPOINTMENT_NOT_FOUND']);
      }

      expectLimited(await lookUp(t, client, mine.code, mine.nik), WINDOW);
      expectLimited(await call(t, client, 'DELETE', `/appointments/${mine.code}`, { headers: { 'X-Applicant-NIK': mine.nik } }), WINDOW);
      expectLimited(await call(t, client, 'POST', `/appointments/${mine.code}/check-in`, { headers: { 'X-Applicant-NIK': mine.nik } }), WINDOW);
      // A made-up token does not get around it: a bad token is 401, never a look-up.
      const forged = await call(t, client, 'GET', `/appointments/${mine.code}`, { headers: { 'X-Applicant-NIK': mine.nik, Authorization: 'Bearer not.a.token' } });
      expect([forged.status, forged.body.code]).toEqual([401, 'UNAUTHENTICATED']);

      const elsewhere = await lookUp(t, freshClient(), mine.code, mine.nik);
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body.status).toBe('BOOKED'); // the refused DELETE did nothing
    });

    it(`per code: ${LIMIT} wrong NIKs for one booking code spread over ${LIMIT} addresses block that code from every address, and only that code`, async () => {
      const target = await book();
      const other = await book();
      for (let i = 0; i < LIMIT; i++) expect((await lookUp(t, freshClient(), i % 2 ? target.code.toLowerCase() : target.code, nik(9200 + i))).status).toBe(404);

      const fresh = freshClient();
      expectLimited(await lookUp(t, fresh, target.code, target.nik), WINDOW);
      expectLimited(await lookUp(t, freshClient(), target.code, target.nik), WINDOW);
      // The address itself is fine: another citizen looks up their booking from it.
      expect((await lookUp(t, fresh, other.code, other.nik)).status).toBe(200);
      // The front desk still serves the blocked citizen.
      expect((await call(t, fresh, 'GET', `/appointments/${target.code}`, { headers: bearer(staffToken) })).status).toBe(200);
    });

    it(`wrong NIKs sent all at once for one code: at most ${LIMIT} are tried, the rest 429, and the code is blocked afterwards`, async () => {
      const target = await book();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => lookUp(t, freshClient(), target.code, nik(9500 + i))));
      const tried = answers.filter((a) => a.status !== 429);
      expect(tried.length).toBeLessThanOrEqual(LIMIT);
      for (const a of tried) expect([a.status, a.body.code]).toEqual([404, 'APPOINTMENT_NOT_FOUND']);
      for (const a of answers.filter((a) => a.status === 429)) expectLimited(a, WINDOW);
      expectLimited(await lookUp(t, freshClient(), target.code, target.nik), WINDOW);
    });

    it('citizens looking up at once from one kiosk, each code as often as its own limit, are all answered', async () => {
      const kiosk = freshClient();
      const mine = [];
      for (let i = 0; i < LIMIT; i++) mine.push(await book());
      const answers = await Promise.all(mine.flatMap((m) => Array.from({ length: LIMIT }, () => lookUp(t, kiosk, m.code, m.nik))));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    });

    it('never per NIK: wrong codes sent with somebody\'s NIK, from many addresses, do not lock that person out', async () => {
      const victim = await book();
      for (let i = 0; i < LIMIT * 3; i++) expect((await lookUp(t, freshClient(), wrongCode(20 + i), victim.nik)).status).toBe(404);
      expect((await lookUp(t, freshClient(), victim.code, victim.nik)).status).toBe(200);
    });

    it(`a kiosk's address: ${LIMIT} citizens' typos in a row do not stop the next citizen at that kiosk`, async () => {
      const kiosk = freshClient();
      for (let i = 0; i < LIMIT * 2; i++) expect((await lookUp(t, kiosk, wrongCode(70 + i), nik(9300 + i))).status).toBe(404);
      const next = await book();
      expect((await lookUp(t, kiosk, next.code, next.nik)).status).toBe(200);
    });

    it('never counts successful look-ups', async () => {
      const mine = await book();
      const client = freshClient();
      for (let i = 0; i < LIMIT * 4; i++) expect((await lookUp(t, client, mine.code, mine.nik)).status).toBe(200);
      for (let i = 0; i < LIMIT - 1; i++) expect((await lookUp(t, client, wrongCode(40 + i), mine.nik)).status).toBe(404);
      expect((await lookUp(t, client, mine.code, mine.nik)).status).toBe(200);
      // A lower-case code is the same booking, so it is a success too.
      expect((await lookUp(t, client, mine.code.toLowerCase(), mine.nik)).status).toBe(200);
    });

    it('does not limit staff with a Bearer token', async () => {
      const mine = await book();
      const client = freshClient();
      for (let i = 0; i < LIMIT * 3; i++) {
        const res = await call(t, client, 'GET', `/appointments/${wrongCode(60 + i)}`, { headers: bearer(staffToken) });
        expect([res.status, res.body.code]).toEqual([404, 'APPOINTMENT_NOT_FOUND']);
      }
      expect((await call(t, client, 'GET', `/appointments/${mine.code}`, { headers: bearer(staffToken) })).status).toBe(200);
      // And their failures did not count against the address for citizens either.
      expect((await lookUp(t, client, mine.code, mine.nik)).status).toBe(200);
    });
  });
});

describe('deployment: a rate-limit block expires with its window', () => {
  const WINDOW = 2;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT: '2', LOOKUP_FAILURE_LIMIT: '2', RATE_LIMIT_WINDOW_SECONDS: String(WINDOW) } });
  });
  afterAll(() => t.destroy());

  it('lets the same client and username in again after Retry-After seconds', async () => {
    const office = await createOffice(t, { slots: [{ date: futureDate(2), start: '09:00', end: '09:30', capacity: 5 }] });
    const mine = await bookFor(t, office.code, office.slots[0].id, 1);
    const client = freshClient();

    for (let i = 0; i < 2; i++) expect((await login(t, client, ADMIN.username, 'wrong')).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await lookUp(t, client, mine.code, nik(9400 + i))).status).toBe(404);
    const loginBlocked = await login(t, client, ADMIN.username, ADMIN.password);
    const lookupBlocked = await lookUp(t, client, mine.code, mine.nik);
    expectLimited(loginBlocked, WINDOW);
    expectLimited(lookupBlocked, WINDOW);

    const wait = Math.max(Number(loginBlocked.headers['retry-after']), Number(lookupBlocked.headers['retry-after']));
    await new Promise((r) => setTimeout(r, wait * 1000 + 200));

    expect((await login(t, client, ADMIN.username, ADMIN.password)).status).toBe(200);
    expect((await lookUp(t, client, mine.code, mine.nik)).status).toBe(200);
    // And counting starts afresh: one failure does not block again.
    expect((await login(t, client, ADMIN.username, 'wrong')).status).toBe(401);
    expect((await login(t, client, ADMIN.username, ADMIN.password)).status).toBe(200);
  });
});

describe('deployment: behind a load balancer (TRUST_PROXY_HOPS=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY_HOPS: '1', LOGIN_RATE_LIMIT: '2' } });
  });
  afterAll(() => t.destroy());

  const login = (forwardedFor: string, username: string) =>
    t.http.post('/auth/login').set('X-Forwarded-For', forwardedFor).send({ username, password: 'not-the-password' });

  it('counts failures per forwarded client address, not per proxy', async () => {
    // Different usernames, so only the client-address key accumulates.
    for (let i = 0; i < 2 * ADDRESS_FACTOR; i++) expect((await login('203.0.113.7', `nobody-${i}`)).status).toBe(401);
    const blocked = await login('203.0.113.7', 'nobody-last');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another client behind the same proxy is not blocked by the first one's failures.
    expect((await login('203.0.113.8', 'nobody-4')).status).toBe(401);
  });
});
