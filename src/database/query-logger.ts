import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/**
 * SQL logging for DB_LOGGING=true that never prints parameters: they carry NIKs, names and phone
 * numbers, which must not reach the logs.
 */
export class QueryOnlyLogger implements Logger {
  private readonly logger = new NestLogger('SQL');

  logQuery(query: string): void {
    this.logger.debug(query);
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`${typeof error === 'string' ? error : error.message} in: ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
