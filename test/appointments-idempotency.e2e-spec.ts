import { applicant, bookedBySlot, bookingBody, createOffice, futureDate, nik } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const NIK = 'X-Applicant-NIK';
const KEY = 'Idempotency-Key';

describe('appointments: Idempotency-Key on POST /appointments', () => {
  let t: TestApp;
  let n = 7000;
  let keys = 0;
  const next = () => ++n;
  const newKey = () => `key-${process.pid}-${++keys}`;
  const date = futureDate(5);

  async function office(capacity = 20, dailyExpressQuota = 5) {
    const o = await createOffice(t, {
      dailyExpressQuota,
      slots: [
        { date, start: '09:00', end: '09:30', capacity },
        { date, start: '10:00', end: '10:30', capacity },
      ],
    });
    return { code: o.code, slot: o.slots[0].id, other: o.slots[1].id };
  }

  const post = (body: object, key?: string) => {
    const req = t.http.post('/appointments');
    return key === undefined ? req.send(body) : req.set(KEY, key).send(body);
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());
  afterEach(() => t.clock.useRealTime());

  it('the same key and body replay the first response (status and body) without booking again', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    const body = bookingBody(o.code, o.slot, who);
    const first = await post(body, key);
    expect(first.status).toBe(201);
    const replay = await post(body, key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.text).not.toContain(nik(who));
    // the same body with its keys in another order is the same request
    const reordered = { applicant: { phone: body.applicant.phone, fullName: body.applicant.fullName, nik: body.applicant.nik }, serviceType: body.serviceType, slotId: body.slotId, officeCode: body.officeCode };
    const replay2 = await post(reordered, key);
    expect(replay2.status).toBe(201);
    expect(replay2.body).toEqual(first.body);

    expect((await bookedBySlot(t, o.code, date)).get(o.slot)).toBe(1);
    // the replays created nothing: the applicant holds exactly the one booking
    const fresh = await post(body, newKey());
    expect(fresh.status).toBe(409);
    expect(fresh.body.code).toBe('ACTIVE_BOOKING_EXISTS');
  });

  it('a replay is the stored response, even after the appointment changed', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    const body = bookingBody(o.code, o.slot, who, { express: true });
    const first = await post(body, key);
    expect(first.status).toBe(201);
    await t.http.delete(`/appointments/${first.body.code}`).set(NIK, nik(who)).expect(200);
    const replay = await post(body, key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await bookedBySlot(t, o.code, date)).get(o.slot)).toBe(0);
  });

  it('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and books nothing', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    expect((await post(bookingBody(o.code, o.slot, who), key)).status).toBe(201);
    for (const changed of [bookingBody(o.code, o.other, who), bookingBody(o.code, o.slot, who, { serviceType: 'RENEWAL' }), bookingBody(o.code, o.slot, who, { express: true })]) {
      const res = await post(changed, key);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slot]: 1, [o.other]: 0 });
  });

  it('a key is scoped to the applicant: another NIK with the same key gets its own booking, not the first response', async () => {
    const o = await office();
    const key = newKey();
    const first = await post(bookingBody(o.code, o.slot, next()), key);
    expect(first.status).toBe(201);
    const otherWho = next();
    const second = await post(bookingBody(o.code, o.slot, otherWho), key);
    expect(second.status).toBe(201);
    expect(second.body.code).not.toBe(first.body.code);
    expect(second.body.applicant.nikMasked).not.toBe(first.body.applicant.nikMasked);
    expect(second.body.applicant.fullName).toBe(applicant(otherWho).fullName);
    expect((await bookedBySlot(t, o.code, date)).get(o.slot)).toBe(2);
  });

  it('50 concurrent requests with one key: all get the same 201 and one booking exists', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    const body = bookingBody(o.code, o.slot, who);
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(body, key)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(new Set(responses.map((r) => r.body.code)).size).toBe(1);
    for (const r of responses) expect(r.body).toEqual(responses[0].body);
    expect((await bookedBySlot(t, o.code, date)).get(o.slot)).toBe(1);
    expect((await t.http.get(`/appointments/${responses[0].body.code}`).set(NIK, nik(who))).status).toBe(200);
  });

  it('a refusal is not stored: once the seat frees up, the same key books', async () => {
    const o = await office(1);
    const holder = next();
    const holderRes = await post(bookingBody(o.code, o.slot, holder));
    const key = newKey();
    const body = bookingBody(o.code, o.slot, next());
    const refused = await post(body, key);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SLOT_FULL');
    await t.http.delete(`/appointments/${holderRes.body.code}`).set(NIK, nik(holder)).expect(200);
    const retried = await post(body, key);
    expect(retried.status).toBe(201);
    expect((await post(body, key)).body).toEqual(retried.body);
  });

  it('keys are kept 24 h: replayed after 23 h, not after 25 h', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    const body = bookingBody(o.code, o.slot, who);
    t.clock.set(new Date());
    const first = await post(body, key);
    expect(first.status).toBe(201);

    t.clock.advanceMinutes(23 * 60);
    const within = await post(body, key);
    expect(within.status).toBe(201);
    expect(within.body).toEqual(first.body);

    t.clock.advanceMinutes(2 * 60); // 25 h after the first request
    const expired = await post(body, key);
    // not replayed: it is a new attempt, refused because the first booking is still active
    expect(expired.status).toBe(409);
    expect(expired.body.code).toBe('ACTIVE_BOOKING_EXISTS');

    // and a new booking with the expired key after cancelling is a different appointment
    await t.http.delete(`/appointments/${first.body.code}`).set(NIK, nik(who)).expect(200);
    const rebooked = await post(body, key);
    expect(rebooked.status).toBe(201);
    expect(rebooked.body.code).not.toBe(first.body.code);
  });

  it('an expired key may be reused with a different body', async () => {
    const o = await office();
    const who = next();
    const key = newKey();
    t.clock.set(new Date());
    const first = await post(bookingBody(o.code, o.slot, who), key);
    await t.http.delete(`/appointments/${first.body.code}`).set(NIK, nik(who)).expect(200);
    t.clock.advanceMinutes(25 * 60);
    const res = await post(bookingBody(o.code, o.other, who), key);
    expect(res.status).toBe(201);
    expect(res.body.slot.id).toBe(o.other);
  });

  it('key length: 255 characters are fine, 256 are 400 VALIDATION_FAILED and book nothing', async () => {
    const o = await office();
    const long = await post(bookingBody(o.code, o.slot, next()), 'k'.repeat(256));
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('VALIDATION_FAILED');
    expect((await bookedBySlot(t, o.code, date)).get(o.slot)).toBe(0);
    const max = await post(bookingBody(o.code, o.slot, next()), 'k'.repeat(255));
    expect(max.status).toBe(201);
    const one = await post(bookingBody(o.code, o.slot, next()), 'k');
    expect(one.status).toBe(201);
  });

  it('an empty key is 400; a key with inner spaces is an ordinary key', async () => {
    const o = await office();
    const empty = await post(bookingBody(o.code, o.slot, next()), '');
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
    const body = bookingBody(o.code, o.slot, next());
    const spaced = await post(body, 'order 42 / attempt 1');
    expect(spaced.status).toBe(201);
    expect((await post(body, 'order 42 / attempt 1')).body).toEqual(spaced.body);
  });

  it('requests without a key are never replayed', async () => {
    const o = await office();
    const who = next();
    expect((await post(bookingBody(o.code, o.slot, who))).status).toBe(201);
    const again = await post(bookingBody(o.code, o.slot, who));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ACTIVE_BOOKING_EXISTS');
  });
});
