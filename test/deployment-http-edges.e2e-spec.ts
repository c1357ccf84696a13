import { connect } from 'node:net';
import { applicant, bearer, bookFor, counterAction, createOffice, detailFields, expectErrorBody, staffOf, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

/*
 * Hostile clients, part 2: what reaches the HTTP layer before any route runs. Numbers written in
 * forms Number() accepts (1.0, 0x1, 1e0, " 1"), requests Node's parser refuses (it answers them
 * itself), If-Match as RFC 9110 reads it, and headers sent twice, which Node joins into one value.
 */

const DAY = '2030-03-04';
const BEFORE = '2030-03-01T00:00:00.000Z';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes bytes to the app's port as they are and reads until the server closes: for what supertest cannot send. */
function rawExchange(url: string, request: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset the connection after answering (it does not read the rest of a refused request).
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks).toString('utf8'))));
    socket.write(request);
  });
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** One request as raw lines; `headers` may repeat a name. Connection: close, so the server ends the exchange. */
function rawRequest(method: string, path: string, headers: Array<[string, string]>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
  if (body) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The contract's error body and the headers every answer of the app carries. */
function expectContractError(res: RawResponse, statusCode: number, code: string) {
  expect([res.status, res.body]).toEqual([statusCode, expect.any(String)]);
  expectErrorBody(JSON.parse(res.body) as Record<string, unknown>, statusCode, code);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
}

describe('deployment: HTTP edges', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let itemId: number;
  let slotId: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    t.clock.set(BEFORE);
    const office = await createOffice(t, { code: 'EDGE', counters: 2, slots: [{ date: DAY, start: '09:00', end: '09:30', capacity: 20 }] });
    slotId = office.slots[0].id;
    staff = await staffOf(t, 'EDGE');
    // A pending reconciliation item: a walk-in served while the office is DEGRADED. Counter 1 ends CLOSED.
    await switchMode(t, admin, 'EDGE', { mode: 'DEGRADED' }).expect(200);
    await t.http.post('/offices/EDGE/walk-ins').set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(1) }).expect(201);
    for (const action of ['open', 'call-next', 'start', 'complete', 'close']) await counterAction(t, staff, 'EDGE', 1, action).expect(200);
    itemId = (await t.http.get('/reconciliation?officeCode=EDGE&status=PENDING').set(bearer(staff)).expect(200)).body[0].id;
  });
  afterAll(() => t.destroy());

  const counterStatus = async (n: number) =>
    ((await t.http.get('/offices/EDGE/counters').set(bearer(staff)).expect(200)).body as Array<{ number: number; status: string }>).find((c) => c.number === n)?.status;
  const pendingItems = async () => ((await t.http.get('/reconciliation?officeCode=EDGE&status=PENDING').set(bearer(staff)).expect(200)).body as Array<{ id: number }>).map((i) => i.id);

  describe('numbers in paths and queries are canonical decimal digits', () => {
    it.each(['1.0', '0x1', '1e0', '0b1', '+1', '%201', '1%20', '01', '%2B1', '0', '-1', '1.5'])('counter %s is 400 naming n, and counter 1 stays closed', async (n) => {
      const res = await t.http.post(`/offices/EDGE/counters/${n}/open`).set(bearer(staff));
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toEqual(['n']);
      expect(await counterStatus(1)).toBe('CLOSED');
    });

    it('a well-formed counter number the office does not have is still 404 COUNTER_NOT_FOUND', async () => {
      for (const n of ['7', '999', '1000', '99999999999']) {
        const res = await t.http.post(`/offices/EDGE/counters/${n}/open`).set(bearer(staff));
        expect([n, res.status, res.body.code]).toEqual([n, 404, 'COUNTER_NOT_FOUND']);
      }
    });

    it('a reconciliation id written any other way is 400 naming id, and the item stays pending', async () => {
      for (const id of [`${itemId}.0`, `0x${itemId.toString(16)}`, `${itemId}e0`, `+${itemId}`, `0${itemId}`, `%20${itemId}`, '0']) {
        const res = await t.http.post(`/reconciliation/${id}/resolve`).set(bearer(staff));
        expect([id, res.status, res.body.code]).toEqual([id, 400, 'VALIDATION_FAILED']);
        expect(detailFields(res.body)).toEqual(['id']);
      }
      expect(await pendingItems()).toContain(itemId);
      const unknown = await t.http.post('/reconciliation/999999/resolve').set(bearer(staff));
      expect([unknown.status, unknown.body.code]).toEqual([404, 'RECONCILIATION_ITEM_NOT_FOUND']);
      const huge = await t.http.post('/reconciliation/99999999999/resolve').set(bearer(staff));
      expect([huge.status, huge.body.code]).toEqual([404, 'RECONCILIATION_ITEM_NOT_FOUND']);
    });

    it.each(['1e3', '0x10', '010', '+5', '%205', '5%20', '5.0', '0b11'])('GET /audit?limit=%s is 400 naming limit', async (limit) => {
      const res = await t.http.get(`/audit?limit=${limit}`).set(bearer(admin));
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toEqual(['limit']);
    });

    it('a canonical limit still works, and an empty one is still no limit', async () => {
      expect((await t.http.get('/audit?limit=2').set(bearer(admin)).expect(200)).body).toHaveLength(2);
      await t.http.get('/audit?limit=').set(bearer(admin)).expect(200);
    });
  });

  describe("requests Node's HTTP parser refuses get the contract's error body", () => {
    it('a header over 16 KB is 431 HEADERS_TOO_LARGE', async () => {
      const res = await rawExchange(t.url, rawRequest('GET', '/offices', [['X-Applicant-NIK', '1'.repeat(20_000)]]));
      expectContractError(res, 431, 'HEADERS_TOO_LARGE');
    });

    it.each([
      ['a NUL byte in a header value', rawRequest('GET', '/offices', [['X-Applicant-NIK', '3174\u00000101850001']])],
      ['a raw space in the path', rawRequest('GET', '/offices/ED GE', [])],
      ['a non-ASCII character in the path', Buffer.from(rawRequest('GET', '/offices/\u00fc', []), 'utf8')],
      ['Content-Length: abc', rawRequest('POST', '/offices', [['Content-Length', 'abc']])],
    ])('%s is 400 BAD_REQUEST', async (_, request) => {
      expectContractError(await rawExchange(t.url, request), 400, 'BAD_REQUEST');
    });

    it('Content-Length with Transfer-Encoding is 400 BAD_REQUEST, and the office in its body is not created', async () => {
      const body = JSON.stringify({ code: 'SMUGGLE', name: 'Kantor Smuggle', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 });
      const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      const request = rawRequest('POST', '/offices', [
        ['Authorization', `Bearer ${admin}`],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(Buffer.byteLength(chunked))],
        ['Transfer-Encoding', 'chunked'],
      ]);
      expectContractError(await rawExchange(t.url, request + chunked), 400, 'BAD_REQUEST');
      await t.http.get('/offices/SMUGGLE').expect(404);
    });
  });

  describe('If-Match, as RFC 9110 reads it', () => {
    const globalVersion = async () => (await t.http.get('/service-modes/global').expect(200)).body.version as number;

    it('a weak tag never matches (strong comparison): 412, and nothing switches', async () => {
      const version = await globalVersion();
      const res = await switchMode(t, admin, 'global', { mode: 'DEGRADED' }, `W/"${version}"`);
      expect([res.status, res.body.code]).toEqual([412, 'VERSION_CONFLICT']);
      expectErrorBody(res.body, 412, 'VERSION_CONFLICT');
      expect((await t.http.get('/service-modes/global').expect(200)).body).toMatchObject({ mode: 'NORMAL', version });
    });

    it.each(['1', '"1', '1"', "'1'", '"01"', '"1", "2"', '"-1"', '""'])('a malformed If-Match (%s) is 400 naming If-Match', async (ifMatch) => {
      const version = await globalVersion();
      const res = await switchMode(t, admin, 'global', { mode: 'DEGRADED' }, ifMatch.replace('1', String(version)));
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(detailFields(res.body)).toEqual(['If-Match']);
      expect(await globalVersion()).toBe(version);
    });

    it('* matches whatever version is current', async () => {
      const version = await globalVersion();
      const switched = await switchMode(t, admin, 'global', { mode: 'DEGRADED' }, '*').expect(200);
      expect(switched.body.version).toBe(version + 1);
      await switchMode(t, admin, 'global', { mode: 'NORMAL' }, '*').expect(200);
    });

    it('an office without an override: DELETE with a version other than "0" is 412 like PUT; "0" and * are 200', async () => {
      const office = (await createOffice(t, { code: 'EDGE-NOOVR' })).code;
      const put = await switchMode(t, admin, office, { mode: 'DEGRADED' }, '"5"');
      expect([put.status, put.body.code]).toEqual([412, 'VERSION_CONFLICT']);
      const del = await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).set('If-Match', '"5"');
      expect([del.status, del.body.code]).toEqual([412, 'VERSION_CONFLICT']);
      expect(del.body.message).toContain('"0"');
      const weak = await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).set('If-Match', 'W/"0"');
      expect([weak.status, weak.body.code]).toEqual([412, 'VERSION_CONFLICT']);
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).set('If-Match', '"0"').expect(200);
      await t.http.delete(`/service-modes/offices/${office}`).set(bearer(admin)).set('If-Match', '*').expect(200);
      expect((await t.http.get(`/service-modes/${office}`).expect(200)).body.scope).toBe('global');
    });

    it('an unknown office is 404 whatever the If-Match', async () => {
      for (const ifMatch of ['"5"', 'W/"5"', '*']) {
        const del = await t.http.delete('/service-modes/offices/NO-SUCH').set(bearer(admin)).set('If-Match', ifMatch);
        expect([ifMatch, del.status, del.body.code]).toEqual([ifMatch, 404, 'OFFICE_NOT_FOUND']);
        const put = await switchMode(t, admin, 'NO-SUCH', { mode: 'DEGRADED' }, ifMatch);
        expect([ifMatch, put.status, put.body.code]).toEqual([ifMatch, 404, 'OFFICE_NOT_FOUND']);
      }
    });
  });

  describe('a header the app reads as one value, sent twice, is refused rather than joined', () => {
    it('two Idempotency-Key lines: 400, and nothing is booked', async () => {
      const body = JSON.stringify({ officeCode: 'EDGE', slotId, serviceType: 'NEW', applicant: applicant(2) });
      const res = await rawExchange(t.url, rawRequest('POST', '/appointments', [['Idempotency-Key', 'k-one'], ['Idempotency-Key', 'k-two']], body));
      expectContractError(res, 400, 'VALIDATION_FAILED');
      expect(detailFields(JSON.parse(res.body) as { details: Array<{ field: string }> })).toEqual(['Idempotency-Key']);
      // Had it been booked, the same applicant could not book again (one active booking per NIK).
      await bookFor(t, 'EDGE', slotId, 2);
    });

    it('two X-Applicant-NIK lines: 400, and the appointment is not cancelled, even with a token that makes the NIK unneeded', async () => {
      const booking = await bookFor(t, 'EDGE', slotId, 3);
      const twice: Array<[string, string]> = [['X-Applicant-NIK', booking.nik], ['X-Applicant-NIK', booking.nik]];
      for (const headers of [twice, [['Authorization', `Bearer ${staff}`], ...twice] as Array<[string, string]>]) {
        const res = await rawExchange(t.url, rawRequest('DELETE', `/appointments/${booking.code}`, headers));
        expectContractError(res, 400, 'VALIDATION_FAILED');
        expect(detailFields(JSON.parse(res.body) as { details: Array<{ field: string }> })).toEqual(['X-Applicant-NIK']);
      }
      expect((await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200)).body.status).toBe('BOOKED');
    });

    it('two If-Match lines: 400, and the mode does not switch', async () => {
      const version = (await t.http.get('/service-modes/global').expect(200)).body.version as number;
      const body = JSON.stringify({ mode: 'DEGRADED', reason: 'Two preconditions' });
      const res = await rawExchange(t.url, rawRequest('PUT', '/service-modes/global', [['Authorization', `Bearer ${admin}`], ['If-Match', `"${version}"`], ['If-Match', `"${version}"`]], body));
      expectContractError(res, 400, 'VALIDATION_FAILED');
      expect(detailFields(JSON.parse(res.body) as { details: Array<{ field: string }> })).toEqual(['If-Match']);
      expect((await t.http.get('/service-modes/global').expect(200)).body).toMatchObject({ mode: 'NORMAL', version });
    });

    it('two Authorization lines (Node keeps the first): 400, and the office is not created', async () => {
      const body = JSON.stringify({ code: 'TWO-AUTH', name: 'Kantor Dua', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 });
      const res = await rawExchange(t.url, rawRequest('POST', '/offices', [['Authorization', `Bearer ${admin}`], ['Authorization', 'Bearer something-else']], body));
      expectContractError(res, 400, 'VALIDATION_FAILED');
      await t.http.get('/offices/TWO-AUTH').expect(404);
    });

    it('one line of each still works', async () => {
      const res = await t.http.post('/appointments').set('Idempotency-Key', 'k-single').send({ officeCode: 'EDGE', slotId, serviceType: 'NEW', applicant: applicant(4) });
      expect(res.status).toBe(201);
    });
  });
});
