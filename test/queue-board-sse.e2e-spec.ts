import http from 'node:http';
import { BoardService } from '../src/queue/board.service';
import { applicant, bearer, counterAction, createOffice, staffOf } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from './support/test-app';

interface BoardEvent {
  event: string;
  data: { type: string; change: { type: string; ticketNumber?: string; counterNumber?: number } | null; board: { nowServing: Array<{ ticketNumber: string; counterNumber: number }>; waiting: number } };
  receivedAt: number;
}

/** A real streaming GET of a text/event-stream, parsed into events as they arrive. */
function openEventStream(url: string) {
  const events: BoardEvent[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  const request = http.get(url, { headers: { Accept: 'text/event-stream' } });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', resolve);
    request.on('error', reject);
  });
  request.on('error', () => undefined);
  request.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
        if (data.length === 0) continue;
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        events.push({ event, data: JSON.parse(data.join('\n')), receivedAt: Date.now() });
        listeners.forEach((notify) => notify());
      }
    });
  });
  return {
    response,
    events,
    /** The first event (already received or still to come) that satisfies `predicate`. */
    waitFor(predicate: (e: BoardEvent) => boolean, timeoutMs: number): Promise<BoardEvent> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.event, e.data.change]))}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => request.destroy(),
  };
}

const NINE_WIB = '2030-03-04T02:00:00.000Z';

