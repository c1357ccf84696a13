import { applicant, bearer, bookFor, counterAction, createOffice, kioskCheckIn, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
const NINE_WIB = '2030-03-04T02:00:00.000Z';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
const slot0900 = { date: DAY, start: '09:00', end: '09:30', capacity: 50 };

describe('counters', () => {
  let t: TestApp;
  let office: { code: string; slots: Array<{ id: number }> };
  let staff: string;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp();
    office = await createOffice(t, { counters: 3, slots: [slot0900] });
    staff = await staffOf(t, office.code);
  });
  afterAll(() => t.destroy());

  const act = (n: number, action: string) => counterAction(t, staff, office.code, n, action);
  const counters = async () => (await t.http.get(`/offices/${office.code}/counters`).set(bearer(staff)).expect(200)).body;

  /** A checked-in appointment of `office`: its booking and its ticket. */
  async function checkedIn() {
    t.clock.set(BEFORE_EVERYTHING);
    const booking = await bookFor(t, office.code, office.slots[0].id, ++person);
    t.clock.set(NINE_WIB);
    const ticket = (await kioskCheckIn(t, booking).expect(201)).body;
    return { booking, ticket };
  }
  const appointmentStatus = async (booking: { code: string; nik: string }) =>
    (await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200)).body.status;

  /** Calls (and finishes) every waiting ticket so a test starts from an empty queue. */
  async function drainQueue(n: number) {
    await act(n, 'open').expect(200);
    for (;;) {
      const res = await act(n, 'call-next');
      if (res.status === 404) return;
      await act(n, 'no-show').expect(200);
    }
  }

  it('lists the counters of an office, CLOSED at first', async () => {
    const fresh = await createOffice(t, { counters: 2 });

    const res = await t.http.get(`/offices/${fresh.code}/counters`).set(bearer(await t.adminToken()));

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { number: 1, status: 'CLOSED', currentTicket: null },
      { number: 2, status: 'CLOSED', currentTicket: null },
    ]);
  });

  it.each([
    ['open', 'OPEN'],
    ['pause', 'PAUSED'],
    ['open', 'OPEN'],
    ['close', 'CLOSED'],
  ])('%s → 200 Counter %s', async (action, status) => {
    const res = await act(3, action);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ number: 3, status, currentTicket: null });
    expect((await counters()).find((c: { number: number }) => c.number === 3).status).toBe(status);
  });

  it.each([
    ['CLOSED', 'close'],
    ['PAUSED', 'pause'],
  ])('call-next on a %s counter is 409 COUNTER_NOT_OPEN, though people are waiting', async (_, action) => {
    await drainQueue(2);
    const { ticket } = await checkedIn();
    await act(2, action).expect(200);

    const res = await act(2, 'call-next');

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('COUNTER_NOT_OPEN');
    const queue = await t.http.get(`/offices/${office.code}/queue`).set(bearer(staff)).expect(200);
    expect(queue.body.map((x: { id: number }) => x.id)).toContain(ticket.id);
  });

  it('call-next with nobody waiting is 404 QUEUE_EMPTY', async () => {
    await drainQueue(1);

    const res = await act(1, 'call-next');

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('QUEUE_EMPTY');
  });

  it.each(['recall', 'start', 'complete', 'no-show'])('%s without a current ticket is 409 NO_CURRENT_TICKET', async (action) => {
    await drainQueue(1);

    const res = await act(1, action);

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NO_CURRENT_TICKET');
  });

  it('takes a ticket through call, recall, start and complete; the appointment follows', async () => {
    await drainQueue(1);
    const { booking, ticket } = await checkedIn();

    const called = await act(1, 'call-next');
    expect(called.status).toBe(200);
    expect(called.body).toEqual(expect.objectContaining({ id: ticket.id, number: ticket.number, status: 'CALLED', counterNumber: 1, position: null }));
    expect(await appointmentStatus(booking)).toBe('CALLED');
    expect((await counters())[0]).toEqual(expect.objectContaining({ number: 1, status: 'OPEN', currentTicket: expect.objectContaining({ id: ticket.id, status: 'CALLED' }) }));

    const busy = await act(1, 'call-next');
    expect([busy.status, busy.body.code]).toEqual([409, 'COUNTER_BUSY']);
    const closing = await act(1, 'close');
    expect([closing.status, closing.body.code]).toEqual([409, 'COUNTER_BUSY']);
    expect((await counters())[0].status).toBe('OPEN');

    const recalled = await act(1, 'recall');
    expect(recalled.status).toBe(200);
    expect(recalled.body).toEqual(expect.objectContaining({ id: ticket.id, status: 'CALLED', counterNumber: 1 }));

    const started = await act(1, 'start');
    expect(started.status).toBe(200);
    expect(started.body).toEqual(expect.objectContaining({ id: ticket.id, status: 'SERVING' }));
    expect(await appointmentStatus(booking)).toBe('SERVING');

    const completed = await act(1, 'complete');
    expect(completed.status).toBe(200);
    expect(completed.body).toEqual(expect.objectContaining({ id: ticket.id, status: 'DONE', counterNumber: 1 }));
    expect(await appointmentStatus(booking)).toBe('DONE');
    expect((await counters())[0].currentTicket).toBeNull();

    const again = await act(1, 'complete');
    expect([again.status, again.body.code]).toEqual([409, 'NO_CURRENT_TICKET']);
    await act(1, 'close').expect(200);
  });

  it('no-show frees the counter and marks the appointment NO_SHOW', async () => {
    await drainQueue(1);
    const first = await checkedIn();
    const second = await checkedIn();
    await act(1, 'call-next').expect(200);

    const res = await act(1, 'no-show');

    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ id: first.ticket.id, status: 'NO_SHOW' }));
    expect(await appointmentStatus(first.booking)).toBe('NO_SHOW');
    expect((await counters())[0].currentTicket).toBeNull();
    const next = await act(1, 'call-next').expect(200);
    expect(next.body.id).toBe(second.ticket.id);
  });

  it.each([
    ['complete a ticket that was never started', ['call-next'], 'complete'],
    ['recall a ticket being served', ['call-next', 'start'], 'recall'],
    ['start a ticket twice', ['call-next', 'start'], 'start'],
    ['mark a ticket being served as no-show', ['call-next', 'start'], 'no-show'],
  ])('refuses to %s: 409 INVALID_STATE, nothing changes', async (_, before, action) => {
    await drainQueue(1);
    const { booking, ticket } = await checkedIn();
    for (const step of before) await act(1, step).expect(200);
    const statusBefore = await appointmentStatus(booking);

    const res = await act(1, action);

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVALID_STATE');
    expect(await appointmentStatus(booking)).toBe(statusBefore);
    expect((await counters())[0].currentTicket.id).toBe(ticket.id);
    await act(1, before.includes('start') ? 'complete' : 'no-show').expect(200);
  });

  it('a paused counter keeps its ticket in hand and can finish it, but calls no one new', async () => {
    await drainQueue(1);
    await checkedIn();
    await checkedIn();
    await act(1, 'call-next').expect(200);
    await act(1, 'pause').expect(200);

    await act(1, 'start').expect(200);
    await act(1, 'complete').expect(200);
    const res = await act(1, 'call-next');

    expect([res.status, res.body.code]).toEqual([409, 'COUNTER_NOT_OPEN']);
    await act(1, 'open').expect(200);
  });

  it('a walk-in ticket goes through the counter like any other', async () => {
    await drainQueue(1);
    const walkIn = await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);

    const called = await act(1, 'call-next').expect(200);
    await act(1, 'start').expect(200);
    const done = await act(1, 'complete').expect(200);

    expect(called.body.id).toBe(walkIn.body.id);
    expect(done.body).toEqual(expect.objectContaining({ number: walkIn.body.number, status: 'DONE', appointmentCode: null }));
  });

  describe('addresses and rights', () => {
    it.each(['open', 'call-next', 'complete'])('%s on an unknown counter is 404 COUNTER_NOT_FOUND', async (action) => {
      const res = await act(99, action);

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('COUNTER_NOT_FOUND');
    });

    it('an unknown office is 404 OFFICE_NOT_FOUND for an admin', async () => {
      const res = await counterAction(t, await t.adminToken(), 'NO-SUCH-OFFICE', 1, 'open');

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    });

    it('a counter number that is not a number is 400 VALIDATION_FAILED; an unknown action is 404 NOT_FOUND', async () => {
      const bad = await t.http.post(`/offices/${office.code}/counters/one/open`).set(bearer(staff));
      const unknown = await act(1, 'explode');

      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    });

    it.each([
      ['POST', '/counters/1/open'],
      ['POST', '/counters/1/call-next'],
      ['POST', '/counters/1/complete'],
      ['GET', '/counters'],
      ['GET', '/queue'],
    ])('staff of another office get 403 FORBIDDEN for %s …%s; no token is 401', async (method, path) => {
      const other = await createOffice(t, { counters: 1 });
      const url = `/offices/${other.code}${path}`;
      const send = (headers: Record<string, string>) => (method === 'GET' ? t.http.get(url) : t.http.post(url)).set(headers);

      const foreign = await send(bearer(staff));
      const anonymous = await send({});

      expect([foreign.status, foreign.body.code]).toEqual([403, 'FORBIDDEN']);
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('an admin may run any office’s counters', async () => {
      const other = await createOffice(t, { counters: 1 });

      const res = await counterAction(t, await t.adminToken(), other.code, 1, 'open');

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('OPEN');
    });
  });

  it('audits every counter action with the staff member who did it', async () => {
    const fresh = await createOffice(t, { counters: 1, slots: [slot0900] });
    const token = await staffOf(t, fresh.code);
    const name = `staff-${fresh.code.toLowerCase()}`;
    t.clock.set(NINE_WIB);
    for (let i = 0; i < 2; i++) await t.http.post(`/offices/${fresh.code}/walk-ins`).set(bearer(token)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);
    const steps = ['open', 'call-next', 'recall', 'start', 'complete', 'call-next', 'no-show', 'pause', 'close'];
    for (const step of steps) await counterAction(t, token, fresh.code, 1, step).expect(200);

    const audit = await t.http.get('/audit?limit=1000').set(bearer(await t.adminToken())).expect(200);

    const mine = audit.body.filter((e: { target: string }) => e.target.includes(fresh.code) && !e.target.startsWith('office:'));
    const actions = mine.map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual(['counter.create', 'ticket.walk-in', 'ticket.walk-in', 'counter.open', 'ticket.call', 'ticket.recall', 'ticket.start', 'ticket.complete', 'ticket.call', 'ticket.no-show', 'counter.pause', 'counter.close']);
    expect(mine.filter((e: { action: string }) => e.action !== 'counter.create').every((e: { actor: string }) => e.actor === name)).toBe(true);
    expect(mine.find((e: { action: string }) => e.action === 'ticket.call')).toEqual(expect.objectContaining({ target: expect.stringContaining('W00'), details: expect.objectContaining({ counter: 1 }) }));
  });
});
