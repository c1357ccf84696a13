import type { Response } from 'supertest';
import { bookedBySlot, bookingBody, createOffice, failNextBatchScript, futureDate, nik } from './support/fixtures';
import { BookingBatcher } from '../src/appointments/booking-batcher';
import { Sql } from '../src/database/sql';
import { createTestApp, TestApp } from './support/test-app';

const NIK = 'X-Applicant-NIK';

/** How many responses had each `status code` (e.g. `201`, `409 SLOT_FULL`). */
function tally(responses: Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = res.status < 300 ? String(res.status) : `${res.status} ${res.body.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

describe('appointments: races over real concurrent HTTP', () => {
  let t: TestApp;
  let n = 0;
  const date = futureDate(2);

  /** `count` bookings made one after another (setting the scene, not racing), each on `slotOf(k)`. */
  async function bookEach(officeCode: string, count: number, slotOf: (k: number) => number, extra: Record<string, unknown> = {}) {
    const made: Array<{ code: string; nik: string; slotId: number }> = [];
    for (let k = 0; k < count; k++) {
      const i = ++n;
      const res = await t.http.post('/appointments').send(bookingBody(officeCode, slotOf(k), i, extra)).expect(201);
      made.push({ code: res.body.code as string, nik: nik(i), slotId: slotOf(k) });
    }
    return made;
  }

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('300 applicants racing for 5 seats: exactly 5 win, 295 get 409 SLOT_FULL, and the count survives a restart', async () => {
    const o = await createOffice(t, { slots: [{ date, start: '09:00', end: '09:30', capacity: 5 }] });
    const slotId = o.slots[0].id;
    const who = Array.from({ length: 300 }, () => ++n);
    const responses = await Promise.all(who.map((i) => t.http.post('/appointments').send(bookingBody(o.code, slotId, i))));

    expect(tally(responses)).toEqual({ '201': 5, '409 SLOT_FULL': 295 });
    expect(responses.filter((r) => r.status >= 500)).toHaveLength(0);
    const winners = responses.flatMap((r, i) => (r.status === 201 ? [{ code: r.body.code as string, nik: nik(who[i]) }] : []));
    expect(new Set(winners.map((w) => w.code)).size).toBe(5);
    expect((await bookedBySlot(t, o.code, date)).get(slotId)).toBe(5);

    t = await t.restart();
    expect((await bookedBySlot(t, o.code, date)).get(slotId)).toBe(5);
    for (const w of winners) {
      const res = await t.http.get(`/appointments/${w.code}`).set(NIK, w.nik);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'BOOKED', slot: { id: slotId } });
    }
  });

  it('one NIK racing itself over several slots and offices gets exactly one booking', async () => {
    const slots = ['09:00', '10:00', '11:00'].map((start) => ({ date, start, end: start.replace(':00', ':30'), capacity: 50 }));
    const a = await createOffice(t, { slots });
    const b = await createOffice(t, { slots });
    const targets = [...a.slots.map((s) => ({ office: a.code, slot: s.id })), ...b.slots.map((s) => ({ office: b.code, slot: s.id }))];
    const me = ++n;
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => t.http.post('/appointments').send(bookingBody(targets[i % targets.length].office, targets[i % targets.length].slot, me))));

    expect(tally(responses)).toEqual({ '201': 1, '409 ACTIVE_BOOKING_EXISTS': 29 });
    const seats = sum((await bookedBySlot(t, a.code, date)).values()) + sum((await bookedBySlot(t, b.code, date)).values());
    expect(seats).toBe(1);
  });

  it('concurrent reschedules into a one-seat slot: exactly one moves, the rest 409 SLOT_FULL, every seat accounted for', async () => {
    const o = await createOffice(t, {
      slots: [
        { date, start: '09:00', end: '09:30', capacity: 20 },
        { date, start: '10:00', end: '10:30', capacity: 1 },
      ],
    });
    const [from, into] = o.slots;
    const booked = await bookEach(o.code, 20, () => from.id);
    const responses = await Promise.all(booked.map((b) => t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: into.id })));

    expect(tally(responses)).toEqual({ '200': 1, '409 SLOT_FULL': 19 });
    const seats = await bookedBySlot(t, o.code, date);
    expect(Object.fromEntries(seats)).toEqual({ [from.id]: 19, [into.id]: 1 });
    const views = await Promise.all(booked.map((b) => t.http.get(`/appointments/${b.code}`).set(NIK, b.nik).expect(200)));
    const bySlot = (id: number) => views.filter((v) => v.body.status === 'BOOKED' && v.body.slot.id === id).length;
    expect(bySlot(from.id)).toBe(19);
    expect(bySlot(into.id)).toBe(1);
    expect(sum(seats.values())).toBe(views.filter((v) => v.body.status === 'BOOKED').length);
  });

  it('a slot listing never shows a seat that a failing write freed and then gave back (only committed counts)', async () => {
    const o = await createOffice(t, {
      slots: [
        { date, start: '09:00', end: '09:30', capacity: 2 },
        { date, start: '10:00', end: '10:30', capacity: 2 },
      ],
    });
    const [from, into] = o.slots;
    const moving = await bookEach(o.code, 2, () => from.id);
    await bookEach(o.code, 2, () => into.id);

    // Each reschedule frees its seat in `from`, finds `into` full and is undone; meanwhile citizens list the slots.
    let rescheduling = true;
    const seen = new Set<string>();
    const poll = async () => {
      while (rescheduling) {
        const res = await t.http.get(`/offices/${o.code}/slots`).query({ date }).expect(200);
        const listed = (res.body as Array<{ id: number; booked: number; available: number }>).find((s) => s.id === from.id)!;
        seen.add(`${listed.booked}/${listed.available}`);
      }
    };
    const reschedule = async () => {
      const statuses = [];
      for (let round = 0; round < 40; round++) {
        const responses = await Promise.all(moving.map((b) => t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: into.id })));
        statuses.push(...responses.map((r) => `${r.status} ${r.body.code}`));
      }
      rescheduling = false;
      return statuses;
    };
    const [statuses] = await Promise.all([reschedule(), ...Array.from({ length: 4 }, poll)]);

    expect(new Set(statuses)).toEqual(new Set(['409 SLOT_FULL']));
    expect([...seen]).toEqual(['2/0']);
  });

  it('crossing reschedules (A→B and B→A at once) all succeed without a 5xx or a lost seat', async () => {
    const o = await createOffice(t, {
      slots: [
        // room for all ten arriving before any of the ten leaving has left
        { date, start: '09:00', end: '09:30', capacity: 20 },
        { date, start: '10:00', end: '10:30', capacity: 20 },
      ],
    });
    const [a, b] = o.slots;
    const booked = await bookEach(o.code, 20, (k) => (k % 2 ? a.id : b.id));
    const responses = await Promise.all(booked.map((m) => t.http.patch(`/appointments/${m.code}`).set(NIK, m.nik).send({ slotId: m.slotId === a.id ? b.id : a.id })));
    expect(tally(responses)).toEqual({ '200': 20 });
    expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [a.id]: 10, [b.id]: 10 });
  });

  it('express appointments crossing between two days at once: no 5xx, and each day still counts exactly its own', async () => {
    const later = futureDate(3);
    const o = await createOffice(t, {
      dailyExpressQuota: 12,
      slots: [
        { date, start: '09:00', end: '09:30', capacity: 20 },
        { date: later, start: '09:00', end: '09:30', capacity: 20 },
      ],
    });
    const [d1, d2] = o.slots;
    const booked = await bookEach(o.code, 12, (k) => (k % 2 ? d1.id : d2.id), { express: true });
    const responses = await Promise.all(booked.map((m) => t.http.patch(`/appointments/${m.code}`).set(NIK, m.nik).send({ slotId: m.slotId === d1.id ? d2.id : d1.id })));
    expect(tally(responses)).toEqual({ '200': 12 });
    // 6 express places used on each day: 6 more fit on each, the 7th does not
    for (const slot of [d1, d2]) {
      const extra = await Promise.all(Array.from({ length: 7 }, () => t.http.post('/appointments').send(bookingBody(o.code, slot.id, ++n, { express: true }))));
      expect(tally(extra)).toEqual({ '201': 6, '409 EXPRESS_QUOTA_FULL': 1 });
    }
  });

  it('reschedules, cancellations and new bookings at once: no seat is lost or doubled', async () => {
    const o = await createOffice(t, {
      slots: [
        { date, start: '09:00', end: '09:30', capacity: 10 },
        { date, start: '10:00', end: '10:30', capacity: 3 },
      ],
    });
    const [a, b] = o.slots;
    const holders = await bookEach(o.code, 10, () => a.id);
    const newcomers = Array.from({ length: 30 }, () => ++n);
    const responses = await Promise.all([
      ...holders.slice(0, 5).map((h) => t.http.patch(`/appointments/${h.code}`).set(NIK, h.nik).send({ slotId: b.id })),
      ...holders.slice(5, 8).map((h) => t.http.delete(`/appointments/${h.code}`).set(NIK, h.nik)),
      ...newcomers.map((i) => t.http.post('/appointments').send(bookingBody(o.code, i % 2 ? a.id : b.id, i))),
    ]);
    expect(responses.filter((r) => r.status >= 500)).toHaveLength(0);
    expect(responses.every((r) => r.status < 300 || ['SLOT_FULL'].includes(r.body.code))).toBe(true);

    const seats = await bookedBySlot(t, o.code, date);
    expect(seats.get(a.id)).toBeLessThanOrEqual(10);
    expect(seats.get(b.id)).toBeLessThanOrEqual(3);
    const mine = holders.map((h) => ({ code: h.code, nik: h.nik }));
    responses.slice(8).forEach((r, k) => {
      if (r.status === 201) mine.push({ code: r.body.code, nik: nik(newcomers[k]) });
    });
    const views = await Promise.all(mine.map((m) => t.http.get(`/appointments/${m.code}`).set(NIK, m.nik).expect(200)));
    const active = views.filter((v) => v.body.status === 'BOOKED');
    expect(active.filter((v) => v.body.slot.id === a.id)).toHaveLength(seats.get(a.id)!);
    expect(active.filter((v) => v.body.slot.id === b.id)).toHaveLength(seats.get(b.id)!);
  });

  it('20 appointments racing for an express quota of 3: exactly 3 get it', async () => {
    const o = await createOffice(t, { dailyExpressQuota: 3, slots: [{ date, start: '09:00', end: '09:30', capacity: 40 }] });
    const booked = await bookEach(o.code, 20, () => o.slots[0].id);
    const responses = await Promise.all(booked.map((b) => t.http.post(`/appointments/${b.code}/express`).set(NIK, b.nik)));
    expect(tally(responses)).toEqual({ '201': 3, '409 EXPRESS_QUOTA_FULL': 17 });

    // booking with express: true races the same way, and the refused bookings leave no seat behind
    const more = Array.from({ length: 20 }, () => ++n);
    const bookings = await Promise.all(more.map((i) => t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, i, { express: true }))));
    expect(tally(bookings)).toEqual({ '409 EXPRESS_QUOTA_FULL': 20 });
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(20);
  });

  it('one appointment asking for express 10 times at once: one 201, the rest 409 EXPRESS_ALREADY_REQUESTED, one quota place used', async () => {
    const o = await createOffice(t, { dailyExpressQuota: 2, slots: [{ date, start: '09:00', end: '09:30', capacity: 5 }] });
    const i = ++n;
    const code = (await t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, i)).expect(201)).body.code as string;
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http.post(`/appointments/${code}/express`).set(NIK, nik(i))));
    expect(tally(responses)).toEqual({ '201': 1, '409 EXPRESS_ALREADY_REQUESTED': 9 });
    const other = ++n;
    const res = await t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, other, { express: true }));
    expect(res.status).toBe(201);
  });

  it('express bookings racing for a quota of 3 on a fresh day: exactly 3 book, the others store nothing', async () => {
    const o = await createOffice(t, { dailyExpressQuota: 3, slots: [{ date, start: '09:00', end: '09:30', capacity: 40 }] });
    const who = Array.from({ length: 25 }, () => ++n);
    const responses = await Promise.all(who.map((i) => t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, i, { express: true }))));
    expect(tally(responses)).toEqual({ '201': 3, '409 EXPRESS_QUOTA_FULL': 22 });
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(3);
  });

  it('the same person cancelling twice at once: one 200, one 409 INVALID_STATE, one seat freed', async () => {
    const o = await createOffice(t, { slots: [{ date, start: '09:00', end: '09:30', capacity: 5 }] });
    const ids = [++n, ++n];
    const made: string[] = [];
    for (const i of ids) made.push((await t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, i)).expect(201)).body.code as string);
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http.delete(`/appointments/${made[0]}`).set(NIK, nik(ids[0]))));
    expect(tally(responses)).toEqual({ '200': 1, '409 INVALID_STATE': 9 });
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(1);
  });
});

/** The group-committing booking path of SQLite (see src/appointments/booking-batcher.ts). */
const onSqlite = (process.env.DB_TYPE ?? 'sqlite') === 'sqlite';
(onSqlite ? describe : describe.skip)('appointments: group commit of bookings on SQLite', () => {
  let t: TestApp;
  let n = 50_000;
  const date = futureDate(3);
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('decides concurrent bookings together, in fewer transactions than bookings, with the same answers', async () => {
    const o = await createOffice(t, {
      slots: [
        { date, start: '09:00', end: '09:30', capacity: 40 },
        { date, start: '09:30', end: '10:00', capacity: 10 },
      ],
    });
    const batcher = t.app.get(BookingBatcher);
    const before = { ...batcher.stats };
    // Every batch that writes is one script, BEGIN to COMMIT; a batch that only refuses writes nothing.
    const scripts = jest.spyOn(t.app.get(Sql), 'exec');
    const repeat = ++n;
    const bodies = [
      ...Array.from({ length: 100 }, () => bookingBody(o.code, o.slots[0].id, ++n)),
      // The same person twice, on a slot with room: one booking, one ACTIVE_BOOKING_EXISTS.
      bookingBody(o.code, o.slots[1].id, repeat),
      bookingBody(o.code, o.slots[1].id, repeat),
      bookingBody(o.code, 999_999, ++n),
      bookingBody('NO-SUCH-OFFICE', o.slots[0].id, ++n),
    ];
    const responses = await Promise.all(bodies.map((body) => t.http.post('/appointments').send(body)));
    expect(tally(responses)).toEqual({ '201': 41, '409 SLOT_FULL': 60, '409 ACTIVE_BOOKING_EXISTS': 1, '404 SLOT_NOT_FOUND': 1, '404 OFFICE_NOT_FOUND': 1 });
    expect(batcher.stats.decided - before.decided).toBe(bodies.length);
    const transactions = scripts.mock.calls.filter(([script]) => script.includes('INSERT INTO appointments')).length;
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(41 / 2);
    scripts.mockRestore();
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(40);
    t = await t.restart();
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(40);
  });

  it('answers each booking on its own when a batch cannot be committed as a whole', async () => {
    const o = await createOffice(t, { slots: [{ date, start: '10:00', end: '10:30', capacity: 3 }] });
    const batcher = t.app.get(BookingBatcher);
    // The next batch's appointments INSERT fails after its seat UPDATE ran: the whole batch rolls back.
    const failed = failNextBatchScript(t, ['INSERT INTO appointments'], 'error');
    const before = batcher.stats.alone;
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/appointments').send(bookingBody(o.code, o.slots[0].id, ++n))));
    jest.restoreAllMocks();
    expect(failed()).toBe(true);
    expect(batcher.stats.alone).toBeGreaterThan(before);
    expect(tally(responses)).toEqual({ '201': 3, '409 SLOT_FULL': 7 });
    expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(3);
  });
});
