import { switchMode } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

/** Operability: GET /health says whether the database answers and which global mode is in force. */
describe('deployment: GET /health reports the database and the global mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  async function health() {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database).toEqual({ status: 'up' });
    return res.body.info.serviceMode as { status: string; mode: string; expressPolicy: string; bookingPolicy: string };
  }

  it('starts NORMAL, follows PUT /service-modes/global at once, and keeps the mode over a restart', async () => {
    expect(await health()).toEqual({ status: 'up', mode: 'NORMAL', expressPolicy: 'REJECT', bookingPolicy: 'OPEN' });

    const admin = await t.adminToken();
    await switchMode(t, admin, 'global', { mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED' }).expect(200);
    // DEGRADED is a designed way of working, not an outage: still 200.
    expect(await health()).toEqual({ status: 'up', mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED' });

    t = await t.restart();
    expect(await health()).toEqual({ status: 'up', mode: 'DEGRADED', expressPolicy: 'DEFER', bookingPolicy: 'CLOSED' });

    await switchMode(t, await t.adminToken(), 'global', { mode: 'NORMAL', reason: 'Pusat Data Nasional is back' }).expect(200);
    expect(await health()).toEqual({ status: 'up', mode: 'NORMAL', expressPolicy: 'REJECT', bookingPolicy: 'OPEN' });
  });

  it('reports the global mode, not an office override', async () => {
    const admin = await t.adminToken();
    await t.http.post('/offices').set('Authorization', `Bearer ${admin}`).send({ code: 'HLTH', name: 'Kantor Health', timeZone: 'Asia/Jakarta', dailyExpressQuota: 1 }).expect(201);
    await switchMode(t, admin, 'HLTH', { mode: 'DEGRADED' }).expect(200);
    expect((await health()).mode).toBe('NORMAL');
  });
});
