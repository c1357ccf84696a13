import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { applicant, bearer, createOffice, eventually, futureDate, staffOf, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

/**
 * Issue 5, told as one day: the national data centre goes down at office A, A keeps serving its
 * booked citizens by hand while express is refused, then deferred; the app restarts; the systems
 * come back and the deferred express requests are released in order; the manual work is reconciled.
 * Steps run in order and share state.
 */
describe('service modes: the outage story', () => {
  const day = futureDate(1);
  const at = (hhmm: string) => new Date(`${day}T${hhmm}:00.000+07:00`);
  const clock = new TestClock();
  let t: TestApp;
  let admin: string;
  let staffA: string;
  let staffB: string;
  let A: string;
  let B: string;
  let slotsA: Array<{ id: number }>;
  let slotB: number;

  /** Appointment codes by name, with the applicant number that owns them. */
  const booked: Record<string, { code: string; n: number }> = {};

  const book = (n: number, officeCode: string, slotId: number, express: boolean) =>
    t.http.post('/appointments').send({ officeCode, slotId, serviceType: 'RENEWAL', express, applicant: applicant(n) });
  const asCitizen = (name: string) => ({ 'X-Applicant-NIK': applicant(booked[name].n).nik });
  const getAppointment = async (name: string) => (await t.http.get(`/appointments/${booked[name].code}`).set(asCitizen(name)).expect(200)).body;
  const expressOf = async (officeCode: string, status: string) =>
    (await t.http.get(`/express-requests?officeCode=${officeCode}&status=${status}`).set(bearer(admin)).expect(200)).body as Array<{ appointmentCode: string; position?: number; releasedAt: string | null; requestedAt: string }>;
  const slotCounts = async (officeCode: string) =>
    (await t.http.get(`/offices/${officeCode}/slots?date=${day}`).expect(200)).body.map((s: { id: number; booked: number }) => [s.id, s.booked]);
  const modeOf = async (officeCode: string) => (await t.http.get(`/service-modes/${officeCode}`).expect(200)).body;
  const serveNext = async (officeCode: string, token: string, counter = 1) => {
    const called = await t.http.post(`/offices/${officeCode}/counters/${counter}/call-next`).set(bearer(token)).expect(200);
    await t.http.post(`/offices/${officeCode}/counters/${counter}/start`).set(bearer(token)).expect(200);
    const done = await t.http.post(`/offices/${officeCode}/counters/${counter}/complete`).set(bearer(token)).expect(200);
    expect(done.body.number).toBe(called.body.number);
    expect(done.body.status).toBe('DONE');
    return done.body as { number: string; appointmentCode: string | null; manual: boolean };
  };
  const later = () => clock.advanceMinutes(1);

  beforeAll(async () => {
    clock.set(at('08:30'));
    t = await createTestApp({ clock });
    admin = await t.adminToken();
    const slots = [
      { date: day, start: '09:00', end: '09:30', capacity: 10 },
      { date: day, start: '09:30', end: '10:00', capacity: 10 },
      { date: day, start: '10:00', end: '10:30', capacity: 10 },
    ];
    const a = await createOffice(t, { code: 'STORY-A', slots, counters: 2, dailyExpressQuota: 20 });
    const b = await createOffice(t, { code: 'STORY-B', slots: slots.slice(0, 1), counters: 1, dailyExpressQuota: 20 });
    [A, B, slotsA, slotB] = [a.code, b.code, a.slots, b.slots[0].id];
    staffA = await staffOf(t, A);
    staffB = await staffOf(t, B);
  });
  afterAll(() => t.destroy());

  it('1. NORMAL: a regular and an express booking at A; the express request is ACTIVE', async () => {
    const regular = await book(1, A, slotsA[0].id, false).expect(201);
    expect(regular.body).toMatchObject({ status: 'BOOKED', express: null, manual: false });
    booked.R1 = { code: regular.body.code, n: 1 };
    later();
    const express = await book(2, A, slotsA[0].id, true).expect(201);
    expect(express.body.express).toMatchObject({ status: 'ACTIVE', requestedAt: clock.now().toISOString() });
    expect(express.body.express.position).toBeUndefined();
    booked.E1 = { code: express.body.code, n: 2 };
  });

  it('2. A goes DEGRADED/REJECT: express is refused with Retry-After and nothing is stored; everything else goes ahead', async () => {
    const recovery = new Date(clock.now().getTime() + 2 * 3600_000).toISOString();
    const notice = 'Pusat Data Nasional sedang gangguan.';
    const switched = await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'REJECT', message: notice, expectedRecoveryAt: recovery }).expect(200);
    expect(switched.body).toMatchObject({ scope: A, mode: 'DEGRADED', expressPolicy: 'REJECT', bookingPolicy: 'OPEN', expectedRecoveryAt: recovery });

    // Express booking: 503 with Retry-After and a message, and no seat, quota or booking kept.
    const slotsBefore = await slotCounts(A);
    const refused = await book(3, A, slotsA[0].id, true).expect(503);
    expect(refused.body.code).toBe('EXPRESS_UNAVAILABLE');
    expect(Number(refused.headers['retry-after'])).toBe(7200);
    expect(refused.body.message).toContain(notice);
    expect(await slotCounts(A)).toEqual(slotsBefore);

    // The same citizen can book normally at once (so no active booking was stored for the NIK).
    const regular = await book(3, A, slotsA[0].id, false).expect(201);
    expect(regular.body).toMatchObject({ status: 'BOOKED', express: null });
    booked.R3 = { code: regular.body.code, n: 3 };

    // Asking for express on an existing booking: 503 too, and still no express request.
    const late = await t.http.post(`/appointments/${booked.R1.code}/express`).set(asCitizen('R1')).expect(503);
    expect(late.body.code).toBe('EXPRESS_UNAVAILABLE');
    expect(Number(late.headers['retry-after'])).toBe(7200);
    expect((await getAppointment('R1')).express).toBeNull();

    // Check-in goes ahead, by hand.
    const ticket = await t.http.post(`/appointments/${booked.R1.code}/check-in`).set(asCitizen('R1')).send({}).expect(201);
    expect(ticket.body).toMatchObject({ appointmentCode: booked.R1.code, status: 'WAITING', manual: true });

    // Office B is not affected.
    expect(await modeOf(B)).toMatchObject({ mode: 'NORMAL' });
    const atB = await book(4, B, slotB, true).expect(201);
    expect(atB.body.express.status).toBe('ACTIVE');
    booked.E4 = { code: atB.body.code, n: 4 };

    // The express request accepted in NORMAL was deferred by the switch, never rejected.
    const e1 = await getAppointment('E1');
    expect(e1.express).toMatchObject({ status: 'DEFERRED', position: 1 });
    expect(await expressOf(A, 'ACTIVE')).toEqual([]);
    expect((await expressOf(A, 'DEFERRED')).map((r) => [r.appointmentCode, r.position])).toEqual([[booked.E1.code, 1]]);
    expect((await expressOf(B, 'ACTIVE')).map((r) => r.appointmentCode)).toEqual([booked.E4.code]);
  });

  it('3. A switches to DEGRADED/DEFER: express is accepted as 202 DEFERRED with rising positions behind the earlier one', async () => {
    const current = await modeOf(A);
    await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'DEFER' }, `"${current.version}"`).expect(200);

    later();
    const e5 = await book(5, A, slotsA[1].id, true).expect(202);
    expect(e5.body).toMatchObject({ status: 'BOOKED', express: { status: 'DEFERRED', position: 2 } });
    booked.E5 = { code: e5.body.code, n: 5 };
    later();
    const e6 = await book(6, A, slotsA[1].id, true).expect(202);
    expect(e6.body.express).toMatchObject({ status: 'DEFERRED', position: 3 });
    booked.E6 = { code: e6.body.code, n: 6 };
    later();
    const r3 = await t.http.post(`/appointments/${booked.R3.code}/express`).set(asCitizen('R3')).expect(202);
    expect(r3.body.express).toMatchObject({ status: 'DEFERRED', position: 4 });

    expect((await getAppointment('E1')).express).toMatchObject({ status: 'DEFERRED', position: 1 });
    expect((await expressOf(A, 'DEFERRED')).map((r) => [r.appointmentCode, r.position])).toEqual([
      [booked.E1.code, 1],
      [booked.E5.code, 2],
      [booked.E6.code, 3],
      [booked.R3.code, 4],
    ]);
  });

  it('4. bookingPolicy CLOSED: new bookings and reschedules are 503 BOOKING_CLOSED; lookup, cancel, check-in and counters still work', async () => {
    const recovery = new Date(clock.now().getTime() + 3600_000).toISOString();
    await switchMode(t, admin, A, { mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED', expectedRecoveryAt: recovery }).expect(200);
    const slotsBefore = await slotCounts(A);

    for (const express of [false, true]) {
      const closed = await book(7, A, slotsA[2].id, express).expect(503);
      expect(closed.body.code).toBe('BOOKING_CLOSED');
      expect(Number(closed.headers['retry-after'])).toBe(3600);
    }
    const moved = await t.http.patch(`/appointments/${booked.R3.code}`).set(asCitizen('R3')).send({ slotId: slotsA[2].id }).expect(503);
    expect(moved.body.code).toBe('BOOKING_CLOSED');
    expect((await getAppointment('R3')).slot.id).toBe(slotsA[0].id);
    expect(await slotCounts(A)).toEqual(slotsBefore);

    // Cancel one deferred appointment: its seat is free and its express request is cancelled.
    const cancelled = await t.http.delete(`/appointments/${booked.E5.code}`).set(asCitizen('E5')).expect(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await getAppointment('E5')).express.status).toBe('CANCELLED');
    expect((await expressOf(A, 'DEFERRED')).map((r) => [r.appointmentCode, r.position])).toEqual([
      [booked.E1.code, 1],
      [booked.E6.code, 2],
      [booked.R3.code, 3],
    ]);

    // Front-desk check-in works and is manual; the deferred express request does not jump the queue.
    const e1Ticket = await t.http.post(`/appointments/${booked.E1.code}/check-in`).set(bearer(staffA)).send({}).expect(201);
    expect(e1Ticket.body).toMatchObject({ manual: true, position: 2 });

    // A service completed while DEGRADED.
    await t.http.post(`/offices/${A}/counters/1/open`).set(bearer(staffA)).expect(200);
    const done = await serveNext(A, staffA);
    expect(done).toMatchObject({ appointmentCode: booked.R1.code, manual: true });
    booked.R1Ticket = { code: done.number, n: 1 };
  });

  it('5. a restart on the same database keeps the mode and the deferred queue', async () => {
    const mode = await modeOf(A);
    const queue = await expressOf(A, 'DEFERRED');
    t = await t.restart();
    admin = await t.adminToken();
    expect(await modeOf(A)).toEqual(mode);
    expect(await expressOf(A, 'DEFERRED')).toEqual(queue);
    expect((await getAppointment('E6')).express).toMatchObject({ status: 'DEFERRED', position: 2 });
  });

  it('6. back to NORMAL: deferred requests are released oldest first, each with releasedAt; the cancelled one stays CANCELLED', async () => {
    later();
    const switched = await switchMode(t, admin, A, { mode: 'NORMAL', reason: 'PDN restored' }).expect(200);
    expect(switched.body).toMatchObject({ mode: 'NORMAL', scope: A });
    await t.app.get(ExpressReleaseService).idle();
    await eventually(async () => (await expressOf(A, 'DEFERRED')).length === 0);

    const active = await expressOf(A, 'ACTIVE');
    expect(active.map((r) => r.appointmentCode)).toEqual([booked.E1.code, booked.E6.code, booked.R3.code]);
    for (const request of active) {
      expect(request.releasedAt).toBe(clock.now().toISOString());
    }
    const requested = active.map((r) => r.requestedAt);
    expect([...requested].sort()).toEqual(requested);
    for (const name of ['E1', 'E6', 'R3']) {
      expect((await getAppointment(name)).express).toEqual(expect.objectContaining({ status: 'ACTIVE', releasedAt: clock.now().toISOString() }));
    }
    const e5 = (await getAppointment('E5')).express;
    expect(e5.status).toBe('CANCELLED');
    expect(e5.releasedAt).toBeUndefined();
    expect((await expressOf(A, 'CANCELLED')).map((r) => r.appointmentCode)).toEqual([booked.E5.code]);
    // B never changed.
    expect((await expressOf(B, 'ACTIVE')).map((r) => r.appointmentCode)).toEqual([booked.E4.code]);
  });

  it('7. reconciliation lists what was done by hand, only to staff of the office, until resolved', async () => {
    // E1 (checked in while DEGRADED, so manual) now has an ACTIVE express request and is served first.
    // N8 is booked, checked in and served entirely in NORMAL: its ticket is not manual.
    later();
    const n8 = await book(8, A, slotsA[0].id, false).expect(201);
    booked.N8 = { code: n8.body.code, n: 8 };
    const n8Ticket = await t.http.post(`/appointments/${n8.body.code}/check-in`).set(asCitizen('N8')).send({}).expect(201);
    expect(n8Ticket.body.manual).toBe(false);
    const e1Done = await serveNext(A, staffA);
    expect(e1Done).toMatchObject({ appointmentCode: booked.E1.code, manual: true });
    const n8Done = await serveNext(A, staffA);
    expect(n8Done).toMatchObject({ appointmentCode: n8.body.code, manual: false });

    const pending = (await t.http.get(`/reconciliation?officeCode=${A}&status=PENDING`).set(bearer(staffA)).expect(200)).body as Array<Record<string, unknown>>;
    const r1Item = pending.find((item) => item.ticketNumber === booked.R1Ticket.code);
    expect(r1Item).toMatchObject({ id: expect.any(Number), ticketNumber: booked.R1Ticket.code, appointmentCode: booked.R1.code, serviceType: 'RENEWAL', status: 'PENDING' });
    expect(Date.parse(r1Item!.completedAt as string)).not.toBeNaN();
    expect(pending.map((item) => item.ticketNumber)).toContain(e1Done.number);
    expect(pending.map((item) => item.ticketNumber)).not.toContain(n8Done.number);
    expect(pending.map((item) => item.appointmentCode)).not.toContain(n8.body.code);
    // The default list is the pending one.
    expect((await t.http.get('/reconciliation').set(bearer(staffA)).expect(200)).body).toEqual(pending);

    expect((await t.http.get(`/reconciliation?officeCode=${A}`).set(bearer(staffB)).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http.post(`/reconciliation/${r1Item!.id}/resolve`).set(bearer(staffB)).send({}).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.http.get(`/reconciliation?officeCode=${A}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
    expect((await t.http.get(`/reconciliation?officeCode=${B}`).set(bearer(staffB)).expect(200)).body).toEqual([]);

    await t.http.post(`/reconciliation/${r1Item!.id}/resolve`).set(bearer(staffA)).send({ note: 'SIMKIM ref 123' }).expect(200);
    const after = (await t.http.get(`/reconciliation?officeCode=${A}&status=PENDING`).set(bearer(staffA)).expect(200)).body;
    expect(after.map((item: { id: number }) => item.id)).not.toContain(r1Item!.id);
    expect(after).toHaveLength(pending.length - 1);
    const resolved = (await t.http.get(`/reconciliation?officeCode=${A}&status=RESOLVED`).set(bearer(admin)).expect(200)).body;
    expect(resolved.map((item: { id: number }) => item.id)).toEqual([r1Item!.id]);
  });

  it('8. a global switch affects offices without an override, not one with a NORMAL override; removing the override makes it follow', async () => {
    const global = await switchMode(t, admin, 'global', { mode: 'DEGRADED', expressPolicy: 'REJECT', reason: 'national outage' }).expect(200);
    const overview = (await t.http.get('/service-modes').expect(200)).body;
    const entry = (code: string) => overview.offices.find((o: { officeCode: string }) => o.officeCode === code);
    expect(entry(B)).toMatchObject({ effective: { scope: 'global', mode: 'DEGRADED' }, override: null });
    expect(entry(A)).toMatchObject({ effective: { scope: A, mode: 'NORMAL' }, override: { scope: A, mode: 'NORMAL' } });

    // B follows the global mode: its ACTIVE express request is deferred and new express is refused.
    expect((await getAppointment('E4')).express).toMatchObject({ status: 'DEFERRED', position: 1 });
    expect((await book(9, B, slotB, true).expect(503)).body.code).toBe('EXPRESS_UNAVAILABLE');
    expect((await t.http.get(`/offices/${B}/board`).expect(200)).body.mode).toBe('DEGRADED');

    // A keeps its NORMAL override.
    const e9 = await book(9, A, slotsA[0].id, true).expect(201);
    expect(e9.body.express.status).toBe('ACTIVE');
    booked.E9 = { code: e9.body.code, n: 9 };
    expect((await t.http.get(`/offices/${A}/board`).expect(200)).body.mode).toBe('NORMAL');
    expect((await expressOf(A, 'DEFERRED'))).toEqual([]);

    // Without its override A follows the global DEGRADED mode: its not-yet-done ACTIVE requests are deferred.
    const removed = await t.http.delete(`/service-modes/offices/${A}`).set(bearer(admin)).expect(200);
    expect(removed.body).toMatchObject({ scope: 'global', mode: 'DEGRADED', version: global.body.version });
    expect((await t.http.get(`/offices/${A}/board`).expect(200)).body.mode).toBe('DEGRADED');
    expect((await expressOf(A, 'DEFERRED')).map((r) => r.appointmentCode)).toEqual([booked.E6.code, booked.R3.code, booked.E9.code]);
    // E1 was served before the switch: a done request is not deferred; it is the only ACTIVE one left.
    expect((await expressOf(A, 'ACTIVE')).map((r) => r.appointmentCode)).toEqual([booked.E1.code]);
    // E6's request was released earlier and is not done: deferred again, keeping its place.
    expect((await getAppointment('E6')).express).toMatchObject({ status: 'DEFERRED', position: 1 });

    // Global back to NORMAL releases both offices.
    await switchMode(t, admin, 'global', { mode: 'NORMAL', reason: 'national recovery' }).expect(200);
    await eventually(async () => (await expressOf(A, 'DEFERRED')).length === 0 && (await expressOf(B, 'DEFERRED')).length === 0);
    expect((await getAppointment('E4')).express.status).toBe('ACTIVE');
    expect((await getAppointment('E9')).express.status).toBe('ACTIVE');
  });

  it('9. history and audit tell the whole story of A', async () => {
    const history = (await t.http.get(`/service-modes/history?scope=${A}`).set(bearer(admin)).expect(200)).body;
    expect(history.map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual([
      'NORMAL>DEGRADED', // override removed while the global mode was DEGRADED
      'DEGRADED>NORMAL',
      'DEGRADED>DEGRADED', // booking closed
      'DEGRADED>DEGRADED', // DEFER
      'NORMAL>DEGRADED', // REJECT
    ]);
    expect(history[1]).toMatchObject({ reason: 'PDN restored', changedBy: 'admin' });
    const audit = (await t.http.get('/audit?limit=1000').set(bearer(admin)).expect(200)).body as Array<{ action: string; target: string }>;
    const ofA = audit.filter((row) => row.action.startsWith('service-mode') && row.target.includes(A));
    expect(ofA).toHaveLength(5);
    expect(audit.filter((row) => row.action.startsWith('service-mode') && row.target.includes('global'))).toHaveLength(2);
  });
});
