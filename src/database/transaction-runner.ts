import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { Sql } from './sql';

export type Work<T> = (manager: EntityManager) => Promise<T>;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job<T = unknown> {
  work: Work<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** What a script job writes, decided from what it read, and the job's result once committed. */
export interface ScriptPlan<T> {
  /** Statements with their values inlined (see `inlineParams`), run in order; none is fine. */
  script: string[];
  result: T;
}

/** A job that owns its transaction: see `writeScript`. */
interface ScriptJob {
  read: Work<unknown>;
  plan: (read: unknown) => ScriptPlan<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Between the statements of a write script (a test splits a script on it to fail one statement). */
export const SCRIPT_SEPARATOR = ';\n';

/** Most write jobs one SQLite transaction commits together. */
const MAX_GROUP = 64;
/** PostgreSQL serialization failures and deadlocks are retried this many times. */
const MAX_PG_ATTEMPTS = 5;

/**
 * The one way the application writes.
 *
 * SQLite (one shared connection): overlapping `dataSource.transaction()` calls would nest into
 * each other and a rollback in one could silently undo another's acknowledged write. So write jobs
 * queue here and run one at a time. Jobs that queue up while a transaction runs are committed
 * together by the next one (group commit), each inside its own SAVEPOINT so a refused job rolls
 * back alone. A job's promise settles only after the COMMIT that made it durable. When SQLite
 * fails the whole transaction, the group's jobs run again one by one, so `work` must do nothing
 * but database work through the manager it is given (events and other effects go after `write`).
 *
 * PostgreSQL (a pool, possibly several instances): every job is its own READ COMMITTED transaction;
 * correctness comes from the database (conditional UPDATEs, unique indexes, row locks), never from
 * this process. Serialization failures and deadlocks are retried.
 */
@Injectable()
export class TransactionRunner implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly pending: Array<Job | ScriptJob> = [];
  private draining = false;
  readonly isPostgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: Sql,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.isPostgres = config.database.type === 'postgres';
  }

  /**
   * The write connection's settings (SQLite).
   * - Page cache: with the default 2 MiB, a million bookings' index pages no longer fit and every
   *   batch reads some back through the OS. Measured, booking ran at 0.73–0.85 of its
   *   empty-database rate; with 64 MiB at 0.96.
   * - Temporary files in memory. A batch's multi-row INSERT copies each page it changes into a
   *   statement journal (so the statement alone could be undone), and past 64 KiB SQLite spills
   *   that journal to a temporary file, a write system call per page. Measured, that was 15 % of
   *   the thread pool's time in check-in batches. The journal lives only as long as its statement.
   * - Checkpoints every SQLITE_WAL_CHECKPOINT_PAGES pages of WAL, not SQLite's 1,000. The commit
   *   that crosses the mark copies the WAL into the database file and syncs it, inside the writer's
   *   turn; at 1,000 pages that was every twentieth check-in batch. Each batch rewrites the same hot
   *   index pages (the end of every office's queue), so a longer WAL copies each of them once for
   *   many more commits. Measured (bench/wal-checkpoint.js), a batch's commit took 8 % less on
   *   average and its p99 a third less.
   */
  async onModuleInit(): Promise<void> {
    if (this.isPostgres) return;
    await this.dataSource.query(`PRAGMA cache_size = -${this.config.database.sqliteCacheMb * 1024}`);
    await this.dataSource.query('PRAGMA temp_store = MEMORY');
    await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${this.config.database.sqliteWalCheckpointPages}`);
  }

  /** Graceful shutdown: every queued write is committed before the connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.draining || this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Runs `work` in a write transaction; resolves with its result once committed. */
  write<T>(work: Work<T>): Promise<T> {
    if (this.isPostgres) return this.writePostgres(work);
    return this.enqueue({ work });
  }

  /**
   * A write as a script, for group-committed batches on SQLite (see GroupCommit): `read` runs,
   * `plan` turns what it read into statements, and those run between BEGIN and COMMIT in one
   * `Sql.exec`. Two trips through the thread pool in all (one when nothing is to be written), where
   * a statement at a time would take one each, and under load every trip waits for a turn of the
   * busy event loop. `read` must only read, and it runs before BEGIN: it sees what the transaction
   * would, because the write queue runs one job at a time and nothing else writes to the database.
   * The job owns its transaction, so it runs alone, never in a group. Any failure rolls the whole
   * script back. SQLite only.
   */
  writeScript<R, T>(read: Work<R>, plan: (read: R) => ScriptPlan<T>): Promise<T> {
    if (this.isPostgres) return Promise.reject(new Error('writeScript runs SQLite scripts'));
    return this.enqueue<T>({ read, plan: plan as ScriptJob['plan'] });
  }

  private enqueue<T>(job: Pick<Job<T>, 'work'> | Pick<ScriptJob, 'read' | 'plan'>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ ...job, resolve, reject } as Job | ScriptJob);
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Takes shared row locks on PostgreSQL so a concurrent writer of those rows (a mode switch, say)
   * waits for this transaction. On SQLite the write queue already orders every writer.
   */
  lockForShare<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.isPostgres ? query.setLock('pessimistic_read') : query;
  }

  lockForUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.isPostgres ? query.setLock('pessimistic_write') : query;
  }

  private async writePostgres<T>(work: Work<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if ((code === '40001' || code === '40P01') && attempt < MAX_PG_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
          continue;
        }
        throw error;
      }
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const first = this.pending[0];
        if ('plan' in first) {
          this.pending.shift();
          await this.runScript(first).then(first.resolve, first.reject);
          continue;
        }
        const nextScript = this.pending.findIndex((job) => 'plan' in job);
        const group = this.pending.splice(0, Math.min(MAX_GROUP, nextScript < 0 ? this.pending.length : nextScript)) as Job[];
        await this.commitGroup(group);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Runs a group in one transaction and settles each job only once its outcome is durable. */
  private async commitGroup(group: Job[]): Promise<void> {
    const result = await this.runTransaction(group);
    if (result.ok) {
      group.forEach((job, i) => {
        const outcome = result.outcomes[i];
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      });
      return;
    }
    if (group.length === 1) {
      group[0].reject(result.error);
      return;
    }
    // The transaction as a whole failed, so nothing in it was saved, including the work of jobs
    // that did nothing wrong. Each runs again on its own: a refused job still fails alone.
    for (const job of group) await this.commitGroup([job]);
  }

  /**
   * BEGIN, COMMIT and the savepoints run as cached prepared statements: through TypeORM each would
   * prepare, run and finalize a statement, three trips through node-sqlite3's thread pool, and the
   * writer's throughput is bound by those trips. TypeORM is told the transaction is open, so work
   * that uses the manager (a `save`, say) does not start a transaction of its own inside it.
   */
  private async runTransaction(group: Job[]): Promise<{ ok: true; outcomes: Outcome[] } | { ok: false; error: unknown }> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Outcome[] = [];
    try {
      await this.sql.run('BEGIN', [], runner.manager);
      markTransaction(runner, true);
      if (group.length === 1) outcomes.push(await this.attempt(runner, group[0], false));
      else for (const job of group) outcomes.push(await this.attempt(runner, job, true));
      await this.sql.run(outcomes.every((o) => !o.ok) ? 'ROLLBACK' : 'COMMIT', [], runner.manager);
      markTransaction(runner, false);
      return { ok: true, outcomes };
    } catch (error) {
      this.logger.error(`write transaction failed: ${(error as Error).message}`);
      await this.abandonTransaction(runner);
      // A job refused by its own work keeps its own error (a unique violation maps to a 409, say).
      const own = group.length === 1 && outcomes[0] && !outcomes[0].ok ? outcomes[0].error : error;
      return { ok: false, error: own };
    } finally {
      await runner.release();
    }
  }

  private async runScript(job: ScriptJob): Promise<unknown> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const { script, result } = job.plan(await job.read(runner.manager));
      if (script.length === 0) return result;
      markTransaction(runner, true);
      try {
        await this.sql.exec(['BEGIN', ...script, 'COMMIT'].join(SCRIPT_SEPARATOR));
        markTransaction(runner, false);
        return result;
      } catch (error) {
        // The script stops at its first failure, with the transaction still open unless SQLite
        // rolled it back itself (then this ROLLBACK fails, and that is fine).
        await this.abandonTransaction(runner);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Ends whatever transaction the connection is in and puts TypeORM's bookkeeping back in step.
   * SQLite rolls a transaction back by itself on some errors (disk full, I/O error, a conflict
   * clause of OR ROLLBACK), after which TypeORM still counts it, and its savepoints, as open: the
   * next group would then run inside a transaction that never commits, and its writes would be
   * acknowledged and lost.
   */
  private async abandonTransaction(runner: QueryRunner): Promise<void> {
    await this.sql.run('ROLLBACK', [], runner.manager).catch(() => undefined);
    markTransaction(runner, false);
  }

  /** One job; inside a group, in a savepoint of its own so a refused job rolls back alone. */
  private async attempt(runner: QueryRunner, job: Job, savepoint: boolean): Promise<Outcome> {
    if (savepoint) await this.sql.run('SAVEPOINT job', [], runner.manager);
    try {
      const value = await job.work(runner.manager);
      if (savepoint) await this.sql.run('RELEASE job', [], runner.manager);
      return { ok: true as const, value };
    } catch (error) {
      if (savepoint) {
        await this.sql.run('ROLLBACK TO job', [], runner.manager);
        await this.sql.run('RELEASE job', [], runner.manager);
      }
      return { ok: false as const, error };
    }
  }
}

/** TypeORM's own record of whether its connection is in a transaction, kept in step with ours. */
function markTransaction(runner: QueryRunner, open: boolean): void {
  Object.assign(runner, { isTransactionActive: open, transactionDepth: open ? 1 : 0 });
}
