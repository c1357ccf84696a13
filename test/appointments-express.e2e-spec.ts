import { addSlots, bearer, bookedBySlot, bookingBody, createOffice, futureDate, nik, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const NIK = 'X-Applicant-NIK';

describe('appointments: express requests in NORMAL mode', () => {
  let t: TestApp;
  let n = 5000;
  const next = () => ++n;
  const day1 = futureDate(2);
  const day2 = futureDate(3);

  /** An office with one 20-seat slot on day1 and one on day2. */
  async function office(dailyExpressQuota: number, timeZone?: string) {
    return createOffice(t, {
      dailyExpressQuota,
      timeZone,
      slots: [
        { date: day1, start: '09:00', end: '09:30', capacity: 20 },
        { date: day1, start: '13:00', end: '13:30', capacity: 20 },
        { date: day2, start: '09:00', end: '09:30', capacity: 20 },
      ],
    });
  }

  async function book(officeCode: string, slotId: number, express = false, who = next()) {
    const res = await t.http.post('/appointments').send(bookingBody(officeCode, slotId, who, express ? { express: true } : {}));
    return { res, who, nik: nik(who), code: res.body.code as string };
  }

  const askExpress = (code: string, applicantNik: string) => t.http.post(`/appointments/${code}/express`).set(NIK, applicantNik);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());
  afterEach(() => t.clock.useRealTime());

  it('booking with express: true is 201 with an ACTIVE express request', async () => {
    const o = await office(2);
    const b = await book(o.code, o.slots[0].id, true);
    expect(b.res.status).toBe(201);
    expect(b.res.body.status).toBe('BOOKED');
    expect(b.res.body.express).toMatchObject({ status: 'ACTIVE', requestedAt: expect.stringMatching(/Z$/) });
    expect(b.res.text).not.toContain(b.nik);
    const got = await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik);
    expect(got.body.express).toMatchObject({ status: 'ACTIVE' });
  });

  it('express: false books a regular appointment', async () => {
    const o = await office(2);
    const res = await t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, next(), { express: false }));
    expect(res.status).toBe(201);
    expect(res.body.express).toBeNull();
  });

  it('POST …/express is 201 ACTIVE; asking twice is 409 EXPRESS_ALREADY_REQUESTED', async () => {
    const o = await office(5);
    const b = await book(o.code, o.slots[0].id);
    expect(b.res.body.express).toBeNull();
    const first = await askExpress(b.code.toLowerCase(), b.nik);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ code: b.code, status: 'BOOKED', express: { status: 'ACTIVE' } });
    expect(first.text).not.toContain(b.nik);
    const second = await askExpress(b.code, b.nik);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('EXPRESS_ALREADY_REQUESTED');
    const bookedWithExpress = await book(o.code, o.slots[0].id, true);
    const again = await askExpress(bookedWithExpress.code, bookedWithExpress.nik);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EXPRESS_ALREADY_REQUESTED');
  });

  it('POST …/express: 404 APPOINTMENT_NOT_FOUND for a wrong NIK, 400 without the header; staff of the office may ask', async () => {
    const o = await office(5);
    const b = await book(o.code, o.slots[0].id);
    const wrong = await askExpress(b.code, nik(next()));
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('APPOINTMENT_NOT_FOUND');
    const missing = await t.http.post(`/appointments/${b.code}/express`);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    const byStaff = await t.http.post(`/appointments/${b.code}/express`).set(bearer(await staffOf(t, o.code)));
    expect(byStaff.status).toBe(201);
    expect(byStaff.body.express.status).toBe('ACTIVE');
  });

  it('the quota counts per office per local day: 409 EXPRESS_QUOTA_FULL, and nothing is stored for a refused booking', async () => {
    const o = await office(2);
    expect((await book(o.code, o.slots[0].id, true)).res.status).toBe(201);
    const viaEndpoint = await book(o.code, o.slots[1].id);
    expect((await askExpress(viaEndpoint.code, viaEndpoint.nik)).status).toBe(201);

    // day1 is used up, by booking and by POST …/express alike
    const refused = await book(o.code, o.slots[0].id, true);
    expect(refused.res.status).toBe(409);
    expect(refused.res.body.code).toBe('EXPRESS_QUOTA_FULL');
    const late = await book(o.code, o.slots[1].id);
    const lateExpress = await askExpress(late.code, late.nik);
    expect(lateExpress.status).toBe(409);
    expect(lateExpress.body.code).toBe('EXPRESS_QUOTA_FULL');
    expect((await t.http.get(`/appointments/${late.code}`).set(NIK, late.nik)).body.express).toBeNull();

    // the refused booking took no seat and holds no booking
    expect(Object.fromEntries(await bookedBySlot(t, o.code, day1))).toEqual({ [o.slots[0].id]: 1, [o.slots[1].id]: 2 });
    expect((await book(o.code, o.slots[0].id, false, refused.who)).res.status).toBe(201);

    // another day and another office have their own quota
    expect((await book(o.code, o.slots[2].id, true)).res.body.express).toMatchObject({ status: 'ACTIVE' });
    const other = await office(1);
    expect((await book(other.code, other.slots[0].id, true)).res.body.express).toMatchObject({ status: 'ACTIVE' });
  });

  it('the quota day is the office-local date, not the UTC one', async () => {
    // Jayapura (UTC+9): 07:00 and 10:00 local on day1 fall on two different UTC dates
    const o = await createOffice(t, {
      timeZone: 'Asia/Jayapura',
      dailyExpressQuota: 1,
      slots: [
        { date: day1, start: '07:00', end: '07:30', capacity: 5 },
        { date: day1, start: '10:00', end: '10:30', capacity: 5 },
      ],
    });
    expect((await book(o.code, o.slots[0].id, true)).res.status).toBe(201);
    const second = await book(o.code, o.slots[1].id, true);
    expect(second.res.status).toBe(409);
    expect(second.res.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('a quota of 0 refuses every express request', async () => {
    const o = await office(0);
    const res = await book(o.code, o.slots[0].id, true);
    expect(res.res.status).toBe(409);
    expect(res.res.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('cancelling the appointment cancels its express request and frees its quota place', async () => {
    const o = await office(1);
    const holder = await book(o.code, o.slots[0].id, true);
    const waiting = await book(o.code, o.slots[1].id);
    expect((await askExpress(waiting.code, waiting.nik)).body.code).toBe('EXPRESS_QUOTA_FULL');

    const cancelled = await t.http.delete(`/appointments/${holder.code}`).set(NIK, holder.nik);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', express: { status: 'CANCELLED' } });
    expect((await t.http.get(`/appointments/${holder.code}`).set(NIK, holder.nik)).body.express.status).toBe('CANCELLED');

    expect((await askExpress(waiting.code, waiting.nik)).status).toBe(201);
    // and the place is taken again
    const third = await book(o.code, o.slots[0].id, true);
    expect(third.res.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('a cancelled appointment cannot ask for express (409)', async () => {
    const o = await office(3);
    const b = await book(o.code, o.slots[0].id);
    await t.http.delete(`/appointments/${b.code}`).set(NIK, b.nik).expect(200);
    const res = await askExpress(b.code, b.nik);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVALID_STATE');
    const holder = await book(o.code, o.slots[0].id, true);
    await t.http.delete(`/appointments/${holder.code}`).set(NIK, holder.nik).expect(200);
    const again = await askExpress(holder.code, holder.nik);
    expect(again.status).toBe(409);
    // all 3 places are still free
    for (let i = 0; i < 3; i++) expect((await book(o.code, o.slots[0].id, true)).res.status).toBe(201);
  });

  it('rescheduling to another day moves the express place to that day’s quota', async () => {
    const o = await office(1);
    const mover = await book(o.code, o.slots[0].id, true);
    const res = await t.http.patch(`/appointments/${mover.code}`).set(NIK, mover.nik).send({ slotId: o.slots[2].id });
    expect(res.status).toBe(200);
    expect(res.body.express).toMatchObject({ status: 'ACTIVE' });
    // day1 has its place back, day2's is now taken
    expect((await book(o.code, o.slots[1].id, true)).res.status).toBe(201);
    const day2Express = await book(o.code, o.slots[2].id, true);
    expect(day2Express.res.status).toBe(409);
    expect(day2Express.res.body.code).toBe('EXPRESS_QUOTA_FULL');
    // cancelling gives day2's place back, not day1's
    await t.http.delete(`/appointments/${mover.code}`).set(NIK, mover.nik).expect(200);
    expect((await book(o.code, o.slots[2].id, true, day2Express.who)).res.status).toBe(201);
    expect((await book(o.code, o.slots[0].id, true)).res.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('rescheduling with express into a day whose quota is used up is 409 EXPRESS_QUOTA_FULL and changes nothing', async () => {
    const o = await office(1);
    const mover = await book(o.code, o.slots[0].id, true);
    await book(o.code, o.slots[2].id, true);
    const res = await t.http.patch(`/appointments/${mover.code}`).set(NIK, mover.nik).send({ slotId: o.slots[2].id });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EXPRESS_QUOTA_FULL');
    expect((await t.http.get(`/appointments/${mover.code}`).set(NIK, mover.nik)).body).toMatchObject({ slot: { id: o.slots[0].id }, express: { status: 'ACTIVE' } });
    expect((await bookedBySlot(t, o.code, day2)).get(o.slots[2].id)).toBe(1);
    expect((await bookedBySlot(t, o.code, day1)).get(o.slots[0].id)).toBe(1);
    // a move within the same day keeps its place
    expect((await t.http.patch(`/appointments/${mover.code}`).set(NIK, mover.nik).send({ slotId: o.slots[1].id })).status).toBe(200);
    expect((await book(o.code, o.slots[0].id, true)).res.body.code).toBe('EXPRESS_QUOTA_FULL');
  });

  it('a checked-in appointment may still ask for express', async () => {
    const o = await office(2);
    const [slot] = await addSlots(t, o.code, [{ date: day1, start: '15:00', end: '15:30', capacity: 2 }]);
    const b = await book(o.code, slot.id);
    t.clock.set(`${day1}T07:30:00.000Z`); // 14:30 WIB
    await t.http.post(`/appointments/${b.code}/check-in`).set(NIK, b.nik).send({}).expect(201);
    const res = await askExpress(b.code, b.nik);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'CHECKED_IN', express: { status: 'ACTIVE' }, ticket: { express: true } });
  });
});
