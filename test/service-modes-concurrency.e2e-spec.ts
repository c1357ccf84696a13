import type { Response } from 'supertest';
import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { applicant, bearer, createOffice, eventually, futureDate, switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

/** A clock that moves one millisecond on every reading, so every write gets its own instant. */
class TickingClock extends TestClock {
  private at = Date.now();

  override now(): Date {
    this.at += 1;
    return new Date(this.at);
  }
}

type ExpressRow = { appointmentCode: string; status: string; requestedAt: string; releasedAt: string | null; position?: number };

const day = futureDate(1);
const slots = ['09:00', '10:00', '11:00', '12:00'].map((start) => ({ date: day, start, end: `${String(Number(start.slice(0, 2)) + 1).padStart(2, '0')}:00`, capacity: 40 }));

async function expressOf(t: TestApp, officeCode: string, status: string): Promise<ExpressRow[]> {
  return (await t.http.get(`/express-requests?officeCode=${officeCode}&status=${status}`).set(bearer(await t.adminToken())).expect(200)).body;
}

function bookExpress(t: TestApp, officeCode: string, slotIds: number[], n: number) {
  return t.http.post('/appointments').send({ officeCode, slotId: slotIds[n % slotIds.length], serviceType: 'NEW', express: true, applicant: applicant(n) });
}

/** Books `count` express appointments at once; all must be accepted (201 or 202). */
async function bookMany(t: TestApp, officeCode: string, slotIds: number[], first: number, count: number): Promise<Response[]> {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => bookExpress(t, officeCode, slotIds, first + i).then((r) => r)));
  expect(responses.map((r) => r.status).filter((s) => s !== 201 && s !== 202)).toEqual([]);
  return responses;
}

/** In requestedAt order, the sizes of the runs of equal releasedAt: one run per release batch. */
function batchSizes(rows: ExpressRow[]): number[] {
  const sizes: number[] = [];
  let last: string | null = null;
  for (const row of rows) {
    if (row.releasedAt !== last) sizes.push(0);
    sizes[sizes.length - 1] += 1;
    last = row.releasedAt;
  }
  return sizes;
}

/**
 * Every request released once, in batches of `batch` consecutive requests (oldest first). With
 * `oneReleaser`, batches also ran one after the other, so release instants follow the request order.
 * Parallel releasers on PostgreSQL each take the oldest requests not locked by another, so their
 * batches are still consecutive runs, but may commit in either order.
 */
function expectReleasedInOrder(rows: ExpressRow[], count: number, batch: number, oneReleaser: boolean) {
  expect(rows).toHaveLength(count);
  const requested = rows.map((r) => r.requestedAt);
  expect(new Set(requested).size).toBe(count);
  expect([...requested].sort()).toEqual(requested);
  const released = rows.map((r) => r.releasedAt);
  expect(released.every((at) => typeof at === 'string')).toBe(true);
  const expectedSizes = [...Array(Math.floor(count / batch)).fill(batch), ...(count % batch ? [count % batch] : [])];
  if (oneReleaser) {
    expect([...released].sort()).toEqual(released);
    expect(batchSizes(rows)).toEqual(expectedSizes);
  } else {
    // Each release instant is one batch: one consecutive run of requests.
    expect(batchSizes(rows)).toHaveLength(new Set(released).size);
    expect(batchSizes(rows).every((size) => size <= batch)).toBe(true);
  }
}

