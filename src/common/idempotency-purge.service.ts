import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { TransactionRunner } from '../database/transaction-runner';
import { Clock } from './clock';
import { IdempotencyService } from './idempotency.service';

/** Idempotency keys are kept 24 hours; once an hour the expired ones are deleted. */
@Injectable()
export class IdempotencyPurgeService {
  private readonly logger = new Logger(IdempotencyPurgeService.name);

  constructor(
    private readonly db: TransactionRunner,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
  ) {}

  @Interval(60 * 60 * 1000)
  async purge(): Promise<number> {
    try {
      return await this.db.write((manager) => this.idempotency.purgeExpired(manager, this.clock.now()));
    } catch (error) {
      this.logger.error(`purging expired idempotency keys failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
