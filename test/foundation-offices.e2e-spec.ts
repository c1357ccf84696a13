import { applicant, bearer, createOffice, detailFields, expectErrorBody, futureDate } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

type SlotBody = { date: string; start: string; end: string; capacity: number };

describe('foundation: offices, counters and slots', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  const office = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: `Kantor Imigrasi ${code}`, timeZone: 'Asia/Jakarta', dailyExpressQuota: 5, ...extra });
  const postOffice = (body: Record<string, unknown>) => t.http.post('/offices').set(admin).send(body);
  const postSlots = (code: string, body: SlotBody | { slots: SlotBody[] } | Record<string, unknown>) => t.http.post(`/offices/${code}/slots`).set(admin).send(body);
  const slotsOn = (code: string, date: string) => t.http.get(`/offices/${code}/slots`).query({ date });

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(await t.adminToken());
  });
  afterAll(() => t.destroy());

  describe('POST /offices', () => {
    it('creates an office in each Indonesian time zone and lists it publicly', async () => {
      for (const [code, timeZone] of [
        ['JKT-SEL', 'Asia/Jakarta'],
        ['DPS', 'Asia/Makassar'],
        ['DJJ', 'Asia/Jayapura'],
      ]) {
        const res = await postOffice(office(code, { timeZone, dailyExpressQuota: 0 }));
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ code, name: `Kantor Imigrasi ${code}`, timeZone, dailyExpressQuota: 0 });
      }
      const list = await t.http.get('/offices');
      expect(list.status).toBe(200);
      expect(list.body).toEqual(
        expect.arrayContaining([
          { code: 'DJJ', name: 'Kantor Imigrasi DJJ', timeZone: 'Asia/Jayapura', dailyExpressQuota: 0 },
          { code: 'DPS', name: 'Kantor Imigrasi DPS', timeZone: 'Asia/Makassar', dailyExpressQuota: 0 },
          { code: 'JKT-SEL', name: 'Kantor Imigrasi JKT-SEL', timeZone: 'Asia/Jakarta', dailyExpressQuota: 0 },
        ]),
      );
    });

    it('keeps a time zone as the time-zone database spells it, however it was typed', async () => {
      const res = await postOffice(office('TZ-CASE', { timeZone: 'asia/jayapura' }));
      expect([res.status, res.body.timeZone]).toEqual([201, 'Asia/Jayapura']);
      expect((await t.http.get('/offices/TZ-CASE').expect(200)).body.timeZone).toBe('Asia/Jayapura');
    });

    it('refuses a second office with the same code with 409 OFFICE_EXISTS and keeps the first', async () => {
      expect((await postOffice(office('DUP-1'))).status).toBe(201);
      const res = await postOffice(office('DUP-1', { name: 'Another name', timeZone: 'Asia/Jayapura' }));
      expect(res.status).toBe(409);
      expectErrorBody(res.body, 409, 'OFFICE_EXISTS');
      const list = await t.http.get('/offices');
      expect(list.body.filter((o: { code: string }) => o.code === 'DUP-1')).toEqual([office('DUP-1')]);
    });

    it.each([
      ['a lower-case code', { code: 'jkt' }, 'code'],
      ['a one-character code', { code: 'J' }, 'code'],
      ['a code with a space', { code: 'JKT SEL' }, 'code'],
      ['a code of 21 characters', { code: 'A'.repeat(21) }, 'code'],
      ['an invented zone', { timeZone: 'Asia/Atlantis' }, 'timeZone'],
      ['a zone abbreviation', { timeZone: 'WIB' }, 'timeZone'],
      ['a UTC offset instead of a zone', { timeZone: '+07:00' }, 'timeZone'],
      ['a negative quota', { dailyExpressQuota: -1 }, 'dailyExpressQuota'],
      ['a fractional quota', { dailyExpressQuota: 1.5 }, 'dailyExpressQuota'],
      ['a quota sent as text', { dailyExpressQuota: '5' }, 'dailyExpressQuota'],
      ['a missing name', { name: undefined }, 'name'],
      ['an unknown field', { region: 'Jawa' }, 'region'],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_, override, field) => {
      const body = office('VALID-CODE', override);
      const res = await postOffice(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain(field);
      for (const detail of res.body.details) expect(detail.problems.length).toBeGreaterThan(0);
      const list = await t.http.get('/offices');
      expect(list.body.map((o: { code: string }) => o.code)).not.toContain(body.code);
    });

    it('GET /offices/{code} answers an unknown office with 404 OFFICE_NOT_FOUND', async () => {
      const res = await t.http.get('/offices/NOWHERE');
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'OFFICE_NOT_FOUND');
    });
  });

  describe('POST /offices/{code}/counters', () => {
    it('creates counters, refuses a duplicate number with 409, and lists them', async () => {
      const { code } = await createOffice(t, { code: 'CNT' });
      const first = await t.http.post(`/offices/${code}/counters`).set(admin).send({ number: 1 });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ number: 1, status: 'CLOSED', currentTicket: null });
      expect((await t.http.post(`/offices/${code}/counters`).set(admin).send({ number: 2 })).status).toBe(201);
      const dup = await t.http.post(`/offices/${code}/counters`).set(admin).send({ number: 1 });
      expect(dup.status).toBe(409);
      expectErrorBody(dup.body, 409, 'COUNTER_EXISTS');
      const list = await t.http.get(`/offices/${code}/counters`).set(admin);
      expect(list.status).toBe(200);
      expect(list.body.map((c: { number: number }) => c.number)).toEqual([1, 2]);
    });

    it('lets the same counter number exist in two offices', async () => {
      const { code } = await createOffice(t, { code: 'CNT-2' });
      expect((await t.http.post(`/offices/${code}/counters`).set(admin).send({ number: 1 })).status).toBe(201);
    });

    it.each([[0], [-1], [1.5], ['1']])('refuses counter number %p with 400', async (number) => {
      const res = await t.http.post('/offices/CNT/counters').set(admin).send({ number });
      expect(res.status).toBe(400);
      expect(detailFields(res.body)).toContain('number');
    });

    it('refuses a counter for an unknown office with 404 OFFICE_NOT_FOUND', async () => {
      const res = await t.http.post('/offices/NOWHERE/counters').set(admin).send({ number: 1 });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    });
  });

  describe('slots', () => {
    const day = '2030-03-04';

    beforeAll(async () => {
      await createOffice(t, { code: 'SLOTS' });
      await createOffice(t, { code: 'SLOTS-WIT', timeZone: 'Asia/Jayapura' });
    });

    it('creates one slot from a single body and answers with a list', async () => {
      const res = await postSlots('SLOTS', { date: day, start: '08:00', end: '08:30', capacity: 4 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual([expect.objectContaining({ id: expect.any(Number), date: day, start: '08:00', end: '08:30', capacity: 4, booked: 0, available: 4 })]);
    });

    it("refuses a slot on a day that is over in the office's own time zone, and stores none of the request", async () => {
      t.clock.set('2031-06-01T16:30:00.000Z'); // 23:30 on 1 June in Jakarta, 01:30 on 2 June in Jayapura
      try {
        const late = { date: '2031-06-01', start: '08:00', end: '08:30', capacity: 1 };
        expect((await postSlots('SLOTS', late)).status).toBe(201);
        const refused = await postSlots('SLOTS-WIT', { slots: [{ ...late, date: '2031-06-02' }, late] });
        expectErrorBody(refused.body, 400, 'VALIDATION_FAILED');
        expect(detailFields(refused.body)).toEqual(['slots.1.date']);
        expect((await t.http.get('/offices/SLOTS-WIT/slots').query({ date: '2031-06-02' }).expect(200)).body).toEqual([]);
      } finally {
        t.clock.useRealTime();
      }
    });

    it('creates many slots in one request, adjacent ones included', async () => {
      const res = await postSlots('SLOTS', {
        slots: [
          { date: day, start: '09:00', end: '09:30', capacity: 2 },
          { date: day, start: '08:30', end: '09:00', capacity: 3 },
          { date: '2030-03-05', start: '08:00', end: '08:30', capacity: 1 },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toHaveLength(3);
      expect(res.body.map((s: SlotBody) => `${s.date} ${s.start}-${s.end}/${s.capacity}`).sort()).toEqual([
        '2030-03-04 08:30-09:00/3',
        '2030-03-04 09:00-09:30/2',
        '2030-03-05 08:00-08:30/1',
      ]);
    });

    it('lists a day ordered by start, whatever the creation order', async () => {
      const res = await slotsOn('SLOTS', day);
      expect(res.status).toBe(200);
      expect(res.body.map((s: SlotBody) => s.start)).toEqual(['08:00', '08:30', '09:00']);
      for (const slot of res.body) {
        expect(slot).toEqual(expect.objectContaining({ id: expect.any(Number), date: day, start: expect.any(String), end: expect.any(String), capacity: expect.any(Number), booked: 0 }));
        expect(slot.available).toBe(slot.capacity);
      }
      const other = await slotsOn('SLOTS', '2030-03-05');
      expect(other.body.map((s: SlotBody) => s.start)).toEqual(['08:00']);
    });

    it('stores local times and their UTC instants in the office zone', async () => {
      const res = await postSlots('SLOTS-WIT', { date: day, start: '08:00', end: '08:30', capacity: 1 });
      expect(res.status).toBe(201);
      // Jayapura is UTC+9: 08:00 local is 23:00 UTC the day before.
      expect(res.body[0]).toMatchObject({ start: '08:00', startsAt: '2030-03-03T23:00:00.000Z', endsAt: '2030-03-03T23:30:00.000Z' });
    });

    it('shows available = capacity - booked once seats are taken', async () => {
      const date = futureDate(3);
      const [slot] = (await postSlots('SLOTS', { date, start: '10:00', end: '10:30', capacity: 3 })).body;
      const booking = await t.http.post('/appointments').send({ officeCode: 'SLOTS', slotId: slot.id, serviceType: 'NEW', applicant: applicant(7) });
      expect(booking.status).toBe(201);
      const res = await slotsOn('SLOTS', date);
      expect(res.body).toEqual([expect.objectContaining({ id: slot.id, capacity: 3, booked: 1, available: 2 })]);
    });

    it.each([
      ['an overlap with an existing slot', [{ date: day, start: '08:15', end: '08:45', capacity: 1 }]],
      ['an identical slot', [{ date: day, start: '08:00', end: '08:30', capacity: 1 }]],
      ['a slot containing an existing one', [{ date: day, start: '07:00', end: '12:00', capacity: 1 }]],
      [
        'an overlap inside one batch',
        [
          { date: '2030-03-06', start: '08:00', end: '09:00', capacity: 1 },
          { date: '2030-03-06', start: '10:00', end: '11:00', capacity: 1 },
          { date: '2030-03-06', start: '08:59', end: '09:30', capacity: 1 },
        ],
      ],
    ])('refuses %s with 409 SLOT_OVERLAP and stores none of the request', async (_, slots) => {
      const before = await slotsOn('SLOTS', slots[0].date);
      const res = await postSlots('SLOTS', { slots });
      expect(res.status).toBe(409);
      expectErrorBody(res.body, 409, 'SLOT_OVERLAP');
      const after = await slotsOn('SLOTS', slots[0].date);
      expect(after.body).toEqual(before.body);
    });

    it('lets another office use the same times', async () => {
      const res = await postSlots('SLOTS-WIT', { date: '2030-03-05', start: '08:00', end: '08:30', capacity: 1 });
      expect(res.status).toBe(201);
    });

    it.each([
      ['a one-digit hour', { start: '8:00' }, 'start'],
      ['hour 24', { end: '24:00' }, 'end'],
      ['minute 60', { start: '08:60' }, 'start'],
      ['seconds', { start: '08:00:00' }, 'start'],
      ['an impossible date', { date: '2030-02-30' }, 'date'],
      ['a date in another format', { date: '04/03/2030' }, 'date'],
      ['capacity 0', { capacity: 0 }, 'capacity'],
      ['a fractional capacity', { capacity: 2.5 }, 'capacity'],
      ['a missing capacity', { capacity: undefined }, 'capacity'],
      ['an unknown field', { room: 'B' }, 'room'],
    ])('refuses a single slot with %s with 400 naming the field', async (_, override, field) => {
      const res = await postSlots('SLOTS', { date: '2030-04-01', start: '08:00', end: '08:30', capacity: 1, ...override });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain(field);
      expect((await slotsOn('SLOTS', '2030-04-01')).body).toEqual([]);
    });

    it.each([
      ['ends when it starts', '08:00', '08:00'],
      ['ends before it starts', '09:00', '08:30'],
    ])('refuses a slot that %s with 400', async (_, start, end) => {
      const res = await postSlots('SLOTS', { date: '2030-04-01', start, end, capacity: 1 });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain('end');
    });

    it('names the bad item of a batch, and stores none of the batch', async () => {
      const res = await postSlots('SLOTS', {
        slots: [
          { date: '2030-04-02', start: '08:00', end: '08:30', capacity: 1 },
          { date: '2030-04-02', start: '08:30', end: '09:00', capacity: 0 },
        ],
      });
      expect(res.status).toBe(400);
      expect(detailFields(res.body)).toContain('slots.1.capacity');
      const reversed = await postSlots('SLOTS', {
        slots: [
          { date: '2030-04-02', start: '08:00', end: '08:30', capacity: 1 },
          { date: '2030-04-02', start: '09:30', end: '09:00', capacity: 1 },
        ],
      });
      expect(reversed.status).toBe(400);
      expect(detailFields(reversed.body)).toContain('slots.1.end');
      expect((await slotsOn('SLOTS', '2030-04-02')).body).toEqual([]);
    });

    it.each([
      ['an empty list', { slots: [] }],
      ['a list mixed with a single slot', { slots: [{ date: '2030-04-03', start: '08:00', end: '08:30', capacity: 1 }], date: '2030-04-03' }],
      ['no slot at all', {}],
      ['a list that is not a list', { slots: 'many' }],
      ['a null list', { slots: null }],
      ['a list of non-objects', { slots: [1] }],
      ['a list item with an unknown field', { slots: [{ date: '2030-04-03', start: '08:00', end: '08:30', capacity: 1, room: 'B' }] }],
    ])('refuses %s with 400', async (_, body) => {
      const res = await postSlots('SLOTS', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await slotsOn('SLOTS', '2030-04-03')).body).toEqual([]);
    });

    it('answers slots of an unknown office with 404 OFFICE_NOT_FOUND', async () => {
      const read = await slotsOn('NOWHERE', day);
      expect(read.status).toBe(404);
      expectErrorBody(read.body, 404, 'OFFICE_NOT_FOUND');
      const write = await postSlots('NOWHERE', { date: day, start: '08:00', end: '08:30', capacity: 1 });
      expect(write.status).toBe(404);
      expect(write.body.code).toBe('OFFICE_NOT_FOUND');
    });

    it.each(['2030-02-30', 'tomorrow', '2030-3-4'])('refuses ?date=%s with 400', async (date) => {
      const res = await slotsOn('SLOTS', date);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
      expect(detailFields(res.body)).toContain('date');
    });

    it('gives an empty list for a day without slots', async () => {
      const res = await slotsOn('SLOTS', '2031-01-01');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });
  });
});
