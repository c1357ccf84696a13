import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { Clock } from './clock';
import { FailureLimiter } from './failure-limiter.service';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  // Only the storage is used (see FailureLimiter); no throttler guard runs globally.
  imports: [ThrottlerModule.forRoot([{ name: 'failures', ttl: 60_000, limit: 1_000_000 }])],
  providers: [Clock, IdempotencyService, FailureLimiter],
  exports: [Clock, IdempotencyService, FailureLimiter],
})
export class CommonModule {}
