import { Sql } from '../src/database/sql';
import { DayCloseService } from '../src/queue/day-close.service';
import { bearer, bookingBody, bookFor, counterAction, createOffice, eventually, kioskCheckIn, staffOf, switchMode } from './support/fixtures';
import { createTestApp, createTestDatabase, TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

const DAY = '2030-03-04';
const NEXT_DAY = '2030-03-05';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
/** 09:00 WIB (UTC+7) on DAY. */
const WIB_0900 = '2030-03-04T02:00:00.000Z';
/** 23:55 WIB on DAY, and 00:05 WIB on NEXT_DAY. */
const WIB_BEFORE_MIDNIGHT = '2030-03-04T16:55:00.000Z';
const WIB_AFTER_MIDNIGHT = '2030-03-04T17:05:00.000Z';
/** 00:05 WIT (UTC+9) on NEXT_DAY: still 22:05 on DAY in Jakarta. */
const WIT_AFTER_MIDNIGHT = '2030-03-04T15:05:00.000Z';

const slots = [
  { date: DAY, start: '09:00', end: '09:30', capacity: 50 },
  { date: NEXT_DAY, start: '09:00', end: '09:30', capacity: 50 },
];

describe('queue: an office closes what its day leaves behind', () => {
  let t: TestApp;
  let admin: string;
  let person = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(() => t.destroy());

  const closeEndedDays = () => t.app.get(DayCloseService).closeEndedDays();
  const rebook = (nik: string, officeCode: string, slotId: number) =>
    t.http.post('/appointments').send({ officeCode, slotId, serviceType: 'NEW', applicant: { nik, fullName: 'Warga Kembali', phone: '081234567890' } });
  const appointment = async (booking: { code: string; nik: string }) => (await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200)).body;

  /** An office, a staff token and `count` bookings on DAY's 09:00 slot, made before anything else happens. */
  async function officeWithBookings(count: number, timeZone = 'Asia/Jakarta') {
    t.clock.set(BEFORE_EVERYTHING);
    const office = await createOffice(t, { timeZone, counters: 1, slots });
    const staff = await staffOf(t, office.code);
    const bookings = [];
    for (let i = 0; i < count; i++) bookings.push(await bookFor(t, office.code, office.slots[0].id, ++person));
    return { office, staff, bookings, nextDaySlot: office.slots[1].id };
  }

  it('frees a person checked in but never called, and one who never came, once the day is over; a ticket at a counter stays with its counter', async () => {
    const { office, staff, bookings, nextDaySlot } = await officeWithBookings(3);
    const [called, unserved, missed] = bookings;
    t.clock.set(WIB_0900);
    await kioskCheckIn(t, called).expect(201);
    await kioskCheckIn(t, unserved).expect(201);
    await counterAction(t, staff, office.code, 1, 'open').expect(200);
    expect((await counterAction(t, staff, office.code, 1, 'call-next').expect(200)).body.appointmentCode).toBe(called.code);

    // Before midnight nothing of the day is touched, and the person still waiting cannot book elsewhere.
    t.clock.set(WIB_BEFORE_MIDNIGHT);
    expect((await closeEndedDays()).find((c) => c.officeCode === office.code)).toEqual({ officeCode: office.code, through: '2030-03-03', unservedTickets: 0, missedAppointments: 0, expressCancelled: 0 });
    expect((await appointment(unserved)).status).toBe('CHECKED_IN');
    const refused = await rebook(unserved.nik, office.code, nextDaySlot);
    expect([refused.status, refused.body.code]).toEqual([409, 'ACTIVE_BOOKING_EXISTS']);

    t.clock.set(WIB_AFTER_MIDNIGHT);
    const closed = (await closeEndedDays()).find((c) => c.officeCode === office.code);
    expect(closed).toEqual({ officeCode: office.code, through: DAY, unservedTickets: 1, missedAppointments: 1, expressCancelled: 0 });

    const unservedNow = await appointment(unserved);
    expect([unservedNow.status, unservedNow.ticket.status]).toEqual(['NO_SHOW', 'NO_SHOW']);
    expect((await appointment(missed)).status).toBe('NO_SHOW');
    // Both may book again at once.
    for (const { nik } of [unserved, missed]) expect((await rebook(nik, office.code, nextDaySlot)).status).toBe(201);
    // The ticket at the counter is its staff's to finish, after midnight as before.
    expect((await appointment(called)).status).toBe('CALLED');
    await counterAction(t, staff, office.code, 1, 'start').expect(200);
    expect((await counterAction(t, staff, office.code, 1, 'complete').expect(200)).body.status).toBe('DONE');

    // Each day is closed once, and the audit log says what was done.
    expect((await closeEndedDays()).find((c) => c.officeCode === office.code)).toBeUndefined();
    const audit = await t.http.get('/audit').query({ action: 'office.day.close', target: `office:${office.code}` }).set(bearer(admin)).expect(200);
    expect(audit.body).toEqual([expect.objectContaining({ actor: 'system', details: { through: DAY, unservedTickets: 1, missedAppointments: 1, expressCancelled: 0 } })]);
  });

  it("closes each office at its own midnight: Jayapura's day ends two hours before Jakarta's", async () => {
    const jayapura = await officeWithBookings(1, 'Asia/Jayapura');
    const jakarta = await officeWithBookings(1);
    t.clock.set('2030-03-04T00:10:00.000Z'); // 09:10 WIT
    await kioskCheckIn(t, jayapura.bookings[0]).expect(201);
    t.clock.set(WIB_0900);
    await kioskCheckIn(t, jakarta.bookings[0]).expect(201);

    t.clock.set(WIT_AFTER_MIDNIGHT);
    const closed = await closeEndedDays();
    expect(closed.find((c) => c.officeCode === jayapura.office.code)).toMatchObject({ through: DAY, unservedTickets: 1 });
    expect(closed.find((c) => c.officeCode === jakarta.office.code)).toMatchObject({ unservedTickets: 0 });
    expect((await appointment(jayapura.bookings[0])).status).toBe('NO_SHOW');
    expect((await appointment(jakarta.bookings[0])).status).toBe('CHECKED_IN');
    // Jakarta's waiting room still shows its person.
    expect((await t.http.get(`/offices/${jakarta.office.code}/queue`).set(bearer(jakarta.staff)).expect(200)).body).toHaveLength(1);
  });

  it('takes the express requests of a closed day out of the release order, so those still waiting move up', async () => {
    t.clock.set(BEFORE_EVERYTHING);
    const office = await createOffice(t, { counters: 1, slots });
    await switchMode(t, admin, office.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
    const bookExpress = async (slotId: number) => {
      const n = ++person;
      const res = await t.http.post('/appointments').send(bookingBody(office.code, slotId, n, { express: true })).expect(202);
      return { code: res.body.code as string, nik: bookingBody(office.code, slotId, n).applicant.nik, position: res.body.express.position as number };
    };
    const missedDay = await bookExpress(office.slots[0].id);
    const unservedDay = await bookExpress(office.slots[0].id);
    const nextDay = await bookExpress(office.slots[1].id);
    expect([missedDay.position, unservedDay.position, nextDay.position]).toEqual([1, 2, 3]);
    t.clock.set(WIB_0900);
    await kioskCheckIn(t, unservedDay).expect(201);

    t.clock.set(WIB_AFTER_MIDNIGHT);
    expect((await closeEndedDays()).find((c) => c.officeCode === office.code)).toMatchObject({ unservedTickets: 1, missedAppointments: 1, expressCancelled: 2 });
    for (const booking of [missedDay, unservedDay]) {
      const now = await appointment(booking);
      expect([now.status, now.express.status]).toEqual(['NO_SHOW', 'CANCELLED']);
    }
    expect((await appointment(nextDay)).express).toMatchObject({ status: 'DEFERRED', position: 1 });
  });

  it('a ticket of a closed day that commits late (a write begun just before midnight) is closed the next night', async () => {
    const { office, staff } = await officeWithBookings(0);
    t.clock.set(WIB_AFTER_MIDNIGHT);
    await closeEndedDays();
    // The walk-in read its clock before midnight and committed after the close had looked.
    t.clock.set(WIB_BEFORE_MIDNIGHT);
    const late = await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: { nik: '3174010101850999', fullName: 'Warga Terlambat', phone: '081234567890' } }).expect(201);
    expect(late.body.serviceDate).toBe(DAY);
    // On SQLite a closed day's kept waiting count (check-in positions) goes with the day; the late ticket counts again.
    const sql = t.app.get(Sql);
    const waitingCounts = () => sql.all<{ serviceDate: string; waiting: number }>(`SELECT "serviceDate", waiting FROM waiting_counts WHERE "officeCode" = ?`, [office.code]);
    if (!sql.isPostgres) expect(await waitingCounts()).toEqual([{ serviceDate: DAY, waiting: 1 }]);

    t.clock.set('2030-03-05T17:05:00.000Z'); // 00:05 WIB on the day after NEXT_DAY
    expect((await closeEndedDays()).find((c) => c.officeCode === office.code)).toMatchObject({ through: NEXT_DAY, unservedTickets: 1 });
    if (!sql.isPostgres) expect(await waitingCounts()).toEqual([]);
  });

  it('closes a long history a month at a time', async () => {
    const { office, bookings } = await officeWithBookings(1);
    t.clock.set(WIB_0900);
    await kioskCheckIn(t, bookings[0]).expect(201);
    t.clock.set('2030-05-20T02:00:00.000Z');
    const closes = (await closeEndedDays()).filter((c) => c.officeCode === office.code);
    expect(closes.map((c) => c.through)).toEqual(['2030-03-31', '2030-05-01', '2030-05-19']);
    expect(closes.reduce((sum, c) => sum + c.unservedTickets, 0)).toBe(1);
    expect((await appointment(bookings[0])).status).toBe('NO_SHOW');
  });
});

