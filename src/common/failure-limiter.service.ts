import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { DomainError } from './domain-error';

export type LimitedAction = 'login' | 'lookup';

/**
 * Counts failures (wrong password, wrong booking code or NIK) per key in @nestjs/throttler's
 * storage and refuses further attempts with 429 + Retry-After once a key has too many. Successful
 * attempts are never counted, so a busy kiosk behind one address is not slowed down.
 * The storage is per process; behind several instances each keeps its own count.
 */
@Injectable()
export class FailureLimiter {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws 429 TOO_MANY_REQUESTS while any of the keys is blocked. */
  assertAllowed(action: LimitedAction, keys: string[]): void {
    const now = Date.now();
    for (const key of keys) {
      const record = this.storage.storage.get(`${action}:${key}`);
      if (record?.isBlocked && record.blockExpiresAt > now) {
        throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed attempts. Wait a while before trying again.', {
          retryAfterSeconds: Math.max(1, Math.ceil((record.blockExpiresAt - now) / 1000)),
        });
      }
    }
  }

  async recordFailure(action: LimitedAction, keys: string[]): Promise<void> {
    const { windowSeconds } = this.config.rateLimits;
    const limit = action === 'login' ? this.config.rateLimits.loginFailures : this.config.rateLimits.lookupFailures;
    // The storage blocks once hits exceed its limit; we block after `limit` failures.
    for (const key of keys) await this.storage.increment(`${action}:${key}`, windowSeconds * 1000, limit - 1, windowSeconds * 1000, action);
  }
}
