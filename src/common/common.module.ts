import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import { Clock } from './clock';
import { FailureLimiter } from './failure-limiter.service';
import { GracefulShutdown } from './graceful-shutdown';
import { IdempotencyPurgeService } from './idempotency-purge.service';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  // Only the storage is used (see FailureLimiter); no throttler guard runs globally.
  imports: [ThrottlerModule.forRoot([{ name: 'failures', ttl: 60_000, limit: 1_000_000 }]), ScheduleModule.forRoot()],
  providers: [Clock, IdempotencyService, IdempotencyPurgeService, FailureLimiter, GracefulShutdown],
  exports: [Clock, IdempotencyService, FailureLimiter, GracefulShutdown],
})
export class CommonModule {}
