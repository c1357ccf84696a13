import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { DomainError } from './domain-error';
import type { LimitKey } from './rate-limit.rules';

export type LimitedAction = 'login' | 'lookup';

/** How long a successful sign-in makes its address trusted for that user (see loginLimitKeys). */
const TRUST_MS = 7 * 24 * 3600 * 1000;

/**
 * Counts failures (wrong password, wrong booking code or NIK) per key in @nestjs/throttler's
 * storage and refuses further attempts with 429 + Retry-After once a key has too many. Successful
 * attempts are never counted, so a busy kiosk behind one address is not slowed down. Which keys,
 * and how many failures each allows: rate-limit.rules.ts.
 * The storage is per process; behind several instances each keeps its own count.
 */
@Injectable()
export class FailureLimiter {
  /** `user@address` → until when that address is trusted for that user. */
  private readonly trusted = new Map<string, number>();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get limits() {
    return { login: this.config.rateLimits.loginFailures, lookup: this.config.rateLimits.lookupFailures };
  }

  /** Throws 429 TOO_MANY_REQUESTS while any of the keys is blocked. */
  assertAllowed(action: LimitedAction, keys: LimitKey[]): void {
    const now = Date.now();
    for (const { key } of keys) {
      const record = this.storage.storage.get(`${action}:${key}`);
      if (record?.isBlocked && record.blockExpiresAt > now) {
        throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed attempts. Wait a while before trying again.', {
          retryAfterSeconds: Math.max(1, Math.ceil((record.blockExpiresAt - now) / 1000)),
        });
      }
    }
  }

  async recordFailure(action: LimitedAction, keys: LimitKey[]): Promise<void> {
    const windowMs = this.config.rateLimits.windowSeconds * 1000;
    // The storage blocks once hits exceed its limit; we block after `limit` failures.
    for (const { key, limit } of keys) await this.storage.increment(`${action}:${key}`, windowMs, limit - 1, windowMs, action);
  }

  isTrusted(username: string, clientIp: string): boolean {
    return (this.trusted.get(`${username.toLowerCase()}@${clientIp}`) ?? 0) > Date.now();
  }

  rememberSuccess(username: string, clientIp: string): void {
    const now = Date.now();
    if (this.trusted.size > 10_000) for (const [key, until] of this.trusted) if (until <= now) this.trusted.delete(key);
    this.trusted.set(`${username.toLowerCase()}@${clientIp}`, now + TRUST_MS);
  }
}
