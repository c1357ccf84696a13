import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppConfig, loadConfig } from '../../config/configuration';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { createFastifyAdapter } from '../../src/fastify-adapter';
import { TestClock } from './test-clock';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface TestDatabase {
  config: AppConfig['database'];
  /** A temp folder of this database's own, for DATA_DIR. */
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database for one spec file: a temp SQLite file, or with DB_TYPE=postgres a fresh
 * PostgreSQL database on TEST_DATABASE_URL's server. Refuses anything that is not clearly a test database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if ((process.env.DB_TYPE ?? 'sqlite') === 'postgres') {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) throw new Error('DB_TYPE=postgres tests need TEST_DATABASE_URL (a server where throw-away databases may be created)');
    const name = `pq_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'passport-queue-test-'));
    return {
      config: { type: 'postgres', path: '', url: url.toString(), logging: false, sqliteCacheMb: 64, sqliteWalCheckpointPages: 10_000 },
      dataDir,
      drop: async () => {
        rmSync(dataDir, { recursive: true, force: true });
        const client = new Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const folder = mkdtempSync(join(tmpdir(), 'passport-queue-test-'));
  const path = join(folder, 'test.sqlite');
  if (!resolve(path).startsWith(resolve(tmpdir()))) throw new Error(`Refusing to test against ${path}: not a temp file`);
  return { config: { type: 'sqlite', path, logging: false, sqliteCacheMb: 64, sqliteWalCheckpointPages: 10_000 }, dataDir: folder, drop: async () => rmSync(folder, { recursive: true, force: true }) };
}

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  http: TestAgent;
  clock: TestClock;
  config: AppConfig;
  /** Closes the app (the database stays). */
  close(): Promise<void>;
  /** Closes and starts a new app on the same database: what a process restart does. */
  restart(): Promise<TestApp>;
  /** Closes the app and drops its database. */
  destroy(): Promise<void>;
  /** A Bearer token for the bootstrap admin. */
  adminToken(): Promise<string>;
}

export interface TestAppOptions {
  database?: TestDatabase;
  env?: Record<string, string>;
  clock?: TestClock;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    // Specs log in and miss look-ups far more than a person would; the throttling spec lowers these.
    LOGIN_RATE_LIMIT: '100000',
    LOOKUP_FAILURE_LIMIT: '100000',
    LOG_REQUESTS: 'false',
    // Tests move the clock across days; they close days when they mean to (test/queue-day-close).
    DAY_CLOSE_INTERVAL_MS: '0',
    ...options.env,
  });
  config.database = database.config;
  // Generated secrets and demo credentials beside the test database, never in the developer's ./data.
  config.dataDir = database.dataDir;
  const clock = options.clock ?? new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), { logger: process.env.TEST_LOGS ? undefined : false });
  await configureApp(app);
  // Listen on a real loopback port: every request is real HTTP, and concurrent requests are really concurrent.
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  let token: string | undefined;
  const testApp: TestApp = {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    http: request(url.replace('[::1]', '127.0.0.1')),
    clock,
    config,
    close: () => app.close(),
    restart: async () => {
      await app.close();
      return createTestApp({ ...options, database, clock });
    },
    destroy: async () => {
      await app.close();
      await database.drop();
    },
    adminToken: async () => {
      if (!token) {
        const res = await testApp.http.post('/auth/login').send(ADMIN).expect(200);
        token = res.body.accessToken as string;
      }
      return token;
    },
  };
  return testApp;
}
