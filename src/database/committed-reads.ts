import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SqliteConnectionOptions } from 'typeorm/driver/sqlite/SqliteConnectionOptions';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { typeOrmOptions } from './typeorm-options';

/**
 * Where reads that are not part of a write go: they must see committed data only.
 *
 * On SQLite TypeORM has one connection, the one that writes, and a group commit keeps a
 * transaction open on it while it runs many requests' jobs, each in a savepoint that is rolled back
 * when the job fails. A read on that connection sees all of it: a reviewer saw a full slot listed
 * with a free seat, 614 times in 3,584 polls, while reschedules into a full slot freed their old
 * seat and were rolled back (all of them answered 409). So on SQLite these reads get a read-only
 * connection of their own, which sees the last commit (WAL). A client still reads its own writes:
 * every write is answered only after its commit.
 *
 * On PostgreSQL a read outside a transaction already sees only committed rows: the pool serves it.
 */
@Injectable()
export class CommittedReads implements OnModuleInit, BeforeApplicationShutdown {
  private reader: DataSource | null = null;
  private _manager: EntityManager;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this._manager = dataSource.manager;
  }

  get manager(): EntityManager {
    return this._manager;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.database.type !== 'sqlite' || this.config.database.path === ':memory:') return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OPEN_READONLY } = require('sqlite3') as { OPEN_READONLY: number };
    // Opened after the main data source has run the migrations and turned WAL on (WAL is a property of the file).
    const options: SqliteConnectionOptions = { ...(typeOrmOptions(this.config) as SqliteConnectionOptions), migrations: [], migrationsRun: false, enableWAL: false, flags: OPEN_READONLY, logging: false, logger: undefined };
    this.reader = await new DataSource(options).initialize();
    this._manager = this.reader.manager;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    this._manager = this.dataSource.manager;
    if (reader?.isInitialized) await reader.destroy();
  }
}
