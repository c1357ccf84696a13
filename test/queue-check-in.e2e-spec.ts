import { bearer, bookFor, createOffice, kioskCheckIn, shiftIso, staffOf } from './support/fixtures';
import { applicant } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

const DAY = '2030-03-04';
/** Slot 09:00-09:30 in Jakarta (WIB, UTC+7) is 02:00-02:30Z. */
const WIB_START = '2030-03-04T02:00:00.000Z';
const WIB_END = '2030-03-04T02:30:00.000Z';
/** Slot 09:00-09:30 in Jayapura (WIT, UTC+9) is 00:00-00:30Z. */
const WIT_START = '2030-03-04T00:00:00.000Z';
const WIT_END = '2030-03-04T00:30:00.000Z';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';

const slot0900 = { date: DAY, start: '09:00', end: '09:30', capacity: 100 };

describe('check-in', () => {
  let t: TestApp;
  let person = 0;
  const nextPerson = () => ++person;

  beforeAll(async () => {
    t = await createTestApp();
  });
  // Offices and slots are made before the day each test then moves to (a slot cannot be on a day that is over).
  beforeEach(() => t.clock.set(BEFORE_EVERYTHING));
  afterAll(() => t.destroy());

  async function bookAt(officeCode: string, slotId: number) {
    t.clock.set(BEFORE_EVERYTHING);
    return bookFor(t, officeCode, slotId, nextPerson());
  }

  /** A fresh office with a 09:00-09:30 slot and one booking in it (and a staff token when asked for); the clock at the slot start. */
  async function oneBooking(options: { withStaff?: boolean } = {}) {
    const office = await createOffice(t, { slots: [slot0900] });
    const staff = options.withStaff ? await staffOf(t, office.code) : '';
    const booking = await bookAt(office.code, office.slots[0].id);
    t.clock.set(WIB_START);
    return { office, staff, booking };
  }

  function walkIn(officeCode: string, token: string) {
    return t.http.post(`/offices/${officeCode}/walk-ins`).set(bearer(token)).send({ serviceType: 'RENEWAL', applicant: applicant(nextPerson()) });
  }

  describe('at the kiosk', () => {
    it('accepts the code as a person types it (lower case, a hyphen) and answers with the canonical code', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const booking = await bookAt(office.code, office.slots[0].id);
      t.clock.set(shiftIso(WIB_START, -30));
      const typed = `${booking.code.slice(0, 5)}-${booking.code.slice(5)}`.toLowerCase();

      const res = await t.http.post(`/appointments/${typed}/check-in`).set('X-Applicant-NIK', booking.nik);

      expect(res.status).toBe(201);
      expect(res.body.appointmentCode).toBe(booking.code);
    });

    it('issues ticket A001 with every contract field, and the appointment becomes CHECKED_IN', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const booking = await bookAt(office.code, office.slots[0].id);
      t.clock.set(shiftIso(WIB_START, -30));

      const res = await kioskCheckIn(t, booking);

      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          number: 'A001',
          officeCode: office.code,
          appointmentCode: booking.code,
          priority: false,
          express: false,
          status: 'WAITING',
          counterNumber: null,
          position: 1,
          estimatedWaitMinutes: 10,
          manual: false,
          checkedInAt: shiftIso(WIB_START, -30),
        }),
      );
      const appointment = await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);
      expect(appointment.body.status).toBe('CHECKED_IN');
      expect(appointment.body.ticket).toEqual(expect.objectContaining({ id: res.body.id, number: 'A001', status: 'WAITING' }));
    });

    it('refuses a second check-in of the same appointment with 409 INVALID_STATE', async () => {
      const { booking } = await oneBooking();
      await kioskCheckIn(t, booking).expect(201);

      const again = await kioskCheckIn(t, booking);

      expect(again.status).toBe(409);
      expect(again.body.code).toBe('INVALID_STATE');
    });

    it('checked in twice at the same moment (kiosk and desk): one ticket, one 409 INVALID_STATE', async () => {
      const { office, booking, staff } = await oneBooking({ withStaff: true });

      const results = await Promise.all([kioskCheckIn(t, booking), t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(staff)).send({ priority: true })]);

      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('INVALID_STATE');
      const queue = await t.http.get(`/offices/${office.code}/queue`).set(bearer(staff)).expect(200);
      expect(queue.body).toHaveLength(1);
    });

    it('refuses a cancelled appointment with 409 INVALID_STATE', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const booking = await bookAt(office.code, office.slots[0].id);
      await t.http.delete(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);
      t.clock.set(WIB_START);

      const res = await kioskCheckIn(t, booking);

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_STATE');
    });

    it('answers a wrong NIK and a wrong code with the same 404 APPOINTMENT_NOT_FOUND', async () => {
      const { booking } = await oneBooking();

      const wrongNik = await kioskCheckIn(t, { code: booking.code, nik: applicant(nextPerson()).nik });
      const wrongCode = await kioskCheckIn(t, { code: 'ZZZZZZZZZZ', nik: booking.nik });

      expect([wrongNik.status, wrongNik.body.code]).toEqual([404, 'APPOINTMENT_NOT_FOUND']);
      expect([wrongCode.status, wrongCode.body.code]).toEqual([404, 'APPOINTMENT_NOT_FOUND']);
      const appointment = await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);
      expect(appointment.body.status).toBe('BOOKED');
    });

    it('needs the X-Applicant-NIK header without a token: 400 VALIDATION_FAILED', async () => {
      const { booking } = await oneBooking();

      const res = await t.http.post(`/appointments/${booking.code}/check-in`);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses a citizen who marks themselves priority with 403 FORBIDDEN, and issues nothing', async () => {
      const { booking } = await oneBooking();

      const res = await kioskCheckIn(t, booking).send({ priority: true });

      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      const appointment = await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200);
      expect(appointment.body).toEqual(expect.objectContaining({ status: 'BOOKED', ticket: null }));
      const plain = await kioskCheckIn(t, booking).expect(201);
      expect(plain.body).toEqual(expect.objectContaining({ number: 'A001', priority: false }));
    });

    it('accepts a kiosk that sends "priority": false (it claims nothing)', async () => {
      const { booking } = await oneBooking();
      const res = await kioskCheckIn(t, booking).send({ priority: false });
      expect([res.status, res.body.priority, res.body.status]).toEqual([201, false, 'WAITING']);
    });
  });

  /** Books a seat in the slot beforehand, then checks in at `instant`: `status`, and 409 is always CHECK_IN_WINDOW. */
  async function expectCheckInAt(officeCode: string, slotId: number, instant: string, status: number) {
    const booking = await bookAt(officeCode, slotId);
    t.clock.set(instant);

    const res = await kioskCheckIn(t, booking);

    expect(res.status).toBe(status);
    if (status === 409) expect(res.body.code).toBe('CHECK_IN_WINDOW');
  }

  describe('window, Asia/Jakarta slot 09:00-09:30 (02:00-02:30Z)', () => {
    let officeCode: string;
    let slotId: number;
    beforeAll(async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      officeCode = office.code;
      slotId = office.slots[0].id;
    });

    it.each([
      ['61 minutes before the start', shiftIso(WIB_START, -61), 409],
      ['1 ms before the window opens', new Date(Date.parse(WIB_START) - 60 * 60_000 - 1).toISOString(), 409],
      ['exactly 60 minutes before the start', shiftIso(WIB_START, -60), 201],
      ['at the start', WIB_START, 201],
      ['1 ms before the end', new Date(Date.parse(WIB_END) - 1).toISOString(), 201],
      ['exactly at the end', WIB_END, 409],
      ['1 minute after the end', shiftIso(WIB_END, 1), 409],
    ])('%s (%s): %d', (_, instant, status) => expectCheckInAt(officeCode, slotId, instant, status));
  });

  describe('window, Asia/Jayapura slot 09:00-09:30 (00:00-00:30Z)', () => {
    let officeCode: string;
    let slotId: number;
    beforeAll(async () => {
      const office = await createOffice(t, { timeZone: 'Asia/Jayapura', slots: [slot0900] });
      officeCode = office.code;
      slotId = office.slots[0].id;
    });

    it.each([
      ['1 ms before the window opens (the evening before, in UTC)', new Date(Date.parse(WIT_START) - 60 * 60_000 - 1).toISOString(), 409],
      ['exactly 60 minutes before the start', shiftIso(WIT_START, -60), 201],
      ['1 ms before the end', new Date(Date.parse(WIT_END) - 1).toISOString(), 201],
      ['exactly at the end', WIT_END, 409],
      // 02:00Z is the end of a Jakarta slot at 09:00; in Jayapura that slot ended 90 minutes ago.
      ['at 09:00 Jakarta time', WIB_START, 409],
    ])('%s (%s): %d', (_, instant, status) => expectCheckInAt(officeCode, slotId, instant, status));

    it('numbers the ticket on the office-local day, though it is still the day before in UTC', async () => {
      const booking = await bookAt(officeCode, slotId);
      t.clock.set(shiftIso(WIT_START, -45));

      const res = await kioskCheckIn(t, booking).expect(201);

      expect(res.body.checkedInAt.slice(0, 10)).toBe('2030-03-03');
      expect(res.body.serviceDate).toBe(DAY);
    });
  });

  describe('at the front desk', () => {
    it('staff check in without a NIK and may mark the ticket priority', async () => {
      const { booking, staff } = await oneBooking({ withStaff: true });

      const res = await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(staff)).send({ priority: true });

      expect(res.status).toBe(201);
      expect(res.body).toEqual(expect.objectContaining({ number: 'A001', priority: true, status: 'WAITING', appointmentCode: booking.code }));
      const appointment = await t.http.get(`/appointments/${booking.code}`).set(bearer(staff)).expect(200);
      expect(appointment.body.status).toBe('CHECKED_IN');
    });

    it('staff check-in without a body gives a plain ticket', async () => {
      const { booking, staff } = await oneBooking({ withStaff: true });

      const res = await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(staff));

      expect(res.status).toBe(201);
      expect(res.body.priority).toBe(false);
    });

    it('staff of another office get 403 FORBIDDEN; an admin may check in anywhere', async () => {
      const { booking } = await oneBooking();
      const other = await createOffice(t);
      const otherStaff = await staffOf(t, other.code);

      const foreign = await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(otherStaff)).send({ priority: true });
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('FORBIDDEN');

      const byAdmin = await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(await t.adminToken())).send({ priority: true });
      expect(byAdmin.status).toBe(201);
      expect(byAdmin.body.priority).toBe(true);
    });

    it('rejects unknown body fields with 400 VALIDATION_FAILED', async () => {
      const { booking, staff } = await oneBooking({ withStaff: true });

      const res = await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(staff)).send({ priority: 'yes', vip: true });

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('records the staff check-in in the audit log with the actor', async () => {
      const { office, booking, staff } = await oneBooking({ withStaff: true });
      await t.http.post(`/appointments/${booking.code}/check-in`).set(bearer(staff)).send({ priority: true }).expect(201);

      const audit = await t.http.get('/audit?limit=1000').set(bearer(await t.adminToken())).expect(200);

      expect(audit.body).toContainEqual(expect.objectContaining({ actor: `staff-${office.code.toLowerCase()}`, action: 'ticket.check-in', target: expect.stringContaining(office.code) }));
    });
  });

  describe('ticket numbers', () => {
    it('count A001, A002 … for appointments and W001 … for walk-ins, per office', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const other = await createOffice(t, { slots: [slot0900] });
      const staff = await staffOf(t, office.code);
      const otherStaff = await staffOf(t, other.code);
      const bookings = [await bookAt(office.code, office.slots[0].id), await bookAt(office.code, office.slots[0].id), await bookAt(office.code, office.slots[0].id)];
      const otherBooking = await bookAt(other.code, other.slots[0].id);
      t.clock.set(WIB_START);

      const numbers: string[] = [];
      numbers.push((await kioskCheckIn(t, bookings[0]).expect(201)).body.number);
      numbers.push((await walkIn(office.code, staff).expect(201)).body.number);
      numbers.push((await kioskCheckIn(t, bookings[1]).expect(201)).body.number);
      numbers.push((await walkIn(office.code, staff).expect(201)).body.number);
      numbers.push((await kioskCheckIn(t, bookings[2]).expect(201)).body.number);
      const otherNumbers = [(await kioskCheckIn(t, otherBooking).expect(201)).body.number, (await walkIn(other.code, otherStaff).expect(201)).body.number];

      expect(numbers).toEqual(['A001', 'W001', 'A002', 'W002', 'A003']);
      expect(otherNumbers).toEqual(['A001', 'W001']);
    });

    it('restart at 001 on a new office-local day (midnight WIB is 17:00Z, not UTC midnight)', async () => {
      const office = await createOffice(t, { slots: [slot0900, { ...slot0900, date: '2030-03-05' }] });
      const staff = await staffOf(t, office.code);
      const today = await bookAt(office.code, office.slots[0].id);
      t.clock.set(WIB_START);
      expect((await kioskCheckIn(t, today).expect(201)).body.number).toBe('A001');

      t.clock.set('2030-03-04T16:59:59.999Z');
      expect((await walkIn(office.code, staff).expect(201)).body.number).toBe('W001');
      expect((await walkIn(office.code, staff).expect(201)).body.number).toBe('W002');
      t.clock.set('2030-03-04T17:00:00.000Z');
      const firstOfNextDay = await walkIn(office.code, staff).expect(201);
      expect(firstOfNextDay.body).toEqual(expect.objectContaining({ number: 'W001', serviceDate: '2030-03-05' }));

      const tomorrow = await bookAt(office.code, office.slots[1].id);
      t.clock.set('2030-03-05T02:00:00.000Z');
      expect((await kioskCheckIn(t, tomorrow).expect(201)).body.number).toBe('A001');
    });

    it('stay unique and without gaps when 30 appointments check in at once', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const bookings = [];
      for (let i = 0; i < 30; i++) bookings.push(await bookAt(office.code, office.slots[0].id));
      t.clock.set(WIB_START);

      const responses = await Promise.all(bookings.map((b) => kioskCheckIn(t, b)));

      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
      const numbers = responses.map((r) => r.body.number as string).sort();
      expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));
    });

    it('stay unique when check-ins and walk-ins arrive together', async () => {
      const office = await createOffice(t, { slots: [slot0900] });
      const staff = await staffOf(t, office.code);
      const bookings = [];
      for (let i = 0; i < 10; i++) bookings.push(await bookAt(office.code, office.slots[0].id));
      t.clock.set(WIB_START);

      const responses = await Promise.all([...bookings.map((b) => kioskCheckIn(t, b)), ...bookings.map(() => walkIn(office.code, staff))]);

      expect(responses.every((r) => r.status === 201)).toBe(true);
      const numbers = responses.map((r) => r.body.number as string).sort();
      const expected = ['A', 'W'].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}${String(i + 1).padStart(3, '0')}`));
      expect(numbers).toEqual(expected);
    });
  });
});

describe('check-in window, configured with CHECK_IN_OPENS_MINUTES_BEFORE=15', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CHECK_IN_OPENS_MINUTES_BEFORE: '15' } });
  });
  afterAll(() => t.destroy());

  it.each([
    ['16 minutes before the start', shiftIso(WIB_START, -16), 409],
    ['exactly 15 minutes before the start', shiftIso(WIB_START, -15), 201],
  ])('%s (%s): %d', async (_, instant, status) => {
    const office = await createOffice(t, { slots: [slot0900] });
    t.clock.set(BEFORE_EVERYTHING);
    const booking = await bookFor(t, office.code, office.slots[0].id, status);
    t.clock.set(instant);

    const res = await kioskCheckIn(t, booking);

    expect(res.status).toBe(status);
    if (status === 409) expect(res.body.code).toBe('CHECK_IN_WINDOW');
  });
});
