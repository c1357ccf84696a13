import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type DatabaseType = 'sqlite' | 'postgres';

/** Typed application configuration, read once from the environment at start-up. */
export interface AppConfig {
  port: number;
  production: boolean;
  database: {
    type: DatabaseType;
    /** SQLite file, or ':memory:'. */
    path: string;
    /** PostgreSQL connection string. */
    url?: string;
    /** Log every SQL statement (debugging only). */
    logging: boolean;
    /** SQLite's page cache on the write connection, in MiB. */
    sqliteCacheMb: number;
    /** SQLite checkpoints the WAL into the database file once it holds this many pages. */
    sqliteWalCheckpointPages: number;
  };
  auth: {
    jwtSecret: string;
    /** Where the secret came from, so start-up can say so. */
    jwtSecretSource: 'environment' | 'generated';
    tokenTtlSeconds: number;
    adminUsername: string;
    adminPassword?: string;
  };
  seedDemo: boolean;
  /** Folder for the generated JWT secret and the demo credentials (DATA_DIR). */
  dataDir: string;
  checkIn: {
    /** Minutes before slot start a citizen may check in. */
    opensMinutesBefore: number;
  };
  /** How often each instance looks for offices whose local day has ended, in ms; 0 = never (tests). */
  dayCloseIntervalMs: number;
  /** How long a starting instance waits for another one to let go of its SQLite file before refusing to start, in ms. */
  sqliteInstanceLockWaitMs: number;
  /** How long shutdown waits for requests in flight before closing their connections, in ms. */
  shutdownGraceMs: number;
  queue: {
    /** Service minutes assumed until an office has enough completed services of its own. */
    defaultServiceMinutes: number;
    /** How many recent completed services the estimate averages. */
    estimateSampleSize: number;
    /** Fewer completed services than this and the default is used. */
    estimateMinSamples: number;
  };
  serviceModes: {
    /** Deferred express requests released per write transaction. */
    releaseBatchSize: number;
    /** How often each instance looks for deferred requests to release, in ms. */
    releaseIntervalMs: number;
  };
  bodyLimitBytes: number;
  rateLimits: {
    /** Failed logins allowed per username (and per username from one address) within the window; an address may fail ten times as often. */
    loginFailures: number;
    /** Failed appointment look-ups (wrong code or NIK) allowed per booking code within the window; an address may fail ten times as often. */
    lookupFailures: number;
    windowSeconds: number;
  };
  /**
   * Behind a reverse proxy or load balancer: how many proxy hops to trust for the client address
   * (X-Forwarded-For). 0 trusts none. Rate limits count per client address, so behind a proxy this
   * must be set, or every client would share the proxy's address.
   */
  trustProxyHops: number;
  /** One structured log line per request (method, route, status, duration, request id). */
  logRequests: boolean;
  /** `json` (one object per line, for machines) or `pretty` (colours, for a person at a terminal). */
  logFormat: 'json' | 'pretty';
}

export class ConfigValidationError extends Error {}

type Env = Record<string, string | undefined>;

function fail(variable: string, problem: string): never {
  throw new ConfigValidationError(`Invalid configuration: ${variable} ${problem}`);
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) fail(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) fail(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  return fail(name, `must be true or false, got "${raw}"`);
}

/**
 * The demo keeps a generated JWT secret next to its database so tokens survive a restart.
 * Production must set JWT_SECRET explicitly.
 */
