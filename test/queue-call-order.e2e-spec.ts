import { applicant, bearer, bookFor, counterAction, createOffice, kioskCheckIn, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
/** 09:05 WIB: the 09:00, 09:30 and 10:00 slots are all open for check-in. */
const FIVE_PAST_NINE_WIB = '2030-03-04T02:05:00.000Z';
const SLOTS = [
  { date: DAY, start: '09:00', end: '09:30', capacity: 20 },
  { date: DAY, start: '09:30', end: '10:00', capacity: 20 },
  { date: DAY, start: '10:00', end: '10:30', capacity: 20 },
];

interface QueuedTicket {
  id: number;
  number: string;
  position: number;
  estimatedWaitMinutes: number;
  priority: boolean;
  express: boolean;
}

describe('call order and wait estimates', () => {
  let t: TestApp;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp({ env: { DEFAULT_SERVICE_MINUTES: '7', ESTIMATE_MIN_SAMPLES: '3', ESTIMATE_SAMPLE_SIZE: '3' } });
  });
  afterAll(() => t.destroy());

  const queue = async (officeCode: string, token: string) => (await t.http.get(`/offices/${officeCode}/queue`).set(bearer(token)).expect(200)).body as QueuedTicket[];
  const walkIn = async (officeCode: string, token: string, body: Record<string, unknown> = {}) =>
    (await t.http.post(`/offices/${officeCode}/walk-ins`).set(bearer(token)).send({ serviceType: 'NEW', applicant: applicant(++person), ...body }).expect(201)).body as QueuedTicket;
  const checkIn = async (booking: { code: string; nik: string }) => (await kioskCheckIn(t, booking).expect(201)).body as QueuedTicket;

  describe('a mixed queue', () => {
    let office: { code: string; slots: Array<{ id: number }> };
    let staff: string;
    let expected: string[];
    let lateAppointment: { code: string; nik: string };

    beforeAll(async () => {
      office = await createOffice(t, { counters: 2, slots: SLOTS });
      staff = await staffOf(t, office.code);
      const [s0900, s0930, s1000] = office.slots.map((s) => s.id);
      t.clock.set(BEFORE_EVERYTHING);
      // Booked in an order that differs from the check-in order below.
      const late0930 = await bookFor(t, office.code, s0930, ++person);
      const early0930 = await bookFor(t, office.code, s0930, ++person);
      const at1000 = await bookFor(t, office.code, s1000, ++person);
      const express1000 = await bookFor(t, office.code, s1000, ++person, { express: true });
      const at0900 = await bookFor(t, office.code, s0900, ++person);
      lateAppointment = late0930;

      t.clock.set(FIVE_PAST_NINE_WIB);
      const step = () => t.clock.advanceMinutes(1);
      const plainWalkIn1 = await walkIn(office.code, staff);
      step();
      const plain1000 = await checkIn(at1000);
      step();
      const first0930 = await checkIn(early0930);
      step();
      const express = await checkIn(express1000);
      step();
      const second0930 = await checkIn(late0930);
      step();
      const priorityWalkIn = await walkIn(office.code, staff, { priority: true });
      step();
      const expressWalkIn = await walkIn(office.code, staff, { express: true });
      step();
      const plain0900 = await checkIn(at0900);
      step();
      const plainWalkIn2 = await walkIn(office.code, staff);

      expect(express.express).toBe(true);
      expected = [priorityWalkIn, express, expressWalkIn, plain0900, first0930, second0930, plain1000, plainWalkIn1, plainWalkIn2].map((x) => x.number);
      // Sanity: the numbers were handed out in check-in order, so sorting by number would be wrong.
      expect(expected).toEqual(['W002', 'A003', 'W003', 'A005', 'A002', 'A004', 'A001', 'W001', 'W004']);
    });

    it('GET /queue lists the waiting tickets in contract order with positions 1..n', async () => {
      const waiting = await queue(office.code, staff);

      expect(waiting.map((x) => x.number)).toEqual(expected);
      expect(waiting.map((x) => x.position)).toEqual(expected.map((_, i) => i + 1));
    });

    it('a single ticket reports the same position as the queue', async () => {
      const res = await t.http.get(`/appointments/${lateAppointment.code}`).set('X-Applicant-NIK', lateAppointment.nik).expect(200);

      expect(res.body.ticket).toEqual(expect.objectContaining({ number: 'A004', position: expected.indexOf('A004') + 1 }));
    });

    it('estimates: position × default minutes ÷ open counters, rounded up, never falling along the queue', async () => {
      const closed = await queue(office.code, staff);
      // No counter open: one is assumed.
      expect(closed.map((x) => x.estimatedWaitMinutes)).toEqual(closed.map((x) => x.position * 7));

      await counterAction(t, staff, office.code, 1, 'open').expect(200);
      await counterAction(t, staff, office.code, 2, 'open').expect(200);
      const open = await queue(office.code, staff);
      expect(open.map((x) => x.estimatedWaitMinutes)).toEqual([4, 7, 11, 14, 18, 21, 25, 28, 32]);
      open.slice(1).forEach((x, i) => expect(x.estimatedWaitMinutes).toBeGreaterThanOrEqual(open[i].estimatedWaitMinutes));

      await counterAction(t, staff, office.code, 2, 'pause').expect(200);
      const paused = await queue(office.code, staff);
      expect(paused.map((x) => x.estimatedWaitMinutes)).toEqual(paused.map((x) => x.position * 7));
      await counterAction(t, staff, office.code, 2, 'close').expect(200);
    });

    it('call-next hands the tickets out in exactly that order', async () => {
      await counterAction(t, staff, office.code, 1, 'open').expect(200);
      const called: string[] = [];
      for (;;) {
        const res = await counterAction(t, staff, office.code, 1, 'call-next');
        if (res.status === 404) {
          expect(res.body.code).toBe('QUEUE_EMPTY');
          break;
        }
        expect(res.status).toBe(200);
        called.push(res.body.number);
        await counterAction(t, staff, office.code, 1, 'no-show').expect(200);
      }

      expect(called).toEqual(expected);
    });
  });

  it('asking for express after check-in moves the ticket ahead of plain appointments', async () => {
    const office = await createOffice(t, { counters: 1, slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const early = await bookFor(t, office.code, office.slots[0].id, ++person);
    const late = await bookFor(t, office.code, office.slots[2].id, ++person);
    t.clock.set(FIVE_PAST_NINE_WIB);
    await checkIn(early);
    await checkIn(late);
    expect((await queue(office.code, staff)).map((x) => x.number)).toEqual(['A001', 'A002']);

    await t.http.post(`/appointments/${late.code}/express`).set('X-Applicant-NIK', late.nik).expect(201);

    const waiting = await queue(office.code, staff);
    expect(waiting.map((x) => [x.number, x.express])).toEqual([
      ['A002', true],
      ['A001', false],
    ]);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    expect((await counterAction(t, staff, office.code, 1, 'call-next').expect(200)).body.number).toBe('A002');
  });

  it('the queue is today’s: tickets left waiting yesterday are neither listed, counted nor called', async () => {
    const office = await createOffice(t, { counters: 1, slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const booking = await bookFor(t, office.code, office.slots[0].id, ++person);
    t.clock.set(FIVE_PAST_NINE_WIB);
    await checkIn(booking);
    await walkIn(office.code, staff, { priority: true });

    t.clock.set('2030-03-05T02:00:00.000Z');
    const today = await walkIn(office.code, staff);

    expect(today.number).toBe('W001');
    expect((await queue(office.code, staff)).map((x) => [x.number, x.position])).toEqual([['W001', 1]]);
    const board = await t.http.get(`/offices/${office.code}/board`).expect(200);
    expect(board.body.waiting).toBe(1);
    const stale = await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);
    expect(stale.body.ticket).toEqual(expect.objectContaining({ status: 'WAITING', position: null, estimatedWaitMinutes: null }));
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    const called = await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    expect(called.body).toEqual(expect.objectContaining({ id: today.id, serviceDate: '2030-03-05' }));
    await counterAction(t, staff, office.code, 1, 'no-show').expect(200);
    const empty = await counterAction(t, staff, office.code, 1, 'call-next');
    expect([empty.status, empty.body.code]).toEqual([404, 'QUEUE_EMPTY']);
  });

  it('estimates follow the office’s own recent service times once there are enough, divided by open counters', async () => {
    const office = await createOffice(t, { counters: 2 });
    const other = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    const otherStaff = await staffOf(t, other.code);
    t.clock.set('2030-03-04T01:00:00.000Z');
    for (let i = 0; i < 5; i++) await walkIn(office.code, staff);
    await walkIn(other.code, otherStaff);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);

    /** One service at counter 1: called, started 5 minutes later, completed `minutes` after the start. */
    async function serve(minutes: number) {
      await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
      t.clock.advanceMinutes(5);
      await counterAction(t, staff, office.code, 1, 'start').expect(200);
      t.clock.advanceMinutes(minutes);
      await counterAction(t, staff, office.code, 1, 'complete').expect(200);
    }
    const estimates = async () => (await queue(office.code, staff)).map((x) => x.estimatedWaitMinutes);

    await serve(20);
    await serve(20);
    // Two samples, three needed: still the default of 7 minutes.
    expect(await estimates()).toEqual([7, 14, 21]);

    await serve(20);
    // Three 20-minute services (the 5 minutes before each start do not count).
    expect(await estimates()).toEqual([20, 40]);
    for (let i = 0; i < 3; i++) await walkIn(office.code, staff);
    await counterAction(t, staff, office.code, 2, 'open').expect(200);
    expect(await estimates()).toEqual([10, 20, 30, 40, 50]);
    const board = await t.http.get(`/offices/${office.code}/board`).expect(200);
    expect(board.body.estimatedWaitMinutes).toBe(60);

    await serve(50);
    // Only the 3 most recent services count: (20 + 20 + 50) / 3 = 30 minutes, over 2 counters.
    expect(await estimates()).toEqual([15, 30, 45, 60]);

    // Another office has no history of its own: it keeps the default.
    const elsewhere = await queue(other.code, otherStaff);
    expect(elsewhere.map((x) => x.estimatedWaitMinutes)).toEqual([7]);
  });
});
