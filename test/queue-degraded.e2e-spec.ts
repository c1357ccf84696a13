import { applicant, bearer, bookFor, counterAction, createOffice, eventually, kioskCheckIn, staffOf, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
const NINE_WIB = '2030-03-04T02:00:00.000Z';
const SLOTS = [
  { date: DAY, start: '09:00', end: '09:30', capacity: 20 },
  { date: DAY, start: '10:00', end: '10:30', capacity: 20 },
];

describe('the front desk while core systems are degraded', () => {
  let t: TestApp;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp({ env: { DEFAULT_SERVICE_MINUTES: '10', ESTIMATE_MIN_SAMPLES: '2' } });
  });
  afterAll(() => t.destroy());

  const queue = async (officeCode: string, token: string) => (await t.http.get(`/offices/${officeCode}/queue`).set(bearer(token)).expect(200)).body as Array<{ number: string; express: boolean; manual: boolean; estimatedWaitMinutes: number }>;
  const walkIn = (officeCode: string, token: string, body: Record<string, unknown> = {}) =>
    t.http.post(`/offices/${officeCode}/walk-ins`).set(bearer(token)).send({ serviceType: 'NEW', applicant: applicant(++person), ...body });
  const degrade = async (officeCode: string, body: Record<string, unknown> = {}) => {
    const res = await switchMode(t, await t.adminToken(), officeCode, { mode: 'DEGRADED', ...body });
    expect([res.status, res.body]).toEqual([200, expect.anything()]);
  };
  const recover = async (officeCode: string) => {
    const res = await switchMode(t, await t.adminToken(), officeCode, { mode: 'NORMAL' });
    expect(res.status).toBe(200);
  };

  it('check-ins and walk-ins go ahead, with manual tickets', async () => {
    const office = await createOffice(t, { slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const booking = await bookFor(t, office.code, office.slots[0].id, ++person);
    await degrade(office.code);
    t.clock.set(NINE_WIB);

    const checkedIn = await kioskCheckIn(t, booking);
    const walkedIn = await walkIn(office.code, staff);

    expect(checkedIn.status).toBe(201);
    expect(checkedIn.body.manual).toBe(true);
    expect(walkedIn.status).toBe(201);
    expect(walkedIn.body.manual).toBe(true);
  });

  it('an express walk-in is 503 EXPRESS_UNAVAILABLE under REJECT, with no ticket; 202 and deferred under DEFER, not ahead of anyone', async () => {
    const office = await createOffice(t, { slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const booking = await bookFor(t, office.code, office.slots[0].id, ++person);
    t.clock.set(NINE_WIB);
    await kioskCheckIn(t, booking).expect(201);
    await degrade(office.code, { expressPolicy: 'REJECT' });

    const rejected = await walkIn(office.code, staff, { express: true });
    expect([rejected.status, rejected.body.code]).toEqual([503, 'EXPRESS_UNAVAILABLE']);
    expect((await queue(office.code, staff)).map((x) => x.number)).toEqual(['A001']);

    await degrade(office.code, { expressPolicy: 'DEFER' });
    const deferred = await walkIn(office.code, staff, { express: true });
    expect(deferred.status).toBe(202);
    expect(deferred.body).toEqual(expect.objectContaining({ number: 'W001', express: true, manual: true }));
    expect(deferred.body.expressRequest).toEqual(expect.objectContaining({ status: 'DEFERRED', position: 1 }));
    expect((await queue(office.code, staff)).map((x) => x.number)).toEqual(['A001', 'W001']);
  });

  it('a switch to DEGRADED takes an express ticket out of the express lane; recovery puts it back', async () => {
    const office = await createOffice(t, { counters: 1, slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const plain = await bookFor(t, office.code, office.slots[0].id, ++person);
    const express = await bookFor(t, office.code, office.slots[1].id, ++person, { express: true });
    t.clock.set(NINE_WIB);
    await kioskCheckIn(t, plain).expect(201);
    await kioskCheckIn(t, express).expect(201);
    expect((await queue(office.code, staff)).map((x) => x.number)).toEqual(['A002', 'A001']);

    await degrade(office.code, { expressPolicy: 'DEFER' });
    expect((await queue(office.code, staff)).map((x) => x.number)).toEqual(['A001', 'A002']);

    await recover(office.code);
    await eventually(async () => (await queue(office.code, staff))[0].number === 'A002');
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    expect((await counterAction(t, staff, office.code, 1, 'call-next').expect(200)).body.number).toBe('A002');
  });

  it('an express request still deferred when its ticket is served (or no-showed) ends there: CANCELLED, out of the release line', async () => {
    const office = await createOffice(t, { counters: 1, slots: SLOTS });
    const staff = await staffOf(t, office.code);
    t.clock.set(BEFORE_EVERYTHING);
    const served = await bookFor(t, office.code, office.slots[0].id, ++person, { express: true });
    t.clock.set(NINE_WIB);
    await kioskCheckIn(t, served).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 1, 'start').expect(200);
    await degrade(office.code, { expressPolicy: 'DEFER' });
    await counterAction(t, staff, office.code, 1, 'complete').expect(200);

    const servedView = (await t.http.get(`/appointments/${served.code}`).set('X-Applicant-NIK', served.nik).expect(200)).body;
    expect(servedView.express).toEqual({ status: 'CANCELLED', requestedAt: expect.any(String) });
    // A deferred walk-in who does not come when called leaves the line too.
    const gone = await walkIn(office.code, staff, { express: true });
    expect([gone.status, gone.body.expressRequest.position]).toEqual([202, 1]);
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 1, 'no-show').expect(200);
    const waiting = await walkIn(office.code, staff, { express: true });
    expect([waiting.status, waiting.body.expressRequest.position]).toEqual([202, 1]);

    const requests = async () =>
      (await t.http.get('/express-requests').query({ officeCode: office.code }).set(bearer(staff)).expect(200)).body as Array<{ appointmentCode: string | null; ticketNumber: string; status: string; fulfilledAt: string | null }>;
    expect(await requests()).toEqual([
      expect.objectContaining({ appointmentCode: served.code, status: 'CANCELLED', fulfilledAt: expect.any(String) }),
      expect.objectContaining({ ticketNumber: gone.body.number, status: 'CANCELLED', fulfilledAt: null }),
      expect.objectContaining({ ticketNumber: waiting.body.number, status: 'DEFERRED' }),
    ]);
    await recover(office.code);
    await eventually(async () => (await requests())[2].status === 'ACTIVE');
    expect((await requests()).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'ACTIVE']);
  });

  it('work completed while DEGRADED lands in reconciliation; staff resolve it', async () => {
    const office = await createOffice(t, { counters: 1 });
    const other = await createOffice(t);
    const staff = await staffOf(t, office.code);
    const otherStaff = await staffOf(t, other.code);
    t.clock.set(NINE_WIB);
    await walkIn(office.code, staff).expect(201);
    await walkIn(office.code, staff).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    // W001 is served in NORMAL: nothing to reconcile.
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 1, 'start').expect(200);
    await counterAction(t, staff, office.code, 1, 'complete').expect(200);
    await degrade(office.code);
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 1, 'start').expect(200);
    t.clock.advanceMinutes(15);
    await counterAction(t, staff, office.code, 1, 'complete').expect(200);

    const pending = await t.http.get(`/reconciliation?officeCode=${office.code}&status=PENDING`).set(bearer(staff));
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual([expect.objectContaining({ id: expect.any(Number), ticketNumber: 'W002', appointmentCode: null, serviceType: 'NEW', completedAt: '2030-03-04T02:15:00.000Z', status: 'PENDING' })]);
    // As the contract writes it, with the office left empty: the staff member's own office.
    expect((await t.http.get('/reconciliation?officeCode=&status=PENDING').set(bearer(staff)).expect(200)).body).toEqual(pending.body);

    const foreignList = await t.http.get(`/reconciliation?officeCode=${office.code}`).set(bearer(otherStaff));
    expect([foreignList.status, foreignList.body.code]).toEqual([403, 'FORBIDDEN']);
    const foreignResolve = await t.http.post(`/reconciliation/${pending.body[0].id}/resolve`).set(bearer(otherStaff));
    expect([foreignResolve.status, foreignResolve.body.code]).toEqual([403, 'FORBIDDEN']);

    const resolved = await t.http.post(`/reconciliation/${pending.body[0].id}/resolve`).set(bearer(staff)).send({ note: 'SIMKIM ref 123' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual(expect.objectContaining({ status: 'RESOLVED' }));
    expect((await t.http.get(`/reconciliation?officeCode=${office.code}&status=PENDING`).set(bearer(staff)).expect(200)).body).toEqual([]);
    const unknown = await t.http.post('/reconciliation/999999/resolve').set(bearer(staff));
    expect([unknown.status, unknown.body.code]).toEqual([404, 'RECONCILIATION_ITEM_NOT_FOUND']);
  });

  it('a manual ticket completed after recovery still lands in reconciliation', async () => {
    const office = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    t.clock.set(NINE_WIB);
    await degrade(office.code);
    await walkIn(office.code, staff).expect(201);
    await recover(office.code);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
    await counterAction(t, staff, office.code, 1, 'start').expect(200);
    await counterAction(t, staff, office.code, 1, 'complete').expect(200);

    const pending = await t.http.get(`/reconciliation?officeCode=${office.code}`).set(bearer(staff)).expect(200);

    expect(pending.body.map((x: { ticketNumber: string }) => x.ticketNumber)).toEqual(['W001']);
  });

  it('the wait estimate uses services timed in the current mode once there are enough of them', async () => {
    const office = await createOffice(t, { counters: 1 });
    const staff = await staffOf(t, office.code);
    t.clock.set(NINE_WIB);
    for (let i = 0; i < 6; i++) await walkIn(office.code, staff).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    const serve = async (minutes: number) => {
      await counterAction(t, staff, office.code, 1, 'call-next').expect(200);
      await counterAction(t, staff, office.code, 1, 'start').expect(200);
      t.clock.advanceMinutes(minutes);
      await counterAction(t, staff, office.code, 1, 'complete').expect(200);
    };
    const firstEstimate = async () => (await queue(office.code, staff))[0].estimatedWaitMinutes;

    await serve(20);
    await serve(20);
    expect(await firstEstimate()).toBe(20);

    await degrade(office.code);
    // No DEGRADED service timed yet: all recent services.
    expect(await firstEstimate()).toBe(20);
    await serve(50);
    expect(await firstEstimate()).toBe(30);
    await serve(50);
    // Two DEGRADED services: manual work is slower, and the estimate says so.
    expect(await firstEstimate()).toBe(50);
    expect((await t.http.get(`/offices/${office.code}/board`).expect(200)).body).toEqual(expect.objectContaining({ mode: 'DEGRADED', waiting: 2, estimatedWaitMinutes: 150 }));

    await recover(office.code);
    expect(await firstEstimate()).toBe(20);
  });
});