function demoJwtSecret(folder: string): string {
  const file = join(folder, '.jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(folder, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function readLogFormat(env: Env): 'json' | 'pretty' {
  const raw = env.LOG_FORMAT || 'json';
  if (raw !== 'json' && raw !== 'pretty') fail('LOG_FORMAT', `must be "json" or "pretty", got "${raw}"`);
  return raw;
}

/** Reads and validates the environment. Throws ConfigValidationError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const dbType = (env.DB_TYPE ?? 'sqlite').toLowerCase();
  if (dbType !== 'sqlite' && dbType !== 'postgres') fail('DB_TYPE', `must be "sqlite" or "postgres", got "${env.DB_TYPE}"`);

  const url = env.DATABASE_URL || undefined;
  if (dbType === 'postgres') {
    if (!url) fail('DATABASE_URL', 'is required when DB_TYPE=postgres');
    if (!/^postgres(ql)?:\/\//.test(url)) fail('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const path = env.DB_PATH || join('data', 'passport-queue.sqlite');
  // Where the generated JWT secret and the demo credentials live: beside the SQLite file by default.
  const dataDir = resolve(env.DATA_DIR || (dbType === 'sqlite' && path !== ':memory:' ? dirname(resolve(path)) : 'data'));

  // Empty counts as unset, as for the other variables (`JWT_SECRET=` in a compose file, say).
  const secretFromEnv = env.JWT_SECRET || undefined;
  if (secretFromEnv !== undefined && secretFromEnv.length < 32) fail('JWT_SECRET', 'must be at least 32 characters long');
  if (!secretFromEnv && production) fail('JWT_SECRET', 'is required when NODE_ENV=production');

  const adminUsername = env.ADMIN_USERNAME || 'admin';
  if (!/^[a-zA-Z0-9._-]{3,64}$/.test(adminUsername)) fail('ADMIN_USERNAME', 'must be 3-64 letters, digits, dots, dashes or underscores');
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) fail('ADMIN_PASSWORD', 'must be at least 12 characters long');

  return {
    port: readInt(env, 'PORT', 3000, 0, 65535),
    production,
    database: {
      type: dbType,
      path,
      url,
      logging: readBool(env, 'DB_LOGGING', false),
      sqliteCacheMb: readInt(env, 'SQLITE_CACHE_MB', 64, 2, 4096),
      sqliteWalCheckpointPages: readInt(env, 'SQLITE_WAL_CHECKPOINT_PAGES', 10_000, 100, 1_000_000),
    },
    auth: {
      jwtSecret: secretFromEnv ?? demoJwtSecret(dataDir),
      jwtSecretSource: secretFromEnv ? 'environment' : 'generated',
      tokenTtlSeconds: readInt(env, 'TOKEN_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600),
      adminUsername,
      adminPassword,
    },
    seedDemo: readBool(env, 'SEED_DEMO', false),
    dataDir,
    checkIn: { opensMinutesBefore: readInt(env, 'CHECK_IN_OPENS_MINUTES_BEFORE', 60, 0, 24 * 60) },
    dayCloseIntervalMs: readInt(env, 'DAY_CLOSE_INTERVAL_MS', 60_000, 0, 3_600_000),
    sqliteInstanceLockWaitMs: readInt(env, 'SQLITE_INSTANCE_LOCK_WAIT_MS', 10_000, 0, 600_000),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    queue: {
      defaultServiceMinutes: readInt(env, 'DEFAULT_SERVICE_MINUTES', 10, 1, 240),
      estimateSampleSize: readInt(env, 'ESTIMATE_SAMPLE_SIZE', 20, 1, 1000),
      estimateMinSamples: readInt(env, 'ESTIMATE_MIN_SAMPLES', 3, 1, 1000),
    },
    serviceModes: {
      releaseBatchSize: readInt(env, 'EXPRESS_RELEASE_BATCH_SIZE', 200, 1, 10000),
      releaseIntervalMs: readInt(env, 'EXPRESS_RELEASE_INTERVAL_MS', 500, 50, 60000),
    },
    bodyLimitBytes: readInt(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    rateLimits: {
      loginFailures: readInt(env, 'LOGIN_RATE_LIMIT', 10, 1, 1_000_000),
      lookupFailures: readInt(env, 'LOOKUP_FAILURE_LIMIT', 10, 1, 1_000_000),
      windowSeconds: readInt(env, 'RATE_LIMIT_WINDOW_SECONDS', 900, 1, 86_400),
    },
    trustProxyHops: readInt(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    logRequests: readBool(env, 'LOG_REQUESTS', true),
    logFormat: readLogFormat(env),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
