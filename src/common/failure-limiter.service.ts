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
  /** `action:key` → attempts under that key still running. */
  private readonly running = new Map<string, number>();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get limits() {
    return { login: this.config.rateLimits.loginFailures, lookup: this.config.rateLimits.lookupFailures };
  }

  /**
   * Runs one attempt (a sign-in, a look-up) under the keys' limits: refused with 429 while a key is
   * blocked, counted when `failed` says its error is a failure. Attempts still running count
   * against the limit too: a check that only looked at finished failures let 200 password guesses
   * sent at once all through, since none had failed yet when each was let in (found in review).
   */
  async attempt<T>(action: LimitedAction, keys: LimitKey[], work: () => Promise<T>, failed: (error: unknown) => boolean): Promise<T> {
    this.assertAllowed(action, keys);
    const names = keys.map(({ key }) => `${action}:${key}`);
    for (const name of names) this.running.set(name, (this.running.get(name) ?? 0) + 1);
    try {
      return await work();
    } catch (error) {
      // Counted before it stops running, so that no moment sees it as neither.
      if (failed(error)) await this.recordFailure(action, keys);
      throw error;
    } finally {
      for (const name of names) {
        const left = this.running.get(name)! - 1;
        if (left > 0) this.running.set(name, left);
        else this.running.delete(name);
      }
    }
  }

  /** Throws 429 TOO_MANY_REQUESTS while any key is blocked, or has as many failures and attempts running as it allows. */
  private assertAllowed(action: LimitedAction, keys: LimitKey[]): void {
    const now = Date.now();
    for (const { key, limit } of keys) {
      const name = `${action}:${key}`;
      const record = this.storage.storage.get(name);
      if (record?.isBlocked && record.blockExpiresAt > now) {
        throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed attempts. Wait a while before trying again.', {
          retryAfterSeconds: Math.max(1, Math.ceil((record.blockExpiresAt - now) / 1000)),
        });
      }
      // The storage's count may still hold hits older than the window (it prunes on the next failure): erring towards refusal.
      const failures = record && !record.isBlocked ? (record.totalHits.get(action) ?? 0) : 0;
      if (failures + (this.running.get(name) ?? 0) >= limit) {
        throw new DomainError('TOO_MANY_REQUESTS', 'Too many attempts at once. Wait a moment before trying again.', { retryAfterSeconds: 1 });
      }
    }
  }

  private async recordFailure(action: LimitedAction, keys: LimitKey[]): Promise<void> {
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
