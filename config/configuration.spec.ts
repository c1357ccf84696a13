import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from './configuration';

const SECRET = 'a-jwt-secret-that-is-long-enough-1234';

/** loadConfig must throw ConfigValidationError whose one-line message names the variable. */
function failure(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig({ JWT_SECRET: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'passport-queue-config-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('has the documented defaults', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config.port).toBe(3000);
    expect(config.production).toBe(false);
    expect(config.database.type).toBe('sqlite');
    expect(config.database.path).toBe(join('data', 'passport-queue.sqlite'));
    expect(config.database.url).toBeUndefined();
    expect(config.database.sqliteCacheMb).toBe(64);
    expect(config.database.sqliteWalCheckpointPages).toBe(10_000);
    expect(config.auth.adminUsername).toBe('admin');
    expect(config.auth.adminPassword).toBeUndefined();
    expect(config.auth.jwtSecret).toBe(SECRET);
    expect(config.auth.jwtSecretSource).toBe('environment');
    expect(config.seedDemo).toBe(false);
    expect(config.bodyLimitBytes).toBe(100 * 1024);
  });

  it('reads the documented variables', () => {
    const config = loadConfig({
      PORT: '8080',
      DB_TYPE: 'postgres',
      DATABASE_URL: 'postgres://queue:pw@db:5432/queue',
      JWT_SECRET: SECRET,
      ADMIN_USERNAME: 'root.admin',
      ADMIN_PASSWORD: 'a-long-admin-password',
      SEED_DEMO: 'true',
      NODE_ENV: 'production',
      SQLITE_CACHE_MB: '256',
      SQLITE_WAL_CHECKPOINT_PAGES: '2000',
    });
    expect(config).toMatchObject({
      port: 8080,
      production: true,
      database: { type: 'postgres', url: 'postgres://queue:pw@db:5432/queue', sqliteCacheMb: 256, sqliteWalCheckpointPages: 2000 },
      auth: { adminUsername: 'root.admin', adminPassword: 'a-long-admin-password' },
      seedDemo: true,
    });
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['DB_TYPE', { DB_TYPE: 'mysql' }],
    ['DATABASE_URL', { DB_TYPE: 'postgres' }],
    ['DATABASE_URL', { DB_TYPE: 'postgres', DATABASE_URL: 'mysql://db/queue' }],
    ['JWT_SECRET', { JWT_SECRET: 'short' }],
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: 'short-pw' }],
    ['ADMIN_USERNAME', { ADMIN_USERNAME: 'a b' }],
    ['SEED_DEMO', { SEED_DEMO: 'maybe' }],
    ['SQLITE_CACHE_MB', { SQLITE_CACHE_MB: '1' }],
    ['SQLITE_CACHE_MB', { SQLITE_CACHE_MB: 'lots' }],
    ['SQLITE_WAL_CHECKPOINT_PAGES', { SQLITE_WAL_CHECKPOINT_PAGES: '10' }],
    ['SQLITE_WAL_CHECKPOINT_PAGES', { SQLITE_WAL_CHECKPOINT_PAGES: 'often' }],
  ])('rejects a bad %s: %j', (variable, env) => {
    const error = failure(env);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain('\n');
  });

  it('requires JWT_SECRET in production', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', DB_PATH: join(folder, 'db.sqlite') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain('JWT_SECRET');
    // Refusing must not leave a generated secret lying around either.
    expect(existsSync(join(folder, '.jwt-secret'))).toBe(false);
  });

  it('treats an empty JWT_SECRET in production as missing', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '', DB_PATH: join(folder, 'db.sqlite') })).toThrow(ConfigValidationError);
  });

  it('treats an empty JWT_SECRET outside production as unset', () => {
    expect(loadConfig({ JWT_SECRET: '', DB_PATH: join(folder, 'db.sqlite') }).auth.jwtSecretSource).toBe('generated');
  });

  it('outside production generates a secret once and keeps it beside the database', () => {
    const first = loadConfig({ DB_PATH: join(folder, 'db.sqlite') });
    expect(first.auth.jwtSecretSource).toBe('generated');
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(folder, '.jwt-secret'), 'utf8').trim()).toBe(first.auth.jwtSecret);
    const second = loadConfig({ DB_PATH: join(folder, 'db.sqlite') });
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
  });
});
