import { applicant, bearer, bookFor, counterAction, createOffice, kioskCheckIn, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
const COUNTERS = [1, 2, 3, 4];

describe('counters calling at the same moment', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('60 tickets, 4 counters calling and completing in concurrent rounds: each ticket called exactly once, in call order', async () => {
    const office = await createOffice(t, { counters: COUNTERS.length, slots: [{ date: DAY, start: '09:00', end: '09:30', capacity: 40 }] });
    const staff = await staffOf(t, office.code);
    t.clock.set('2030-03-01T00:00:00.000Z');
    const bookings = [];
    for (let i = 1; i <= 30; i++) bookings.push(await bookFor(t, office.code, office.slots[0].id, i));
    t.clock.set('2030-03-04T02:00:00.000Z');
    const issued = await Promise.all([
      ...bookings.map((b) => kioskCheckIn(t, b)),
      ...Array.from({ length: 30 }, (_, i) =>
        t.http
          .post(`/offices/${office.code}/walk-ins`)
          .set(bearer(staff))
          .send({ serviceType: 'RENEWAL', priority: i % 10 === 0, applicant: applicant(100 + i) }),
      ),
    ]);
    expect(issued.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
    const queue = (await t.http.get(`/offices/${office.code}/queue`).set(bearer(staff)).expect(200)).body.map((x: { number: string }) => x.number) as string[];
    expect(queue).toHaveLength(60);
    await Promise.all(COUNTERS.map((n) => counterAction(t, staff, office.code, n, 'open').expect(200)));

    const calledInRound: string[][] = [];
    const statuses: number[] = [];
    for (let round = 0; round < 30; round++) {
      const calls = await Promise.all(COUNTERS.map((n) => counterAction(t, staff, office.code, n, 'call-next')));
      statuses.push(...calls.map((r) => r.status));
      const called = calls.filter((r) => r.status === 200);
      calls.filter((r) => r.status !== 200).forEach((r) => expect([r.status, r.body.code]).toEqual([404, 'QUEUE_EMPTY']));
      if (called.length === 0) break;
      calledInRound.push(called.map((r) => r.body.number));
      const done = await Promise.all(
        called.map(async (r) => {
          await counterAction(t, staff, office.code, r.body.counterNumber, 'start').expect(200);
          return counterAction(t, staff, office.code, r.body.counterNumber, 'complete');
        }),
      );
      statuses.push(...done.map((r) => r.status));
      done.forEach((r) => expect(r.body.status).toBe('DONE'));
    }

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const called = calledInRound.flat();
    expect(called).toHaveLength(60);
    expect(new Set(called).size).toBe(60);
    expect([...called].sort()).toEqual([...queue].sort());
    // No ticket is skipped: each round takes exactly the next tickets of the queue.
    expect(calledInRound).toHaveLength(15);
    calledInRound.forEach((numbers, round) => expect([...numbers].sort()).toEqual(queue.slice(round * 4, round * 4 + 4).sort()));
    const board = await t.http.get(`/offices/${office.code}/board`).expect(200);
    expect(board.body).toEqual(expect.objectContaining({ waiting: 0, nowServing: [] }));
  });

  it('one counter calling twice at once gets one ticket and one 409 COUNTER_BUSY', async () => {
    const office = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    t.clock.set('2030-03-04T02:00:00.000Z');
    for (let i = 0; i < 3; i++) await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(200 + i) }).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);

    const results = await Promise.all([1, 2].map(() => counterAction(t, staff, office.code, 1, 'call-next')));

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('COUNTER_BUSY');
    const queue = (await t.http.get(`/offices/${office.code}/queue`).set(bearer(staff)).expect(200)).body;
    expect(queue).toHaveLength(2);
  });

  it('closing and calling at the same moment never leaves a closed counter holding a ticket', async () => {
    const office = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    t.clock.set('2030-03-04T02:00:00.000Z');
    await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(300) }).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);

    const [call, close] = await Promise.all([counterAction(t, staff, office.code, 1, 'call-next'), counterAction(t, staff, office.code, 1, 'close')]);

    const counters = (await t.http.get(`/offices/${office.code}/counters`).set(bearer(staff)).expect(200)).body;
    if (call.status === 200) {
      expect([close.status, close.body.code]).toEqual([409, 'COUNTER_BUSY']);
      expect(counters[0]).toEqual(expect.objectContaining({ status: 'OPEN', currentTicket: expect.objectContaining({ status: 'CALLED' }) }));
    } else {
      expect([call.status, call.body.code]).toEqual([409, 'COUNTER_NOT_OPEN']);
      expect(counters[0]).toEqual({ number: 1, status: 'CLOSED', currentTicket: null });
    }
  });
});
