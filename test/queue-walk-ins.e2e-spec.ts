import { applicant, bearer, bookFor, createOffice, kioskCheckIn, staffOf } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
const NINE_WIB = '2030-03-04T02:00:00.000Z';
const slot0900 = { date: DAY, start: '09:00', end: '09:30', capacity: 50 };

describe('walk-ins', () => {
  let t: TestApp;
  let office: { code: string; slots: Array<{ id: number }> };
  let staff: string;
  let person = 0;
  const nextPerson = () => ++person;

  beforeAll(async () => {
    t = await createTestApp();
    office = await createOffice(t, { slots: [slot0900] });
    staff = await staffOf(t, office.code);
  });
  afterAll(() => t.destroy());

  const walkIn = (officeCode: string, token: string, body: Record<string, unknown> = {}) =>
    t.http.post(`/offices/${officeCode}/walk-ins`).set(bearer(token)).send({ serviceType: 'REPLACEMENT', applicant: applicant(nextPerson()), ...body });
  const queue = async (officeCode: string, token: string) => (await t.http.get(`/offices/${officeCode}/queue`).set(bearer(token)).expect(200)).body as Array<{ number: string; position: number }>;

  /** A fresh office, its staff, and appointment ticket A001 checked in at 09:00 WIB. */
  async function officeWithOneCheckIn() {
    const fresh = await createOffice(t, { slots: [slot0900] });
    const token = await staffOf(t, fresh.code);
    t.clock.set('2030-03-01T00:00:00.000Z');
    const booking = await bookFor(t, fresh.code, fresh.slots[0].id, nextPerson());
    t.clock.set(NINE_WIB);
    await kioskCheckIn(t, booking).expect(201);
    return { fresh, token };
  }

  it('staff add a walk-in: 201 Ticket W001, WAITING, without an appointment', async () => {
    const fresh = await createOffice(t);
    const token = await staffOf(t, fresh.code);
    t.clock.set(NINE_WIB);

    const res = await walkIn(fresh.code, token);

    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        number: 'W001',
        officeCode: fresh.code,
        appointmentCode: null,
        priority: false,
        express: false,
        status: 'WAITING',
        counterNumber: null,
        position: 1,
        estimatedWaitMinutes: 10,
        manual: false,
        checkedInAt: NINE_WIB,
      }),
    );
    expect(JSON.stringify(res.body)).not.toContain(applicant(person).nik);
  });

  it('a priority walk-in goes ahead of tickets that came earlier', async () => {
    const { fresh, token } = await officeWithOneCheckIn();
    await walkIn(fresh.code, token).expect(201);
    t.clock.set('2030-03-04T02:05:00.000Z');

    const res = await walkIn(fresh.code, token, { priority: true });

    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ number: 'W002', priority: true, position: 1 }));
    expect((await queue(fresh.code, token)).map((x) => x.number)).toEqual(['W002', 'A001', 'W001']);
  });

  it('replays the first response for the same Idempotency-Key and body, without a second ticket', async () => {
    const fresh = await createOffice(t);
    const token = await staffOf(t, fresh.code);
    t.clock.set(NINE_WIB);
    const body = { serviceType: 'NEW', priority: true, applicant: applicant(nextPerson()) };

    const first = await t.http.post(`/offices/${fresh.code}/walk-ins`).set(bearer(token)).set('Idempotency-Key', 'desk-1-0001').send(body);
    const replay = await t.http.post(`/offices/${fresh.code}/walk-ins`).set(bearer(token)).set('Idempotency-Key', 'desk-1-0001').send(body);

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await queue(fresh.code, token)).map((x) => x.number)).toEqual(['W001']);
  });

  it('refuses the same Idempotency-Key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const fresh = await createOffice(t);
    const token = await staffOf(t, fresh.code);
    t.clock.set(NINE_WIB);
    const body = { serviceType: 'NEW', applicant: applicant(nextPerson()) };
    await t.http.post(`/offices/${fresh.code}/walk-ins`).set(bearer(token)).set('Idempotency-Key', 'desk-1-0002').send(body).expect(201);

    const res = await t.http.post(`/offices/${fresh.code}/walk-ins`).set(bearer(token)).set('Idempotency-Key', 'desk-1-0002').send({ ...body, serviceType: 'RENEWAL' });

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await queue(fresh.code, token)).toHaveLength(1);
  });

  it('an express walk-in in NORMAL mode is express and goes ahead of plain appointment tickets', async () => {
    const { fresh, token } = await officeWithOneCheckIn();
    t.clock.set('2030-03-04T02:10:00.000Z');

    const res = await walkIn(fresh.code, token, { express: true });

    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ number: 'W001', express: true, priority: false, position: 1 }));
    expect(res.body.expressRequest).toEqual(expect.objectContaining({ status: 'ACTIVE' }));
    expect((await queue(fresh.code, token)).map((x) => x.number)).toEqual(['W001', 'A001']);
  });

  it('an express walk-in past the daily express quota is refused: 409 EXPRESS_QUOTA_FULL, no ticket', async () => {
    const fresh = await createOffice(t, { dailyExpressQuota: 1 });
    const token = await staffOf(t, fresh.code);
    t.clock.set(NINE_WIB);
    await walkIn(fresh.code, token, { express: true }).expect(201);

    const res = await walkIn(fresh.code, token, { express: true });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EXPRESS_QUOTA_FULL');
    expect(await queue(fresh.code, token)).toHaveLength(1);
  });

  it.each([
    ['no token', 401, 'UNAUTHENTICATED', () => ({})],
    ['staff of another office', 403, 'FORBIDDEN', () => bearer(staff)],
  ])('refuses %s: %d %s', async (_, status, code, headers) => {
    const other = await createOffice(t);

    const res = await t.http.post(`/offices/${other.code}/walk-ins`).set(headers()).send({ serviceType: 'NEW', applicant: applicant(nextPerson()) });

    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });

  it('an admin may add a walk-in in any office; an unknown office is 404 OFFICE_NOT_FOUND', async () => {
    const admin = await t.adminToken();
    await walkIn(office.code, admin).expect(201);

    const res = await walkIn('NO-SUCH-OFFICE', admin);

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OFFICE_NOT_FOUND');
  });

  it.each([
    ['an unknown field', { serviceType: 'NEW', vip: true }],
    ['a bad NIK', { serviceType: 'NEW', applicant: { ...applicant(1), nik: '123' } }],
    ['no applicant', { serviceType: 'NEW', applicant: undefined }],
    ['an unknown service type', { serviceType: 'VISA' }],
    ['a non-boolean priority', { serviceType: 'NEW', priority: 'yes' }],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_, body) => {
    const res = await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ applicant: applicant(nextPerson()), ...body });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('records the walk-in in the audit log with the actor', async () => {
    t.clock.set(NINE_WIB);
    await walkIn(office.code, staff).expect(201);

    const audit = await t.http.get('/audit?action=ticket.walk-in&limit=1000').set(bearer(await t.adminToken())).expect(200);

    expect(audit.body).toContainEqual(expect.objectContaining({ actor: `staff-${office.code.toLowerCase()}`, action: 'ticket.walk-in', target: expect.stringContaining(office.code) }));
  });
});
