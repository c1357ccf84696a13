import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';

export type Work<T> = (manager: EntityManager) => Promise<T>;

interface Job<T = unknown> {
  work: Work<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

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
 * back alone. A job's promise settles only after the COMMIT that made it durable.
 *
 * PostgreSQL (a pool, possibly several instances): every job is its own READ COMMITTED transaction;
 * correctness comes from the database (conditional UPDATEs, unique indexes, row locks), never from
 * this process. Serialization failures and deadlocks are retried.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly pending: Job[] = [];
  private draining = false;
  readonly isPostgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.isPostgres = config.database.type === 'postgres';
  }

  /** Runs `work` in a write transaction; resolves with its result once committed. */
  write<T>(work: Work<T>): Promise<T> {
    if (this.isPostgres) return this.writePostgres(work);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve, reject } as Job);
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
        const group = this.pending.splice(0, MAX_GROUP);
        await this.commitGroup(group);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Job[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await runner.startTransaction();
      if (group.length === 1) {
        outcomes.push(await this.attempt(runner, group[0], false));
      } else {
        for (const job of group) outcomes.push(await this.attempt(runner, job, true));
      }
      if (outcomes.every((o) => !o.ok)) await runner.rollbackTransaction();
      else await runner.commitTransaction();
    } catch (error) {
      // The transaction as a whole failed (COMMIT refused, say): nothing in it was saved.
      this.logger.error(`write transaction failed: ${(error as Error).message}`);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      for (const job of group) job.reject(error);
      await runner.release();
      return;
    }
    await runner.release();
    group.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  private async attempt(runner: QueryRunner, job: Job, savepoint: boolean) {
    if (savepoint) await runner.startTransaction();
    try {
      const value = await job.work(runner.manager);
      if (savepoint) await runner.commitTransaction();
      return { ok: true as const, value };
    } catch (error) {
      if (savepoint) await runner.rollbackTransaction();
      return { ok: false as const, error };
    }
  }
}
