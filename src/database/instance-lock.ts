import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/configuration';

/** The part of node-sqlite3's Database used here. */
interface LockConnection {
  exec(sql: string, callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
}

/** Locks held by this process, by database path, so that the app that took one releases it. */
const held = new Map<string, LockConnection>();

export class InstanceLockError extends Error {}

/**
 * SQLite serves one app instance (its writes go through one process's queue): a second instance on
 * the same file fails writes with SQLITE_BUSY, and a reviewer saw one stay unable to write after such
 * a clash. So an instance takes an exclusive lock on `<database>.instance-lock`, a small SQLite file
 * of its own, for as long as it runs. SQLite's locks are the operating system's: they go with the
 * process, even when it is killed, and two connections of one process exclude each other too. A
 * starting instance waits `waitMs` for the lock (a restart whose predecessor is still shutting down),
 * then refuses to start.
 */
export async function acquireInstanceLock(databasePath: string, waitMs: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as { Database: new (path: string, callback: (error: Error | null) => void) => LockConnection };
  const lockPath = `${databasePath}.instance-lock`;
  const connection = await new Promise<LockConnection>((resolve, reject) => {
    const opened: LockConnection = new sqlite3.Database(lockPath, (error) => (error ? reject(error) : resolve(opened)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => connection.exec(sql, (error) => (error ? reject(error) : resolve())));
  try {
    await exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(waitMs))}; PRAGMA journal_mode = DELETE; CREATE TABLE IF NOT EXISTS instance (id INTEGER PRIMARY KEY)`);
    // Never committed: the transaction holds the file's exclusive lock until release or exit.
    await exec('BEGIN EXCLUSIVE; INSERT OR REPLACE INTO instance (id) VALUES (1)');
  } catch (error) {
    await new Promise((resolve) => connection.close(resolve));
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new InstanceLockError(
        `Another instance of the app is using the SQLite database ${databasePath} (it holds ${lockPath}). ` +
          'SQLite serves one instance; stop the other one, or run several instances on PostgreSQL (DB_TYPE=postgres).',
      );
    }
    throw error;
  }
  held.set(databasePath, connection);
  new Logger('Database').log(`This instance holds ${lockPath}`);
}

export function usesInstanceLock(config: AppConfig): boolean {
  return config.database.type === 'sqlite' && config.database.path !== ':memory:';
}

/** Lets the next instance start on this database. */
export async function releaseInstanceLock(databasePath: string): Promise<void> {
  const connection = held.get(databasePath);
  if (!connection) return;
  held.delete(databasePath);
  await new Promise((resolve) => connection.close(resolve));
}

/** Releases the lock when the app stops (a restart in the same process, as the tests do, starts again at once). */
@Injectable()
export class InstanceLockRelease implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationShutdown(): Promise<void> {
    if (usesInstanceLock(this.config)) await releaseInstanceLock(this.config.database.path);
  }
}
