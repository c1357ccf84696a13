import { DataSource } from 'typeorm';
import { CommittedReads } from '../src/database/committed-reads';
import { Sql } from '../src/database/sql';
import { ExpressReleaseService } from '../src/service-modes/express-release.service';
import { ServiceModesService } from '../src/service-modes/service-modes.service';
import { expectErrorBody } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

describe('foundation: GET /health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('answers 200 {status: "ok"} while the database answers, without a token', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
  });

  it('answers 503 within seconds when a read never returns (a database that stopped answering), and 200 again after', async () => {
    const modes = t.app.get(ServiceModesService);
    const stuck = jest.spyOn(modes, 'globalMode').mockReturnValue(new Promise(() => undefined));
    try {
      const started = Date.now();
      const res = await t.http.get('/health');
      expect(res.status).toBe(503);
      expectErrorBody(res.body, 503, 'SERVICE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      stuck.mockRestore();
    }
    await t.http.get('/health').expect(200);
  });

  it('answers 503 in the error shape once the database is unreachable', async () => {
    // The releaser's timer is stopped and the app's prepared statements are released first, as at
    // shutdown: SQLite will not close under a statement, and the releaser prepares them as it runs.
    await t.app.get(ExpressReleaseService).beforeApplicationShutdown();
    await t.app.get(Sql).beforeApplicationShutdown();
    await t.app.get(CommittedReads).beforeApplicationShutdown();
    await t.app.get(DataSource).destroy();
    const res = await t.http.get('/health');
    expect(res.status).toBe(503);
    expectErrorBody(res.body, 503, 'SERVICE_UNAVAILABLE');
    expect(res.text).not.toMatch(/SQLITE|QueryFailedError|stack|node_modules/i);
    // Other endpoints fail as 500 INTERNAL, without internals.
    const offices = await t.http.get('/offices');
    expect(offices.status).toBe(500);
    expectErrorBody(offices.body, 500, 'INTERNAL');
    expect(offices.text).not.toMatch(/SQLITE|QueryFailedError|node_modules|DataSource|Connection/i);
  });
});
