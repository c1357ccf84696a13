import type { Response } from 'supertest';
import { AuditService } from '../src/audit/audit.service';
import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { ServiceModesService } from '../src/service-modes/service-modes.service';
import { TicketsService } from '../src/queue/tickets.service';
import { answeredWithin, applicant, bearer, bookFor, bookingBody, counterAction, createOffice, holdNextCall, staffOf, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Two writes to the same rows, the first held inside its transaction (see holdNextCall) while the
 * second runs. On PostgreSQL (READ COMMITTED, a connection per request) the second must wait for
 * the first's row locks, or must be read by the first once it goes on; on SQLite the write queue
 * orders them. Either way the outcome is that of one write after the other. Each case below once
 * left a broken state on PostgreSQL: a check-in on a slot the appointment had left, a lost quota
 * place, an express request counted on the wrong day, a queue that called a deferred request first,
 * a reconciliation item resolved twice over.
 */
describe('writes to the same appointment or mode, interleaved', () => {
  const TODAY = '2030-03-04';
  const NEXT_WEEK = '2030-03-11';
  const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
  /** 09:00 in Jakarta on TODAY; the 09:30 slot's check-in window is open. */
  const NINE_WIB = '2030-03-04T02:00:00.000Z';
  /** How long a second write is given to finish while the first is held: long enough to finish, were it not waiting. */
  const WAIT_MS = 300;

  let t: TestApp;
  let admin: string;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(() => t.destroy());
  /** Every hold of the running test, let go afterwards even when an expectation failed on the way. */
  let holds: Array<{ release: () => void }> = [];
  const hold = (...args: Parameters<typeof holdNextCall>) => {
    const held = holdNextCall(...args);
    holds.push(held);
    return held;
  };
  afterEach(() => {
    holds.forEach((held) => held.release());
    holds = [];
    jest.restoreAllMocks();
  });

  /** An office with a slot today and one next week, a counter and a staff token; the clock before everything. */
  async function office(dailyExpressQuota = 5) {
    t.clock.set(BEFORE_EVERYTHING);
    const created = await createOffice(t, {
      counters: 1,
      dailyExpressQuota,
      slots: [
        { date: TODAY, start: '09:30', end: '10:00', capacity: 10 },
        { date: NEXT_WEEK, start: '09:30', end: '10:00', capacity: 10 },
      ],
    });
    return { code: created.code, today: created.slots[0].id, nextWeek: created.slots[1].id, staff: await staffOf(t, created.code) };
  }

  const book = (officeCode: string, slotId: number, express = false) => bookFor(t, officeCode, slotId, ++person, { express });
  const staffCheckIn = (staff: string, code: string) => t.http.post(`/appointments/${code}/check-in`).set(bearer(staff)).send({});
  const asCitizen = (booking: { nik: string }) => ({ 'X-Applicant-NIK': booking.nik });
  const requestExpress = (booking: { code: string; nik: string }) => t.http.post(`/appointments/${booking.code}/express`).set(asCitizen(booking)).send({});
  const appointment = async (booking: { code: string; nik: string }) => (await t.http.get(`/appointments/${booking.code}`).set(asCitizen(booking)).expect(200)).body;
  const modes = () => t.app.get(ServiceModesService);
  const send = (request: PromiseLike<Response>) => Promise.resolve(request.then((r) => r));
  /** The office's express requests as the admin list shows them: [appointment, status, ticket number]. */
  const requestsOf = async (officeCode: string) =>
    ((await t.http.get(`/express-requests?officeCode=${officeCode}`).set(bearer(admin)).expect(200)).body as Array<{ appointmentCode: string; status: string; ticketNumber: string | null }>).map(
      (r) => [r.appointmentCode, r.status, r.ticketNumber],
    );

  /**
   * Sends `first`, which stops at the call `held` watches, inside its transaction; sends `second` and
   * gives it WAIT_MS; then lets `first` go on. Both answers, and whether `second` was still waiting
   * when `first` was let go.
   */
  async function interleave(held: ReturnType<typeof hold>, first: PromiseLike<Response>, second: () => PromiseLike<Response>) {
    const firstAnswer = send(first);
    await held.reached;
    const secondAnswer = send(second());
    const secondWaited = (await answeredWithin(secondAnswer, WAIT_MS)) === 'waiting';
    held.release();
    return { first: await firstAnswer, second: await secondAnswer, secondWaited };
  }

  it('check-in and reschedule: the one that comes second sees the first (no ticket for a slot the appointment has left)', async () => {
    const o = await office();
    const booking = await book(o.code, o.today);
    t.clock.set(NINE_WIB);

    const { first: checkIn, second: refused, secondWaited } = await interleave(hold(modes(), 'effectiveForWrite'), staffCheckIn(o.staff, booking.code), () =>
      t.http.patch(`/appointments/${booking.code}`).set(asCitizen(booking)).send({ slotId: o.nextWeek }),
    );

    expect(secondWaited).toBe(true);
    expect(checkIn.status).toBe(201);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INVALID_STATE');
    const now = await appointment(booking);
    expect(now).toMatchObject({ status: 'CHECKED_IN', slot: { id: o.today, date: TODAY } });
    const slots = (await t.http.get(`/offices/${o.code}/slots?date=${NEXT_WEEK}`).expect(200)).body;
    expect(slots[0].booked).toBe(0);
  });

  it('express request and cancel: the cancel that comes second cancels the request and gives its quota place back', async () => {
    const o = await office(1);
    const booking = await book(o.code, o.today);

    const { first: express, second: cancel, secondWaited } = await interleave(hold(modes(), 'effectiveForWrite'), requestExpress(booking), () =>
      t.http.delete(`/appointments/${booking.code}`).set(asCitizen(booking)),
    );

    expect(secondWaited).toBe(true);
    expect(express.status).toBe(201);
    expect(cancel.status).toBe(200);
    expect((await appointment(booking)).express).toMatchObject({ status: 'CANCELLED' });
    // The day's only express place is free again.
    expect((await book(o.code, o.today, true)).code).toBeDefined();
  });

  it('express request and reschedule: the request is counted on the day the appointment is now on', async () => {
    const o = await office(1);
    const booking = await book(o.code, o.today);

    const { first: express, second: reschedule, secondWaited } = await interleave(hold(modes(), 'effectiveForWrite'), requestExpress(booking), () =>
      t.http.patch(`/appointments/${booking.code}`).set(asCitizen(booking)).send({ slotId: o.nextWeek }),
    );

    expect(secondWaited).toBe(true);
    expect(express.status).toBe(201);
    expect(reschedule.status).toBe(200);
    const requests = (await t.http.get(`/express-requests?officeCode=${o.code}`).set(bearer(admin)).expect(200)).body;
    expect(requests.map((r: { appointmentCode: string; serviceDate: string }) => [r.appointmentCode, r.serviceDate])).toEqual([[booking.code, NEXT_WEEK]]);
    // Today's only place is free; next week's is taken.
    expect((await book(o.code, o.today, true)).code).toBeDefined();
    const full = await t.http.post('/appointments').send(bookingBody(o.code, o.nextWeek, ++person, { express: true }));
    expect(full.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('check-in and express request: the request that comes second is linked to the ticket, which is then called first', async () => {
    const o = await office();
    const earlier = await book(o.code, o.today);
    const booking = await book(o.code, o.today);
    t.clock.set(NINE_WIB);
    await staffCheckIn(o.staff, earlier.code).expect(201);

    const { first: ticket, second: express, secondWaited } = await interleave(hold(modes(), 'effectiveForWrite'), staffCheckIn(o.staff, booking.code), () => requestExpress(booking));

    expect(secondWaited).toBe(true);
    expect(ticket.status).toBe(201);
    expect(express.status).toBe(201);
    expect(await requestsOf(o.code)).toEqual([[booking.code, 'ACTIVE', ticket.body.number]]);
    await counterAction(t, o.staff, o.code, 1, 'open').expect(200);
    expect((await counterAction(t, o.staff, o.code, 1, 'call-next').expect(200)).body.number).toBe(ticket.body.number);
  });

  it('check-in and a switch to DEGRADED: a request the switch deferred does not put the ticket ahead', async () => {
    const o = await office();
    const earlier = await book(o.code, o.today);
    const booking = await book(o.code, o.today, true);
    t.clock.set(NINE_WIB);
    const earlierTicket = (await staffCheckIn(o.staff, earlier.code).expect(201)).body;

    // PostgreSQL: the switch commits while the check-in is held (it holds no mode lock yet); SQLite: it waits its turn.
    const { first: checkIn, second: switched } = await interleave(hold(modes(), 'effectiveForWrite'), staffCheckIn(o.staff, booking.code), () =>
      switchMode(t, admin, o.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }),
    );

    const ticket = checkIn.body;
    expect(switched.status).toBe(200);
    expect(await requestsOf(o.code)).toEqual([[booking.code, 'DEFERRED', ticket.number]]);
    await counterAction(t, o.staff, o.code, 1, 'open').expect(200);
    expect((await counterAction(t, o.staff, o.code, 1, 'call-next').expect(200)).body.number).toBe(earlierTicket.number);
  });

  it('check-in and the releaser: a request released while the check-in runs puts its ticket ahead', async () => {
    const o = await office();
    await switchMode(t, admin, o.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
    const earlier = await book(o.code, o.today);
    const n = ++person;
    const booked = await t.http.post('/appointments').send(bookingBody(o.code, o.today, n, { express: true })).expect(202);
    const deferred = { code: booked.body.code as string, nik: applicant(n).nik };
    // Back to NORMAL with the release held back, so the request is still DEFERRED when the check-in reads it.
    const releaser = t.app.get(ExpressReleaseService);
    jest.spyOn(releaser, 'kick').mockImplementation(() => undefined);
    await switchMode(t, admin, o.code, { mode: 'NORMAL' }).expect(200);
    t.clock.set(NINE_WIB);
    await staffCheckIn(o.staff, earlier.code).expect(201);

    const held = hold(t.app.get(TicketsService), 'issueTicket', 'after');
    const checkIn = send(staffCheckIn(o.staff, deferred.code));
    await held.reached;
    const released = releaser.releaseBatch();
    await answeredWithin(released, WAIT_MS);
    held.release();

    const ticket = (await checkIn).body;
    expect(ticket.status).toBe('WAITING');
    await released;
    expect(await requestsOf(o.code)).toEqual([[deferred.code, 'ACTIVE', ticket.number]]);
    await counterAction(t, o.staff, o.code, 1, 'open').expect(200);
    expect((await counterAction(t, o.staff, o.code, 1, 'call-next').expect(200)).body.number).toBe(ticket.number);
  });

  it('two staff resolving one reconciliation item: the second finds it resolved, and the audit names the first once', async () => {
    const o = await office();
    const other = await staffOf(t, o.code, `second-${o.code.toLowerCase()}`);
    t.clock.set(NINE_WIB);
    await switchMode(t, admin, o.code, { mode: 'DEGRADED' }).expect(200);
    await t.http.post(`/offices/${o.code}/walk-ins`).set(bearer(o.staff)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);
    for (const action of ['open', 'call-next', 'start', 'complete']) await counterAction(t, o.staff, o.code, 1, action).expect(200);
    const [item] = (await t.http.get(`/reconciliation?officeCode=${o.code}`).set(bearer(o.staff)).expect(200)).body;

    const resolve = (token: string, note: string) => t.http.post(`/reconciliation/${item.id}/resolve`).set(bearer(token)).send({ note });
    const { first, second, secondWaited } = await interleave(hold(t.app.get(AuditService), 'record'), resolve(o.staff, 'first'), () => resolve(other, 'second'));

    expect(secondWaited).toBe(true);
    expect(first.body).toMatchObject({ status: 'RESOLVED', note: 'first' });
    expect(second.body).toMatchObject({ status: 'RESOLVED', note: 'first' });
    const audit = (await t.http.get('/audit?limit=1000').set(bearer(admin)).expect(200)).body as Array<{ action: string; actor: string; target: string }>;
    const resolves = audit.filter((row) => row.action === 'reconciliation.resolve' && row.target === `ticket:${o.code}/${item.ticketNumber}`);
    expect(resolves.map((row) => row.actor)).toEqual([`staff-${o.code.toLowerCase()}`]);
    await switchMode(t, admin, o.code, { mode: 'NORMAL' }).expect(200);
  });

  it('removing an office override and a global switch to DEGRADED: the office ends DEGRADED with its request deferred', async () => {
    const o = await office();
    await switchMode(t, admin, o.code, { mode: 'NORMAL' }).expect(200);
    const booking = await book(o.code, o.today, true);

    const { first: cleared, second: global, secondWaited } = await interleave(hold(modes(), 'globalMode', 'after'), t.http.delete(`/service-modes/offices/${o.code}`).set(bearer(admin)), () =>
      switchMode(t, admin, 'global', { mode: 'DEGRADED', expressPolicy: 'DEFER' }),
    );

    expect(secondWaited).toBe(true);
    expect(cleared.status).toBe(200);
    expect(global.status).toBe(200);
    expect((await t.http.get(`/service-modes/${o.code}`).expect(200)).body).toMatchObject({ scope: 'global', mode: 'DEGRADED' });
    expect((await appointment(booking)).express).toMatchObject({ status: 'DEFERRED' });
    await switchMode(t, admin, 'global', { mode: 'NORMAL' }).expect(200);
  });
});