describe('service modes under concurrency', () => {
  describe('a switch to DEGRADED while express bookings are in flight', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.destroy());

    it.each([
      ['before the bookings', 0, 1000],
      ['among the first bookings', 10, 2000],
      ['half-way through the bookings', 50, 3000],
      ['near the end of the bookings', 90, 4000],
    ])('switch sent %s: no express request stays ACTIVE and every accepted booking is stored', async (_, sentAfter, firstNik) => {
      const office = await createOffice(t, { code: `RACE-${sentAfter}`, slots, dailyExpressQuota: 1000 });
      const slotIds = office.slots.map((s) => s.id);
      const admin = await t.adminToken();
      // All 101 requests are sent without waiting for any answer; the switch goes out after `sentAfter` bookings.
      let switched: Promise<Response> | undefined;
      const inFlight: Array<Promise<Response>> = [];
      for (let i = 0; i < 100; i++) {
        if (i === sentAfter) switched = switchMode(t, admin, office.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).then((r) => r);
        inFlight.push(bookExpress(t, office.code, slotIds, firstNik + i).then((r) => r));
      }
      const responses = await Promise.all(inFlight);
      expect((await switched!).status).toBe(200);

      expect(responses.map((r) => r.status).filter((s) => s !== 201 && s !== 202)).toEqual([]);
      for (const r of responses) expect(r.body.express.status).toBe(r.status === 201 ? 'ACTIVE' : 'DEFERRED');

      expect(await expressOf(t, office.code, 'ACTIVE')).toEqual([]);
      const deferred = await expressOf(t, office.code, 'DEFERRED');
      expect(deferred.map((r) => r.appointmentCode).sort()).toEqual(responses.map((r) => r.body.code).sort());
      expect(deferred.map((r) => r.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      // Release order is request order, whether a request was deferred by the switch or on arrival.
      const requested = deferred.map((r) => r.requestedAt);
      expect([...requested].sort()).toEqual(requested);

      const seats = (await t.http.get(`/offices/${office.code}/slots?date=${day}`).expect(200)).body.reduce((sum: number, s: { booked: number }) => sum + s.booked, 0);
      expect(seats).toBe(100);
      for (const r of responses) {
        const stored = await t.http.get(`/appointments/${r.body.code}`).set('X-Applicant-NIK', applicant(firstNik + responses.indexOf(r)).nik).expect(200);
        expect(stored.body.express.status).toBe('DEFERRED');
      }
    });
  });

  describe('a switch to DEGRADED while the releaser runs', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ clock: new TickingClock() });
    });
    afterAll(() => t.destroy());

    // The office has ACTIVE requests and nothing DEFERRED when the releaser starts: a release run
    // that read the modes before the switch committed must not release what the switch deferred.
    it('never releases what the switch has just deferred', async () => {
      const office = await createOffice(t, { code: 'REL-RACE', slots, dailyExpressQuota: 1000 });
      const responses = await bookMany(t, office.code, office.slots.map((s) => s.id), 7000, 20);
      expect(responses.every((r) => r.status === 201)).toBe(true);
      const admin = await t.adminToken();
      const releaser = t.app.get(ExpressReleaseService);
      for (let round = 0; round < 25; round++) {
        // Release runs go round and round for as long as the switch is in flight.
        let switching = true;
        const releaseUntilSwitched = async () => {
          while (switching) await releaser.releaseBatch();
        };
        const runs = Array.from({ length: 4 }, releaseUntilSwitched);
        await switchMode(t, admin, office.code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
        switching = false;
        await Promise.all(runs);
        await releaser.idle();
        expect(await expressOf(t, office.code, 'ACTIVE')).toEqual([]);
        expect(await expressOf(t, office.code, 'DEFERRED')).toHaveLength(20);

        await switchMode(t, admin, office.code, { mode: 'NORMAL' }).expect(200);
        await releaser.idle();
        await eventually(async () => (await expressOf(t, office.code, 'DEFERRED')).length === 0);
      }
    });
  });

  describe('releasing a backlog larger than a batch', () => {
    const BATCH = 10;
    const BACKLOG = 55;
    let t: TestApp;
    const clock = new TickingClock();

    beforeAll(async () => {
      t = await createTestApp({ clock, env: { EXPRESS_RELEASE_BATCH_SIZE: String(BATCH), EXPRESS_RELEASE_INTERVAL_MS: '200' } });
    });
    afterAll(() => t.destroy());

    async function officeWithBacklog(code: string, firstNik: number) {
      const office = await createOffice(t, { code, slots, dailyExpressQuota: 1000 });
      await switchMode(t, await t.adminToken(), code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
      const responses = await bookMany(t, code, office.slots.map((s) => s.id), firstNik, BACKLOG);
      expect(responses.every((r) => r.status === 202)).toBe(true);
      expect(await expressOf(t, code, 'DEFERRED')).toHaveLength(BACKLOG);
      return office;
    }

    it('releases every request exactly once, oldest first, in batches, with many releases running at once', async () => {
      const { code } = await officeWithBacklog('REL-MANY', 4000);
      const releaser = t.app.get(ExpressReleaseService);
      const switched = switchMode(t, await t.adminToken(), code, { mode: 'NORMAL' }).then((r) => r);
      const runs = await Promise.all([releaser.releaseAll(), releaser.releaseAll(), releaser.releaseAll(), releaser.releaseAll(), releaser.releaseAll()]);
      expect((await switched).status).toBe(200);
      await releaser.idle();
      await eventually(async () => (await expressOf(t, code, 'DEFERRED')).length === 0);
      // Five parallel runs plus the switch's own run together changed no more than the backlog.
      expect(runs.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(BACKLOG);
      // On SQLite every batch is its own serialised write, so even parallel runs release strictly in order.
      expectReleasedInOrder(await expressOf(t, code, 'ACTIVE'), BACKLOG, BATCH, (process.env.DB_TYPE ?? 'sqlite') === 'sqlite');
    });

    it('finishes the release after a restart half-way', async () => {
      const { code } = await officeWithBacklog('REL-RESTART', 5000);
      // The process "dies" after its first batch committed: later batches of this instance fail.
      const releaser = t.app.get(ExpressReleaseService);
      const realBatch = releaser.releaseBatch.bind(releaser);
      let releasedBeforeCrash = 0;
      jest.spyOn(releaser, 'releaseBatch').mockImplementation(async () => {
        if (releasedBeforeCrash > 0) throw new Error('process died half-way');
        const changed = await realBatch();
        releasedBeforeCrash += changed;
        return changed;
      });
      await switchMode(t, await t.adminToken(), code, { mode: 'NORMAL' }).expect(200);
      await releaser.idle();
      expect(releasedBeforeCrash).toBe(BATCH);
      expect(await expressOf(t, code, 'DEFERRED')).toHaveLength(BACKLOG - BATCH);

      // A new process on the same database picks up where the old one stopped, with no new switch.
      t = await t.restart();
      await eventually(async () => (await expressOf(t, code, 'DEFERRED')).length === 0);
      expectReleasedInOrder(await expressOf(t, code, 'ACTIVE'), BACKLOG, BATCH, true);
    });

    it('a switch back to DEGRADED during a release leaves nothing ACTIVE and keeps the order', async () => {
      const { code } = await officeWithBacklog('REL-FLAP', 6000);
      const admin = await t.adminToken();
      const releaser = t.app.get(ExpressReleaseService);
      for (let round = 0; round < 8; round++) {
        await switchMode(t, admin, code, { mode: 'NORMAL' }).expect(200);
        // The release is running (or done); the outage comes back at once.
        await switchMode(t, admin, code, { mode: 'DEGRADED', expressPolicy: 'DEFER' }).expect(200);
        await releaser.idle();
        await new Promise((r) => setTimeout(r, 20));
        await releaser.idle();
        expect(await expressOf(t, code, 'ACTIVE')).toEqual([]);
        const deferred = await expressOf(t, code, 'DEFERRED');
        expect(deferred.map((r) => r.position)).toEqual(Array.from({ length: BACKLOG }, (_, i) => i + 1));
        const requested = deferred.map((r) => r.requestedAt);
        expect([...requested].sort()).toEqual(requested);
      }
    });
  });
});
