import type { Response } from 'supertest';
import { addSlots, applicant, bearer, bookedBySlot, bookingBody, createOffice, futureDate, nik, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const CODE = /^[0-9A-HJKMNP-TV-Z]{10}$/;
const NIK = 'X-Applicant-NIK';

/** The full NIK must never leave the server, in any body. */
function expectNoFullNik(res: Response, fullNik: string) {
  expect(res.text).not.toContain(fullNik);
}

describe('appointments: booking life cycle (POST/GET/PATCH/DELETE /appointments)', () => {
  let t: TestApp;
  let n = 0;
  /** A fresh applicant number, so no test trips over another's active booking. */
  const next = () => ++n;
  const date = futureDate(2);

  /** An office with `count` slots of `capacity` on `date`, 09:00 onwards, 30 min each. */
  async function office(count = 2, capacity = 5, extra: { code?: string } = {}) {
    const slots = Array.from({ length: count }, (_, i) => ({ date, start: `${String(9 + i).padStart(2, '0')}:00`, end: `${String(9 + i).padStart(2, '0')}:30`, capacity }));
    return createOffice(t, { slots, ...extra });
  }

  async function book(officeCode: string, slotId: number, who = next(), extra: Record<string, unknown> = {}) {
    const res = await t.http.post('/appointments').send(bookingBody(officeCode, slotId, who, extra));
    return { res, who, nik: nik(who), code: res.body.code as string };
  }

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());
  afterEach(() => t.clock.useRealTime());

  describe('POST /appointments', () => {
    it('201 with the Appointment shape; the seat is taken', async () => {
      const o = await office();
      const who = next();
      const res = await t.http
        .post('/appointments')
        .send({ officeCode: o.code, slotId: o.slots[0].id, serviceType: 'RENEWAL', applicant: { ...applicant(who), fullName: '  Siti Nur-Aisyah  ', email: 'siti@example.com' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        code: expect.stringMatching(CODE),
        officeCode: o.code,
        slot: { id: o.slots[0].id, date, start: '09:00', end: '09:30' },
        serviceType: 'RENEWAL',
        status: 'BOOKED',
        applicant: expect.objectContaining({ fullName: 'Siti Nur-Aisyah', nikMasked: `${nik(who).slice(0, 4)}********${nik(who).slice(-4)}`, phone: applicant(who).phone }),
        express: null,
        ticket: null,
        manual: false,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        updatedAt: expect.any(String),
      });
      expect(res.body.applicant).not.toHaveProperty('nik');
      expectNoFullNik(res, nik(who));
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(1);
    });

    it('gives every booking its own code', async () => {
      const o = await office(1, 20);
      const codes = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const { res } = await book(o.code, o.slots[0].id);
        expect(res.status).toBe(201);
        codes.add(res.body.code);
      }
      expect(codes.size).toBe(10);
    });

    it.each([
      ['a NIK of 15 digits', { nik: '317401150285001' }, 'applicant.nik'],
      ['a NIK with letters', { nik: '31740115028500AB' }, 'applicant.nik'],
      ['a NIK born on 31 Feb', { nik: '3174013102850001' }, 'applicant.nik'],
      ['a NIK born on 30 Feb', { nik: '3174013002850001' }, 'applicant.nik'],
      ['a NIK as a number', { nik: 3174011502850001 }, 'applicant.nik'],
      ['a landline phone', { phone: '0215551234' }, 'applicant.phone'],
      ['a phone too short', { phone: '08123456' }, 'applicant.phone'],
      ['a phone too long', { phone: '+628123456789012' }, 'applicant.phone'],
      ['a name with digits', { fullName: 'Budi 007' }, 'applicant.fullName'],
      ['a name with markup', { fullName: '<script>alert(1)</script>' }, 'applicant.fullName'],
      ['a name of one letter', { fullName: 'B' }, 'applicant.fullName'],
      ['a name of 101 letters', { fullName: 'B'.repeat(101) }, 'applicant.fullName'],
      ['a name with double spaces', { fullName: 'Budi  Santoso' }, 'applicant.fullName'],
      ['an emoji in the name', { fullName: 'Budi 😀' }, 'applicant.fullName'],
      ['a bad email', { email: 'not-an-email' }, 'applicant.email'],
      ['an unknown applicant field', { religion: 'x' }, 'applicant'],
    ])('400 VALIDATION_FAILED for %s', async (_, change, field) => {
      const o = await office(1);
      const who = next();
      const res = await t.http.post('/appointments').send({ officeCode: o.code, slotId: o.slots[0].id, serviceType: 'NEW', applicant: { ...applicant(who), ...change } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining(field), problems: expect.any(Array) })]));
      expectNoFullNik(res, nik(who));
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(0);
    });

    it.each([
      ['an unknown top-level field', { vip: true }, 'vip'],
      ['slotId as a string', { slotId: '1' }, 'slotId'],
      ['slotId not an integer', { slotId: 1.5 }, 'slotId'],
      ['an unknown serviceType', { serviceType: 'VISA' }, 'serviceType'],
      ['express as a string', { express: 'yes' }, 'express'],
      ['applicant missing', { applicant: undefined }, 'applicant'],
      ['applicant as an array', { applicant: [] }, 'applicant'],
      ['applicant as a string', { applicant: 'Budi' }, 'applicant'],
      ['officeCode in lower case', { officeCode: 'jkt-1' }, 'officeCode'],
    ])('400 VALIDATION_FAILED for %s', async (_, change, field) => {
      const o = await office(1);
      const res = await t.http.post('/appointments').send({ ...bookingBody(o.code, o.slots[0].id, next()), ...change });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('400 MALFORMED_JSON for a body that is not JSON, never a 5xx', async () => {
      const res = await t.http.post('/appointments').set('Content-Type', 'application/json').send('{"officeCode":');
      expect([res.status, res.body.code]).toEqual([400, 'MALFORMED_JSON']);
    });

    it('404 OFFICE_NOT_FOUND for an unknown office', async () => {
      const o = await office(1);
      const { res } = await book('NOPE-1', o.slots[0].id);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    });

    it('404 SLOT_NOT_FOUND for an unknown slot and for a slot of another office', async () => {
      const a = await office(1);
      const b = await office(1);
      const unknown = await book(a.code, 2_000_000_000);
      expect(unknown.res.status).toBe(404);
      expect(unknown.res.body.code).toBe('SLOT_NOT_FOUND');
      const foreign = await book(a.code, b.slots[0].id);
      expect(foreign.res.status).toBe(404);
      expect(foreign.res.body.code).toBe('SLOT_NOT_FOUND');
      expect((await bookedBySlot(t, b.code, date)).get(b.slots[0].id)).toBe(0);
    });

    it('409 SLOT_FULL once the slot is full; nothing is stored for the loser', async () => {
      const o = await office(1, 2);
      expect((await book(o.code, o.slots[0].id)).res.status).toBe(201);
      expect((await book(o.code, o.slots[0].id)).res.status).toBe(201);
      const loser = await book(o.code, o.slots[0].id);
      expect(loser.res.status).toBe(409);
      expect(loser.res.body.code).toBe('SLOT_FULL');
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(2);
      // the loser holds no booking: they can book another slot
      const other = await addSlots(t, o.code, [{ date, start: '15:00', end: '15:30', capacity: 1 }]);
      expect((await book(o.code, other[0].id, loser.who)).res.status).toBe(201);
    });

    it('409 ACTIVE_BOOKING_EXISTS for a second booking by the same NIK; after cancelling, booking again works', async () => {
      const o = await office(2);
      const first = await book(o.code, o.slots[0].id);
      expect(first.res.status).toBe(201);
      const again = await book(o.code, o.slots[1].id, first.who);
      expect(again.res.status).toBe(409);
      expect(again.res.body.code).toBe('ACTIVE_BOOKING_EXISTS');
      // also at another office
      const other = await office(1);
      expect((await book(other.code, other.slots[0].id, first.who)).res.body.code).toBe('ACTIVE_BOOKING_EXISTS');
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[1].id)).toBe(0);

      expect((await t.http.delete(`/appointments/${first.code}`).set(NIK, first.nik)).status).toBe(200);
      const after = await book(o.code, o.slots[1].id, first.who);
      expect(after.res.status).toBe(201);
      expect(after.code).not.toBe(first.code);
    });

    it('409 SLOT_IN_PAST once the slot has started (office time), 201 a millisecond before', async () => {
      // 09:00 WIB (UTC+7) is 02:00Z
      const o = await office(1);
      t.clock.set(`${date}T02:00:00.000Z`);
      const late = await book(o.code, o.slots[0].id);
      expect(late.res.status).toBe(409);
      expect(late.res.body.code).toBe('SLOT_IN_PAST');
      t.clock.set(`${date}T01:59:59.999Z`);
      expect((await book(o.code, o.slots[0].id, late.who)).res.status).toBe(201);
    });

    it('judges SLOT_IN_PAST in the office time zone (WIT is UTC+9)', async () => {
      const o = await createOffice(t, { timeZone: 'Asia/Jayapura', slots: [{ date, start: '09:00', end: '09:30', capacity: 5 }] });
      // 09:00 WIT is 00:00Z; at 01:00Z it is 10:00 in Jayapura but only 08:00 in Jakarta
      t.clock.set(`${date}T01:00:00.000Z`);
      const res = await book(o.code, o.slots[0].id);
      expect(res.res.body.code).toBe('SLOT_IN_PAST');
    });
  });

  describe('GET /appointments/{code}', () => {
    it('200 for the owner, with the code in lower case or with a hyphen', async () => {
      const o = await office(1);
      const b = await book(o.code, o.slots[0].id);
      for (const code of [b.code, b.code.toLowerCase(), `${b.code.slice(0, 5)}-${b.code.slice(5)}`]) {
        const res = await t.http.get(`/appointments/${code}`).set(NIK, b.nik);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(b.res.body);
        expectNoFullNik(res, b.nik);
      }
    });

    it('a wrong code and a wrong NIK give the same 404 APPOINTMENT_NOT_FOUND body', async () => {
      const o = await office(1);
      const b = await book(o.code, o.slots[0].id);
      const otherNik = nik(next());
      const wrongCode = b.code.startsWith('2') ? `3${b.code.slice(1)}` : `2${b.code.slice(1)}`;
      const byWrongNik = await t.http.get(`/appointments/${b.code}`).set(NIK, otherNik);
      const byWrongCode = await t.http.get(`/appointments/${wrongCode}`).set(NIK, b.nik);
      const byMalformedCode = await t.http.get('/appointments/UUUUUUUUUU').set(NIK, b.nik);
      for (const res of [byWrongNik, byWrongCode, byMalformedCode]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('APPOINTMENT_NOT_FOUND');
        expect(res.body).toEqual(byWrongNik.body);
      }
    });

    it('400 VALIDATION_FAILED without the X-Applicant-NIK header or with an invalid one', async () => {
      const o = await office(1);
      const b = await book(o.code, o.slots[0].id);
      const missing = await t.http.get(`/appointments/${b.code}`);
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
      const invalid = await t.http.get(`/appointments/${b.code}`).set(NIK, '1234');
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('staff acting for a citizen', () => {
    it('staff of the office and admins GET, PATCH and DELETE with a Bearer token, without the NIK header', async () => {
      const o = await office(2);
      const token = await staffOf(t, o.code);
      const b = await book(o.code, o.slots[0].id);
      const got = await t.http.get(`/appointments/${b.code.toLowerCase()}`).set(bearer(token));
      expect(got.status).toBe(200);
      expect(got.body.code).toBe(b.code);
      expectNoFullNik(got, b.nik);
      const moved = await t.http.patch(`/appointments/${b.code}`).set(bearer(token)).send({ slotId: o.slots[1].id });
      expect(moved.status).toBe(200);
      expect(moved.body.slot.id).toBe(o.slots[1].id);
      const byAdmin = await t.http.get(`/appointments/${b.code}`).set(bearer(await t.adminToken()));
      expect(byAdmin.status).toBe(200);
      const cancelled = await t.http.delete(`/appointments/${b.code}`).set(bearer(token));
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      expectNoFullNik(cancelled, b.nik);
    });

    it('403 FORBIDDEN for staff of another office; 401 for a bad token', async () => {
      const o = await office(2);
      const other = await office(1);
      const foreignToken = await staffOf(t, other.code);
      const b = await book(o.code, o.slots[0].id);
      for (const req of [
        t.http.get(`/appointments/${b.code}`),
        t.http.patch(`/appointments/${b.code}`).send({ slotId: o.slots[1].id }),
        t.http.delete(`/appointments/${b.code}`),
        t.http.post(`/appointments/${b.code}/express`),
      ]) {
        const res = await req.set(bearer(foreignToken));
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      const bad = await t.http.get(`/appointments/${b.code}`).set(bearer('not.a.token')).set(NIK, b.nik);
      expect(bad.status).toBe(401);
      expect(bad.body.code).toBe('UNAUTHENTICATED');
      const still = await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik);
      expect(still.body).toMatchObject({ status: 'BOOKED', slot: { id: o.slots[0].id } });
    });
  });

  describe('PATCH /appointments/{code} (reschedule)', () => {
    it('200 moves the seat: the old slot loses one, the new slot gains one', async () => {
      const o = await office(2);
      const b = await book(o.code, o.slots[0].id);
      await book(o.code, o.slots[0].id);
      expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slots[0].id]: 2, [o.slots[1].id]: 0 });
      const res = await t.http.patch(`/appointments/${b.code.toLowerCase()}`).set(NIK, b.nik).send({ slotId: o.slots[1].id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code: b.code, status: 'BOOKED', slot: { id: o.slots[1].id, start: '10:00', end: '10:30' } });
      expectNoFullNik(res, b.nik);
      expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slots[0].id]: 1, [o.slots[1].id]: 1 });
      expect((await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik)).body.slot.id).toBe(o.slots[1].id);
    });

    it('moves to a slot on another day of the same office', async () => {
      const o = await office(1);
      const later = futureDate(4);
      const [other] = await addSlots(t, o.code, [{ date: later, start: '09:00', end: '09:30', capacity: 1 }]);
      const b = await book(o.code, o.slots[0].id);
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: other.id });
      expect(res.status).toBe(200);
      expect(res.body.slot).toEqual({ id: other.id, date: later, start: '09:00', end: '09:30' });
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(0);
      expect((await bookedBySlot(t, o.code, later)).get(other.id)).toBe(1);
    });

    it('200 and no change for the slot it already holds', async () => {
      const o = await office(1, 1);
      const b = await book(o.code, o.slots[0].id);
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: o.slots[0].id });
      expect(res.status).toBe(200);
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(1);
    });

    it('409 SLOT_FULL into a full slot, and nothing changes', async () => {
      const o = await office(2, 1);
      const b = await book(o.code, o.slots[0].id);
      await book(o.code, o.slots[1].id);
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: o.slots[1].id });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('SLOT_FULL');
      expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slots[0].id]: 1, [o.slots[1].id]: 1 });
      expect((await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik)).body).toEqual(b.res.body);
    });

    it('404 SLOT_NOT_FOUND for a slot of another office (rescheduling stays in the office)', async () => {
      const o = await office(1);
      const other = await office(1);
      const b = await book(o.code, o.slots[0].id);
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: other.slots[0].id });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('SLOT_NOT_FOUND');
      expect((await bookedBySlot(t, other.code, date)).get(other.slots[0].id)).toBe(0);
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(1);
    });

    it('409 SLOT_IN_PAST into a slot that has started', async () => {
      const o = await office(2);
      const b = await book(o.code, o.slots[1].id);
      t.clock.set(`${date}T02:10:00.000Z`); // 09:10 WIB: slot 09:00 has started, 10:00 has not
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId: o.slots[0].id });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('SLOT_IN_PAST');
      expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slots[0].id]: 0, [o.slots[1].id]: 1 });
    });

    it('400 VALIDATION_FAILED for a bad body', async () => {
      const o = await office(2);
      const b = await book(o.code, o.slots[0].id);
      for (const body of [{}, { slotId: 'x' }, { slotId: o.slots[1].id, officeCode: o.code }]) {
        const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('404 APPOINTMENT_NOT_FOUND with a wrong NIK, and nothing moves', async () => {
      const o = await office(2);
      const b = await book(o.code, o.slots[0].id);
      const res = await t.http.patch(`/appointments/${b.code}`).set(NIK, nik(next())).send({ slotId: o.slots[1].id });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('APPOINTMENT_NOT_FOUND');
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[1].id)).toBe(0);
    });
  });

  describe('DELETE /appointments/{code} (cancel)', () => {
    it('200 CANCELLED and the seat is free at once', async () => {
      const o = await office(1, 1);
      const b = await book(o.code, o.slots[0].id);
      expect((await book(o.code, o.slots[0].id)).res.body.code).toBe('SLOT_FULL');
      const res = await t.http.delete(`/appointments/${b.code.toLowerCase()}`).set(NIK, b.nik);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code: b.code, status: 'CANCELLED', slot: { id: o.slots[0].id } });
      expectNoFullNik(res, b.nik);
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(0);
      expect((await book(o.code, o.slots[0].id)).res.status).toBe(201);
      expect((await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik)).body.status).toBe('CANCELLED');
    });

    it('404 APPOINTMENT_NOT_FOUND with a wrong NIK, and the booking stays', async () => {
      const o = await office(1);
      const b = await book(o.code, o.slots[0].id);
      const res = await t.http.delete(`/appointments/${b.code}`).set(NIK, nik(next()));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('APPOINTMENT_NOT_FOUND');
      expect((await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik)).body.status).toBe('BOOKED');
    });
  });

  describe('409 INVALID_STATE for an appointment that is no longer BOOKED', () => {
    async function expectRescheduleAndCancelRefused(b: { code: string; nik: string }, slotId: number) {
      const patch = await t.http.patch(`/appointments/${b.code}`).set(NIK, b.nik).send({ slotId });
      expect([patch.status, patch.body.code]).toEqual([409, 'INVALID_STATE']);
      const del = await t.http.delete(`/appointments/${b.code}`).set(NIK, b.nik);
      expect([del.status, del.body.code]).toEqual([409, 'INVALID_STATE']);
    }

    it('cancelled: PATCH and DELETE are refused and the seat count does not move', async () => {
      const o = await office(2);
      const b = await book(o.code, o.slots[0].id);
      await book(o.code, o.slots[0].id);
      expect((await t.http.delete(`/appointments/${b.code}`).set(NIK, b.nik)).status).toBe(200);
      await expectRescheduleAndCancelRefused(b, o.slots[1].id);
      expect(Object.fromEntries(await bookedBySlot(t, o.code, date))).toEqual({ [o.slots[0].id]: 1, [o.slots[1].id]: 0 });
    });

    it('checked in: PATCH and DELETE are refused', async () => {
      const o = await office(2);
      const token = await staffOf(t, o.code);
      const b = await book(o.code, o.slots[0].id);
      t.clock.set(`${date}T01:30:00.000Z`); // 08:30 WIB, inside the check-in window of 09:00
      const checkIn = await t.http.post(`/appointments/${b.code}/check-in`).set(bearer(token)).send({});
      expect(checkIn.status).toBe(201);
      await expectRescheduleAndCancelRefused(b, o.slots[1].id);
      const got = await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik);
      expect(got.body.status).toBe('CHECKED_IN');
      expect(got.body.ticket).toMatchObject({ appointmentCode: b.code });
      expectNoFullNik(got, b.nik);
      expect((await bookedBySlot(t, o.code, date)).get(o.slots[0].id)).toBe(1);
    });
  });

  it('ACTIVE_BOOKING_EXISTS lasts while the appointment is in the queue; once DONE the person may book again', async () => {
    const o = await createOffice(t, { counters: 1, slots: [{ date, start: '09:00', end: '09:30', capacity: 5 }, { date, start: '11:00', end: '11:30', capacity: 5 }] });
    const token = await staffOf(t, o.code);
    const b = await book(o.code, o.slots[0].id);
    t.clock.set(`${date}T01:30:00.000Z`);
    await t.http.post(`/appointments/${b.code}/check-in`).set(bearer(token)).send({}).expect(201);
    const counter = `/offices/${o.code}/counters/1`;
    await t.http.post(`${counter}/open`).set(bearer(token)).expect(200);
    for (const [step, status] of [['call-next', 'CALLED'], ['start', 'SERVING'], ['complete', 'DONE']] as const) {
      const again = await book(o.code, o.slots[1].id, b.who);
      expect(again.res.body.code).toBe('ACTIVE_BOOKING_EXISTS');
      await t.http.post(`${counter}/${step}`).set(bearer(token)).expect(200);
      expect((await t.http.get(`/appointments/${b.code}`).set(NIK, b.nik)).body.status).toBe(status);
    }
    const after = await book(o.code, o.slots[1].id, b.who);
    expect(after.res.status).toBe(201);
  });

  it('unknown routes are 404 NOT_FOUND', async () => {
    const res = await t.http.put('/appointments/ABCDEFGH23').send({});
    expect(res.status).toBe(404);
  });
});