describe('board', () => {
  let t: TestApp;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set(NINE_WIB);
  });
  afterAll(() => t.destroy());

  const walkIns = async (officeCode: string, token: string, count: number) => {
    for (let i = 0; i < count; i++) await t.http.post(`/offices/${officeCode}/walk-ins`).set(bearer(token)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);
  };

  /** An office with one open counter and `waiting` walk-ins in its queue, with its staff's token. */
  const officeWithOpenCounter = async (waiting: number) => {
    const office = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    await walkIns(office.code, staff, waiting);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    return { office, staff };
  };

  it('is public and shows mode, who is called where, how many wait and the estimate', async () => {
    const office = await createOffice(t, { counters: 2 });
    const staff = await staffOf(t, office.code);

    const empty = await t.http.get(`/offices/${office.code}/board`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(expect.objectContaining({ mode: 'NORMAL', nowServing: [], waiting: 0, estimatedWaitMinutes: 10 }));

    await walkIns(office.code, staff, 3);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    await counterAction(t, staff, office.code, 2, 'open').expect(200);
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 2, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 2, 'start').expect(200);

    const busy = await t.http.get(`/offices/${office.code}/board`).expect(200);
    expect(busy.body).toEqual(expect.objectContaining({ mode: 'NORMAL', waiting: 1, estimatedWaitMinutes: 10 }));
    expect(busy.body.nowServing).toEqual([expect.objectContaining({ ticketNumber: 'W001', counterNumber: 1 }), expect.objectContaining({ ticketNumber: 'W002', counterNumber: 2 })]);
    expect(JSON.stringify(busy.body)).not.toMatch(/Warga|3174\d{12}/);

    await counterAction(t, staff, office.code, 1, 'no-show').expect(200);
    const after = await t.http.get(`/offices/${office.code}/board`).expect(200);
    expect(after.body.nowServing).toEqual([expect.objectContaining({ ticketNumber: 'W002', counterNumber: 2 })]);
  });

  it('shows the office’s effective mode', async () => {
    const office = await createOffice(t);
    await t.http.put(`/service-modes/offices/${office.code}`).set(bearer(await t.adminToken())).send({ mode: 'DEGRADED', reason: 'SIMKIM down (test)' }).expect(200);

    const res = await t.http.get(`/offices/${office.code}/board`).expect(200);

    expect(res.body.mode).toBe('DEGRADED');
  });

  it('of an unknown office is 404 OFFICE_NOT_FOUND', async () => {
    const res = await t.http.get('/offices/NO-SUCH-OFFICE/board');

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OFFICE_NOT_FOUND');
  });

  describe('live feed (Server-Sent Events)', () => {
    let streams: Array<ReturnType<typeof openEventStream>> = [];
    const open = (url: string) => {
      const stream = openEventStream(url);
      streams.push(stream);
      return stream;
    };
    afterEach(() => {
      streams.forEach((s) => s.close());
      streams = [];
    });

    it('opens with the current board, then pushes a call within a second', async () => {
      const { office, staff } = await officeWithOpenCounter(2);

      const stream = open(`${t.url}/offices/${office.code}/board/events`);
      const res = await stream.response;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const first = await stream.waitFor(() => true, 2000);
      expect(first.event).toBe('board');
      expect(first.data.board).toEqual(expect.objectContaining({ waiting: 2, nowServing: [] }));

      const calledAt = Date.now();
      const called = await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
      const event = await stream.waitFor((e) => e.data.change?.type === 'call' && e.data.change.ticketNumber === called.body.number, 1000);

      expect(event.receivedAt - calledAt).toBeLessThan(1000);
      expect(event.event).toBe('call');
      expect(event.data.board).toEqual(expect.objectContaining({ waiting: 1, nowServing: [expect.objectContaining({ ticketNumber: 'W001', counterNumber: 1 })] }));
    });

    it('pushes every call when several counters call at the same moment', async () => {
      const office = await createOffice(t, { counters: 3 });
      const staff = await staffOf(t, office.code);
      await walkIns(office.code, staff, 3);
      for (const n of [1, 2, 3]) await counterAction(t, staff, office.code, n, 'open').expect(200);
      const stream = open(`${t.url}/offices/${office.code}/board/events`);
      await stream.waitFor(() => true, 2000);

      const calls = await Promise.all([1, 2, 3].map((n) => counterAction(t, staff, office.code, n, 'call-next').expect(200)));

      for (const call of calls) {
        await stream.waitFor((e) => e.data.change?.type === 'call' && e.data.change.ticketNumber === call.body.number, 1000);
      }
    });

    it('only carries its own office', async () => {
      const office = await createOffice(t, { counters: 1 });
      const other = await createOffice(t, { counters: 1 });
      const otherStaff = await staffOf(t, other.code);
      await walkIns(other.code, otherStaff, 1);
      await counterAction(t, otherStaff, other.code, 1, 'open').expect(200);
      const stream = open(`${t.url}/offices/${office.code}/board/events`);
      await stream.waitFor(() => true, 2000);

      await counterAction(t, otherStaff, other.code, 1, 'call-next').expect(200);
      await new Promise((r) => setTimeout(r, 1300));

      // Only the opening board: nothing for the other office, and an unchanged board is not re-sent.
      expect(stream.events.map((e) => [e.event, e.data.change])).toEqual([['board', null]]);
    });

    describe('an office’s displays share one feed', () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let boardQueries: jest.SpyInstance;
      beforeEach(() => {
        boardQueries = jest.spyOn(t.app.get(BoardService), 'board');
      });
      afterEach(() => boardQueries.mockRestore());
      /** Board queries for `officeCode` since the spy was last cleared. */
      const queriesOf = (officeCode: string) => boardQueries.mock.calls.filter(([code]) => code === officeCode).length;

      it('three displays cost one board query per change and one poll a second, and each display gets every change', async () => {
        const { office, staff } = await officeWithOpenCounter(1);
        const displays = [1, 2, 3].map(() => open(`${t.url}/offices/${office.code}/board/events`));
        await Promise.all(displays.map((d) => d.waitFor(() => true, 2000)));

        boardQueries.mockClear();
        await sleep(2300);
        // Two or three shared polls in 2.3 s; a poll per display would be six or more.
        expect(queriesOf(office.code)).toBeLessThanOrEqual(3);

        boardQueries.mockClear();
        const called = await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
        const events = await Promise.all(displays.map((d) => d.waitFor((e) => e.data.change?.type === 'call' && e.data.change.ticketNumber === called.body.number, 1000)));
        events.forEach((event) => expect(event.data.board.nowServing).toEqual([expect.objectContaining({ ticketNumber: called.body.number, counterNumber: 1 })]));
        for (const nth of [1, 2]) {
          await counterAction(t, staff, office.code, 1, 'recall').expect(200);
          await Promise.all(displays.map((d) => d.waitFor((e) => e.data.change?.type === 'recall' && d.events.filter((x) => x.data.change?.type === 'recall').length === nth, 1000)));
        }

        // Three changes: three board queries, and a few polls that fell in between. Per display
        // it would be nine and more.
        expect(queriesOf(office.code)).toBeLessThanOrEqual(6);
        // An unchanged board is still not re-sent to any display.
        await sleep(1300);
        displays.forEach((d) => expect(d.events.map((e) => e.event)).toEqual(['board', 'call', 'recall', 'recall']));
      });

      it('a display that opens while others watch starts with the current board', async () => {
        const { office, staff } = await officeWithOpenCounter(2);
        const early = open(`${t.url}/offices/${office.code}/board/events`);
        await early.waitFor(() => true, 2000);
        const called = await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
        await early.waitFor((e) => e.data.change?.type === 'call', 1000);

        const late = open(`${t.url}/offices/${office.code}/board/events`);
        const first = await late.waitFor(() => true, 2000);

        expect(first.event).toBe('board');
        expect(first.data.board).toEqual(expect.objectContaining({ waiting: 1, nowServing: [expect.objectContaining({ ticketNumber: called.body.number })] }));
      });

      it('stops querying once its last display has closed', async () => {
        const office = await createOffice(t, { counters: 1 });
        const displays = [1, 2].map(() => open(`${t.url}/offices/${office.code}/board/events`));
        await Promise.all(displays.map((d) => d.waitFor(() => true, 2000)));
        await sleep(1100);
        expect(queriesOf(office.code)).toBeGreaterThan(2); // two opening boards and the feed's poll

        displays.forEach((d) => d.close());
        await sleep(300);
        boardQueries.mockClear();
        await sleep(2200);

        expect(queriesOf(office.code)).toBe(0);
      });
    });

    it('of an unknown office is 404 OFFICE_NOT_FOUND', async () => {
      const res = await t.http.get('/offices/NO-SUCH-OFFICE/board/events');

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    });
  });
});

// Several instances share PostgreSQL only: on SQLite a second one refuses to start (test/foundation-instance-lock).
((process.env.DB_TYPE ?? 'sqlite') === 'postgres' ? describe : describe.skip)('board live feed across instances sharing one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
  });
  afterAll(async () => {
    await b.close();
    await a.destroy();
  });

  it('shows a call made through another instance within about a second', async () => {
    const office = await createOffice(a, { counters: 1 });
    const staff = await staffOf(a, office.code);
    await a.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(1) }).expect(201);
    await counterAction(a, staff, office.code, 1, 'open').expect(200);
    const stream = openEventStream(`${b.url}/offices/${office.code}/board/events`);
    try {
      await stream.waitFor(() => true, 2000);

      await counterAction(a, staff, office.code, 1, 'call-next').expect(200);

      await stream.waitFor((e) => e.data.board.nowServing.some((s) => s.ticketNumber === 'W001'), 1500);
    } finally {
      stream.close();
    }
  });
});