describe('queue: day close after a restart', () => {
  it('closes the days an office missed while the app was down, at start-up, and keeps them closed', async () => {
    // A running interval: the app closes ended days by itself (at start-up, then every hour here).
    let t = await createTestApp({ env: { DAY_CLOSE_INTERVAL_MS: '3600000' } });
    try {
      t.clock.set(BEFORE_EVERYTHING);
      const office = await createOffice(t, { counters: 1, slots });
      const booking = await bookFor(t, office.code, office.slots[0].id, 1);
      t.clock.set(WIB_0900);
      await kioskCheckIn(t, booking).expect(201);

      t.clock.set(WIB_AFTER_MIDNIGHT);
      t = await t.restart();
      const status = async () => (await t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200)).body.status as string;
      await eventually(async () => (await status()) === 'NO_SHOW');

      t = await t.restart();
      expect(await status()).toBe('NO_SHOW');
      expect((await t.app.get(DayCloseService).closeEndedDays()).find((c) => c.officeCode === office.code)).toBeUndefined();
    } finally {
      await t.destroy();
    }
  });
});

// Several instances share PostgreSQL only: on SQLite a second one refuses to start (test/foundation-instance-lock).
((process.env.DB_TYPE ?? 'sqlite') === 'postgres' ? describe : describe.skip)('queue: day close on two instances at once', () => {
  it('closes each ticket and appointment once, and writes one audit entry', async () => {
    const database = await createTestDatabase();
    const clock = new TestClock();
    const first = await createTestApp({ database, clock });
    const second = await createTestApp({ database, clock });
    try {
      clock.set(BEFORE_EVERYTHING);
      const office = await createOffice(first, { counters: 1, slots });
      const bookings = [];
      for (let n = 1; n <= 8; n++) bookings.push(await bookFor(first, office.code, office.slots[0].id, n));
      clock.set(WIB_0900);
      for (const booking of bookings.slice(0, 5)) await kioskCheckIn(first, booking).expect(201);

      clock.set(WIB_AFTER_MIDNIGHT);
      const runs = await Promise.all([first, second, first, second].map((app) => app.app.get(DayCloseService).closeEndedDays()));
      const mine = runs.flat().filter((c) => c.officeCode === office.code);
      expect(mine.reduce((sum, c) => sum + c.unservedTickets, 0)).toBe(5);
      expect(mine.reduce((sum, c) => sum + c.missedAppointments, 0)).toBe(3);
      for (const booking of bookings) expect((await first.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik).expect(200)).body.status).toBe('NO_SHOW');
      const audit = await first.http.get('/audit').query({ action: 'office.day.close', target: `office:${office.code}` }).set(bearer(await first.adminToken())).expect(200);
      expect(audit.body).toHaveLength(1);
    } finally {
      await second.close();
      await first.destroy();
    }
  });
});
