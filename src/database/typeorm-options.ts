import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../../config/configuration';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { QueryOnlyLogger } from './query-logger';

/**
 * TypeORM's sqlite driver calls `sqlite3.verbose()`, which records a stack trace for every
 * statement. We hand it the module with `verbose()` as a no-op: same driver, no tracing cost.
 */
function quietSqlite3(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3');
  return Object.assign(Object.create(sqlite3), { verbose: () => sqlite3 });
}

export function typeOrmOptions(config: AppConfig, overrides: { synchronize?: boolean } = {}): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: !overrides.synchronize,
    migrationsTransactionMode: 'each' as const,
    synchronize: overrides.synchronize ?? false,
    logging: config.database.logging,
    logger: config.database.logging ? new QueryOnlyLogger() : undefined,
  };
  if (config.database.type === 'postgres') {
    return { type: 'postgres', url: config.database.url, extra: { max: 10 }, ...common };
  }
  const path = config.database.path;
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return {
    type: 'sqlite',
    database: path,
    driver: quietSqlite3(),
    enableWAL: path !== ':memory:',
    busyTimeout: 5000,
    ...common,
  };
}
