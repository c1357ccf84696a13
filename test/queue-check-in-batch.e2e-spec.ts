import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Sql } from '../src/database/sql';
import { CheckInBatcher } from '../src/queue/check-in-batcher';
import { applicant, bearer, bookFor, counterAction, createOffice, expectErrorBody, failNextBatchScript, kioskCheckIn, nik, shiftIso, staffOf, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

/** Kiosk check-ins are group-committed on SQLite (src/queue/check-in-batcher.ts) and go one at a time on PostgreSQL. */
const onSqlite = (process.env.DB_TYPE ?? 'sqlite') === 'sqlite';

const DAY = '2030-03-04';
const BEFORE_EVERYTHING = '2030-03-01T00:00:00.000Z';
/** 09:00 in Jakarta (WIB, UTC+7): the 09:00-09:30 slot has started, the 07:00 one has ended, the 11:00 one opens at 10:00. */
const NINE_WIB = '2030-03-04T02:00:00.000Z';
const slot0900 = { date: DAY, start: '09:00', end: '09:30', capacity: 100 };
const slot0700 = { date: DAY, start: '07:00', end: '07:30', capacity: 5 };
const slot1100 = { date: DAY, start: '11:00', end: '11:30', capacity: 5 };

type Booking = { code: string; nik: string };
type QueueEntry = { id: number; number: string; position: number };

/** `A001` … `A0nn`: the numbers of n appointment tickets of one office-day without gaps. */
const firstNumbers = (n: number) => Array.from({ length: n }, (_, i) => `A${String(i + 1).padStart(3, '0')}`);
const sequenceOf = (number: string) => Number(number.slice(1));

describe('kiosk check-ins arriving together', () => {
  let t: TestApp;
  let person = 0;

  /** `count` bookings of distinct applicants in a slot, made before the day (setting the scene, not racing). */
  async function bookMany(officeCode: string, slotId: number, count: number, extra: { express?: boolean } = {}): Promise<Booking[]> {
    t.clock.set(BEFORE_EVERYTHING);
    return Promise.all(Array.from({ length: count }, () => bookFor(t, officeCode, slotId, ++person, extra)));
  }

  const lookUp = (booking: Booking) => t.http.get(`/appointments/${booking.code}`).set('X-Applicant-NIK', booking.nik);
  const waitingQueue = async (officeCode: string, token: string) => (await t.http.get(`/offices/${officeCode}/queue`).set(bearer(token)).expect(200)).body as QueueEntry[];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  describe('one burst of 76 check-ins over three offices', () => {
    const PLAIN = 64;
    const DEGRADED = 5;
    let main: { code: string; staff: string };
    let degradedOffice: string;
    let plain: Booking[];
    let degraded: Booking[];
    let express: Booking;
    let statsBefore: CheckInBatcher['stats'];

    let plainAnswers: Response[];
    let repeatAnswers: Response[];
    let wrongNik: Response;
    let unknownCode: Response;
    let malformedCode: Response;
    let tooEarly: Response;
    let tooLate: Response;
    let expressAnswer: Response;
    let degradedAnswers: Response[];

    beforeAll(async () => {
      const office = await createOffice(t, { counters: 1, slots: [slot0900, slot0700, slot1100] });
      main = { code: office.code, staff: await staffOf(t, office.code) };
      const slotAt = (start: string) => office.slots.find((s) => s.start === start)!;
      const [s0900, s0700, s1100] = [slotAt('09:00'), slotAt('07:00'), slotAt('11:00')];
      plain = await bookMany(main.code, s0900.id, PLAIN);
      const [ended] = await bookMany(main.code, s0700.id, 1);
      const [notYetOpen] = await bookMany(main.code, s1100.id, 1);

      const expressOffice = await createOffice(t, { slots: [slot0900] });
      [express] = await bookMany(expressOffice.code, expressOffice.slots[0].id, 1, { express: true });

      const degradedOne = await createOffice(t, { slots: [slot0900] });
      degradedOffice = degradedOne.code;
      degraded = await bookMany(degradedOffice, degradedOne.slots[0].id, DEGRADED);
      await switchMode(t, await t.adminToken(), degradedOffice, { mode: 'DEGRADED' }).expect(200);

      t.clock.set(NINE_WIB);
      statsBefore = { ...t.app.get(CheckInBatcher).stats };
      const twice = plain[0];
      const answers = await Promise.all([
        ...plain.map((b) => kioskCheckIn(t, b).send({})),
        kioskCheckIn(t, twice).send({}),
        kioskCheckIn(t, { code: plain[1].code, nik: nik(++person) }).send({}),
        kioskCheckIn(t, { code: 'ZZZZZZZZZZ', nik: plain[2].nik }).send({}),
        kioskCheckIn(t, { code: 'NOT-A-CODE!', nik: plain[3].nik }).send({}),
        kioskCheckIn(t, notYetOpen).send({}),
        kioskCheckIn(t, ended).send({}),
        kioskCheckIn(t, express).send({}),
        ...degraded.map((b) => kioskCheckIn(t, b).send({})),
      ]);
      const firstOfTwice = answers[0];
      [wrongNik, unknownCode, malformedCode, tooEarly, tooLate, expressAnswer] = answers.slice(PLAIN + 1, PLAIN + 7);
      plainAnswers = answers.slice(1, PLAIN);
      repeatAnswers = [firstOfTwice, answers[PLAIN]];
      degradedAnswers = answers.slice(PLAIN + 7);
    });

    /** The answer that issued each plain booking's ticket: the one 201 among the two sent for `plain[0]`. */
    const issued = () => [repeatAnswers.find((r) => r.status === 201)!, ...plainAnswers];

    it('issues every plain appointment a ticket with 201, numbered A001…A064 without gaps or repeats', () => {
      expect(plainAnswers.map((r) => r.status)).toEqual(plainAnswers.map(() => 201));
      const answers = issued();
      expect(answers.map((r) => r.body.appointmentCode).sort()).toEqual(plain.map((b) => b.code).sort());
      expect(answers.map((r) => r.body.number).sort()).toEqual(firstNumbers(PLAIN));
      expect(answers.map((r) => [r.body.officeCode, r.body.status, r.body.manual, r.body.express])).toEqual(answers.map(() => [main.code, 'WAITING', false, false]));
    });

    it('answers the same code sent twice with one 201 and one 409 INVALID_STATE', () => {
      expect(repeatAnswers.map((r) => r.status).sort()).toEqual([201, 409]);
      expectErrorBody(repeatAnswers.find((r) => r.status === 409)!.body, 409, 'INVALID_STATE');
    });

    it('answers a wrong NIK, an unknown code and a malformed code with 404 APPOINTMENT_NOT_FOUND', () => {
      expectErrorBody(wrongNik.body, 404, 'APPOINTMENT_NOT_FOUND');
      expectErrorBody(unknownCode.body, 404, 'APPOINTMENT_NOT_FOUND');
      expectErrorBody(malformedCode.body, 404, 'APPOINTMENT_NOT_FOUND');
      expect([wrongNik.status, unknownCode.status, malformedCode.status]).toEqual([404, 404, 404]);
    });

    it('refuses a slot whose check-in has not opened and one that has ended with 409 CHECK_IN_WINDOW', () => {
      expect([tooEarly.status, tooLate.status]).toEqual([409, 409]);
      expectErrorBody(tooEarly.body, 409, 'CHECK_IN_WINDOW');
      expectErrorBody(tooLate.body, 409, 'CHECK_IN_WINDOW');
    });

    it('gives each answer a distinct position, the one of its ticket in call order', async () => {
      const answers = issued();
      const positions = answers.map((r) => r.body.position as number);
      expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: PLAIN }, (_, i) => i + 1));
      // One slot and one check-in instant: the call order is the order of the numbers.
      expect(answers.map((r) => r.body.position)).toEqual(answers.map((r) => sequenceOf(r.body.number)));

      const queue = await waitingQueue(main.code, main.staff);
      const byPosition = [...answers].sort((a, b) => a.body.position - b.body.position);
      expect(queue.map((x) => [x.id, x.position])).toEqual(byPosition.map((r) => [r.body.id, r.body.position]));
    });

    it('checks in the appointment with an express request and links the request to its ticket', async () => {
      expect(expressAnswer.status).toBe(201);
      expect(expressAnswer.body).toEqual(expect.objectContaining({ number: 'A001', appointmentCode: express.code, express: true, position: 1 }));
      expect(expressAnswer.body.expressRequest).toEqual(expect.objectContaining({ status: 'ACTIVE' }));
      const appointment = await lookUp(express).expect(200);
      expect(appointment.body.ticket).toEqual(expect.objectContaining({ id: expressAnswer.body.id, express: true, expressRequest: expect.objectContaining({ status: 'ACTIVE' }) }));
    });

    it('checks in while the office is DEGRADED, with manual tickets', () => {
      expect(degradedAnswers.map((r) => r.status)).toEqual(degraded.map(() => 201));
      expect(degradedAnswers.map((r) => r.body.manual)).toEqual(degraded.map(() => true));
      expect(degradedAnswers.map((r) => r.body.officeCode)).toEqual(degraded.map(() => degradedOffice));
      expect(degradedAnswers.map((r) => r.body.number).sort()).toEqual(firstNumbers(DEGRADED));
    });

    (onSqlite ? it : it.skip)('on SQLite, decided them in fewer batches than requests, and only the express one went alone', () => {
      const stats = t.app.get(CheckInBatcher).stats;
      // Every request but the malformed code, which is refused before it reaches the batcher.
      const submitted = 75;
      expect(stats.decided - statsBefore.decided).toBe(submitted - 1);
      expect(stats.alone - statsBefore.alone).toBe(1);
      expect(stats.batches - statsBefore.batches).toBeLessThan(submitted / 2);
    });

    it('keeps every check-in across a restart: each appointment CHECKED_IN with the ticket it was answered', async () => {
      const answered = new Map(issued().map((r) => [r.body.appointmentCode as string, r.body]));

      t = await t.restart();

      const views = await Promise.all(plain.map((b) => lookUp(b).expect(200)));
      for (const [i, view] of views.entries()) {
        const ticket = answered.get(plain[i].code)!;
        expect(view.body.status).toBe('CHECKED_IN');
        expect(view.body.ticket).toEqual(expect.objectContaining({ id: ticket.id, number: ticket.number, status: 'WAITING' }));
      }
      const queue = await waitingQueue(main.code, main.staff);
      expect(queue.map((x) => x.number)).toEqual(firstNumbers(PLAIN));
      const expressView = await lookUp(express).expect(200);
      expect(expressView.body).toEqual(expect.objectContaining({ status: 'CHECKED_IN', ticket: expect.objectContaining({ id: expressAnswer.body.id, express: true }) }));
      const degradedViews = await Promise.all(degraded.map((b) => lookUp(b).expect(200)));
      expect(degradedViews.map((v) => [v.body.status, v.body.ticket?.manual])).toEqual(degraded.map(() => ['CHECKED_IN', true]));
    });

    it('after the restart, calls first the ticket whose answer said position 1', async () => {
      const first = issued().find((r) => r.body.position === 1)!;
      await counterAction(t, main.staff, main.code, 1, 'open').expect(200);

      const called = await counterAction(t, main.staff, main.code, 1, 'call-next').expect(200);

      expect(called.body).toEqual(expect.objectContaining({ id: first.body.id, number: 'A001', status: 'CALLED' }));
    });
  });

  describe('a burst into a queue that is already waiting', () => {
    const slot0930 = { date: DAY, start: '09:30', end: '10:00', capacity: 100 };

    it('answers each check-in with its place in call order, counting the tickets already waiting ahead of it and not those behind', async () => {
      const office = await createOffice(t, { counters: 1, slots: [slot0900, slot0930] });
      const staff = await staffOf(t, office.code);
      const [s0900, s0930] = [office.slots.find((s) => s.start === '09:00')!, office.slots.find((s) => s.start === '09:30')!];
      const early = await bookMany(office.code, s0900.id, 12);
      const late = await bookMany(office.code, s0930.id, 3);

      // Already waiting at 08:50, one after the other: two of the later slot, one of the earlier slot
      // (it sorts ahead of them), a walk-in (after every appointment) and a priority check-in (first).
      t.clock.set(shiftIso(NINE_WIB, -10));
      for (const booking of [late[0], late[1], early[0]]) await kioskCheckIn(t, booking).send({}).expect(201);
      await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);
      await t.http.post(`/appointments/${late[2].code}/check-in`).set(bearer(staff)).send({ priority: true }).expect(201);

      // At 09:00 the rest of the earlier slot arrives at once. Each newcomer sorts after the one
      // answered before it (same slot, same moment, a higher number), so each answer stays true.
      t.clock.set(NINE_WIB);
      const burst = early.slice(1);
      const answers = await Promise.all(burst.map((b) => kioskCheckIn(t, b).send({})));

      expect(answers.map((r) => r.status)).toEqual(burst.map(() => 201));
      const queue = await waitingQueue(office.code, staff);
      expect(queue).toHaveLength(5 + burst.length);
      const placeOf = new Map(queue.map((entry) => [entry.id, entry.position]));
      expect(answers.map((r) => r.body.position)).toEqual(answers.map((r) => placeOf.get(r.body.id)));
      // Behind the priority ticket and the earlier slot's first arrival; ahead of the later slot and the walk-in.
      expect(answers.map((r) => r.body.position).sort((a, b) => a - b)).toEqual(Array.from({ length: burst.length }, (_, i) => i + 3));
      expect(queue.slice(-1).map((entry) => entry.number)).toEqual(['W001']);
    });
  });

  (onSqlite ? describe : describe.skip)('places counted by the batch’s own read (SQLite)', () => {
    afterEach(() => jest.restoreAllMocks());

    it('answers a burst with places in today’s queue only, none of them counted one at a time', async () => {
      const yesterday = { date: '2030-03-03', start: '09:00', end: '09:30', capacity: 5 };
      t.clock.set(BEFORE_EVERYTHING); // slots are made before their days
      const office = await createOffice(t, { slots: [yesterday, slot0900] });
      const staff = await staffOf(t, office.code);
      const slotOn = (date: string) => office.slots.find((s) => s.date === date)!;
      const leftWaiting = await bookMany(office.code, slotOn(yesterday.date).id, 2);
      const bookings = await bookMany(office.code, slotOn(DAY).id, 10);
      // Yesterday two people checked in and were never called: their tickets still wait, in yesterday's queue.
      t.clock.set(shiftIso(NINE_WIB, -24 * 60));
      for (const booking of leftWaiting) await kioskCheckIn(t, booking).send({}).expect(201);

      const sql = t.app.get(Sql);
      const all = sql.all.bind(sql);
      let countedAlone = 0;
      jest.spyOn(sql, 'all').mockImplementation((statement, params, manager) => {
        if (statement.includes('"callKey" < t."callKey"')) countedAlone++;
        return all(statement, params, manager);
      });
      t.clock.set(NINE_WIB);
      const answers = await Promise.all(bookings.map((b) => kioskCheckIn(t, b).send({})));

      expect(answers.map((r) => r.status)).toEqual(bookings.map(() => 201));
      expect(countedAlone).toBe(0);
      const queue = await waitingQueue(office.code, staff);
      const placeOf = new Map(queue.map((entry) => [entry.id, entry.position]));
      expect(answers.map((r) => r.body.position)).toEqual(answers.map((r) => placeOf.get(r.body.id)));
      expect(answers.map((r) => r.body.position).sort((a, b) => a - b)).toEqual(Array.from({ length: bookings.length }, (_, i) => i + 1));
    });
  });

  (onSqlite ? describe : describe.skip)('the waiting count of each office-day (SQLite)', () => {
    const countsDiffer = async () => {
      const sql = t.app.get(Sql);
      return sql.all(`
        SELECT q."officeCode", q."serviceDate", q.n AS tickets, coalesce(c.waiting, 0) AS counted
          FROM (SELECT "officeCode", "serviceDate", COUNT(*) AS n FROM tickets WHERE status = 'WAITING' GROUP BY 1, 2) q
          LEFT JOIN waiting_counts c USING ("officeCode", "serviceDate")
         WHERE q.n <> coalesce(c.waiting, 0)
        UNION ALL
        SELECT "officeCode", "serviceDate", 0, waiting FROM waiting_counts c
         WHERE waiting <> 0 AND NOT EXISTS (SELECT 1 FROM tickets w WHERE w.status = 'WAITING' AND w."officeCode" = c."officeCode" AND w."serviceDate" = c."serviceDate")`, []);
    };

    it('follows every ticket into and out of the queue: check-ins, walk-ins, calls, no-shows, completions, across days and a restart', async () => {
      const office = await createOffice(t, { counters: 3, slots: [slot0900] });
      const other = await createOffice(t, { counters: 1, slots: [slot0900] });
      const staff = await staffOf(t, office.code);
      const bookings = await bookMany(office.code, office.slots[0].id, 20);
      const elsewhere = await bookMany(other.code, other.slots[0].id, 5);
      t.clock.set(NINE_WIB);

      await Promise.all([
        ...[...bookings.slice(0, 15), ...elsewhere].map((b) => kioskCheckIn(t, b).send({}).expect(201)),
        ...bookings.slice(15, 18).map((b) => t.http.post(`/appointments/${b.code}/check-in`).set(bearer(staff)).send({ priority: true }).expect(201)),
        ...[1, 2, 3].map(() => t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201)),
      ]);
      expect(await countsDiffer()).toEqual([]);

      for (const n of [1, 2, 3]) await counterAction(t, staff, office.code, n, 'open').expect(200);
      await Promise.all([1, 2, 3].map((n) => counterAction(t, staff, office.code, n, 'call-next').expect(200)));
      await counterAction(t, staff, office.code, 1, 'no-show').expect(200);
      await counterAction(t, staff, office.code, 2, 'start').expect(200);
      await counterAction(t, staff, office.code, 2, 'complete').expect(200);
      await Promise.all([1, 2].map((n) => counterAction(t, staff, office.code, n, 'call-next').expect(200)));
      expect(await countsDiffer()).toEqual([]);

      // The next day's queue is counted on its own; yesterday's leftovers stay where they were.
      t.clock.set(shiftIso(NINE_WIB, 24 * 60));
      await t.http.post(`/offices/${office.code}/walk-ins`).set(bearer(staff)).send({ serviceType: 'NEW', applicant: applicant(++person) }).expect(201);
      await counterAction(t, staff, office.code, 3, 'start').expect(200);
      await counterAction(t, staff, office.code, 3, 'complete').expect(200);
      await counterAction(t, staff, office.code, 3, 'call-next').expect(200);
      expect(await countsDiffer()).toEqual([]);

      t = await t.restart();
      expect(await countsDiffer()).toEqual([]);
      const rows = await t.app.get(Sql).all<{ serviceDate: string; waiting: number }>(`SELECT "serviceDate", waiting FROM waiting_counts WHERE "officeCode" = ? ORDER BY 1`, [office.code]);
      expect(rows.map((r) => [r.serviceDate, Number(r.waiting)])).toEqual([[DAY, 16], ['2030-03-05', 0]]);
    });

    it('is rebuilt from the tickets when its migration runs on a database that already has a queue', async () => {
      t.clock.set(BEFORE_EVERYTHING); // slots are made before their days
      const office = await createOffice(t, { counters: 1, slots: [slot0900] });
      const bookings = await bookMany(office.code, office.slots[0].id, 4);
      t.clock.set(NINE_WIB);
      await Promise.all(bookings.map((b) => kioskCheckIn(t, b).send({}).expect(201)));
      const dataSource = t.app.get(DataSource);

      // Back to before the migration that made the count (and any after it), then forward again.
      const countExists = async () => (await dataSource.query(`SELECT name FROM sqlite_master WHERE name LIKE '%waiting%'`)).length > 0;
      for (let undone = 0; undone < 20 && (await countExists()); undone++) await dataSource.undoLastMigration();
      expect(await countExists()).toBe(false);
      await dataSource.runMigrations();

      expect(await countsDiffer()).toEqual([]);
      const [row] = await dataSource.query(`SELECT waiting FROM waiting_counts WHERE "officeCode" = ?`, [office.code]);
      expect(row.waiting).toBe(4);
    });
  });

  (onSqlite ? describe : describe.skip)('when a batch cannot be committed as a whole (SQLite)', () => {
    afterEach(() => jest.restoreAllMocks());

    it.each([
      ['the appointments UPDATE fails', ['UPDATE appointments', 'json_each'], 'error' as const],
      ['the tickets INSERT fails after the day’s numbers were taken', ['INSERT INTO tickets'], 'error' as const],
      ['the tickets INSERT writes another number of rows than decided', ['INSERT INTO tickets'], 'count' as const],
    ])('%s: every check-in is still answered, one at a time, with numbers from A001 and no gap', async (_, parts, how) => {
      t.clock.set(BEFORE_EVERYTHING); // slots are made before their days
      const office = await createOffice(t, { slots: [slot0900] });
      const bookings = await bookMany(office.code, office.slots[0].id, 20);
      t.clock.set(NINE_WIB);
      const batcher = t.app.get(CheckInBatcher);
      const aloneBefore = batcher.stats.alone;
      const failed = failNextBatchScript(t, parts, how);

      const answers = await Promise.all(bookings.map((b) => kioskCheckIn(t, b).send({})));

      expect(failed()).toBe(true);
      expect(batcher.stats.alone).toBeGreaterThan(aloneBefore);
      expect(answers.map((r) => r.status)).toEqual(bookings.map(() => 201));
      expect(answers.map((r) => r.body.number).sort()).toEqual(firstNumbers(20));
      expect(answers.map((r) => r.body.appointmentCode).sort()).toEqual(bookings.map((b) => b.code).sort());
      const views = await Promise.all(bookings.map((b) => lookUp(b).expect(200)));
      expect(views.map((v) => v.body.status)).toEqual(bookings.map(() => 'CHECKED_IN'));
    });
  });
});
