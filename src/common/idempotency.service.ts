import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, LessThan } from 'typeorm';
import { DomainError } from './domain-error';
import { IdempotencyRecord } from './idempotency-record.entity';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export interface StoredResponse<T = unknown> {
  statusCode: number;
  body: T;
}

/** JSON with object keys sorted, so the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Printable ASCII; spaces only inside (HTTP drops them at the ends of a header anyway). */
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export function validateIdempotencyKey(key: string | string[] | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255 || !KEY_PATTERN.test(key)) {
    throw new DomainError('VALIDATION_FAILED', 'Send one Idempotency-Key of 1-255 printable ASCII characters.', {
      details: [{ field: 'Idempotency-Key', problems: ['must be one value of 1-255 printable ASCII characters'] }],
    });
  }
  return key;
}

/** statusCode of a key claimed by a transaction that has not answered yet; never committed. */
const PENDING = 0;

/**
 * Idempotency-Key support. The stored response is written in the same transaction as the work it
 * answers for, so a key is either fully done (and replayed) or not done at all. The scope includes
 * the endpoint and the caller (the applicant's NIK, or the staff user), so one client can never
 * replay another's response. Only successful responses are stored; a refusal can simply be retried.
 *
 * Concurrent requests with one key: `find` claims the key by inserting a pending row under the
 * unique scopeHash before any work is done. On PostgreSQL a second transaction's insert waits on
 * that index entry until the first commits (then it reads and replays the stored response) or rolls
 * back (then it claims the key and does the work itself). On SQLite the write queue orders them.
 */
@Injectable()
export class IdempotencyService {
  scope(endpoint: string, caller: string, key: string): string {
    return sha256(`${endpoint}\n${caller}\n${key}`);
  }

  fingerprint(body: unknown): string {
    return sha256(canonicalJson(body));
  }

  /**
   * The stored response for this scope (422 when the key was used with another body), or null once
   * this transaction holds the key: it must then end with `remember` or roll back.
   */
  async find<T>(manager: EntityManager, scopeHash: string, requestHash: string, now: Date): Promise<StoredResponse<T> | null> {
    const stored = await this.stored<T>(manager, scopeHash, requestHash, now);
    if (stored !== undefined) return stored;
    await manager
      .createQueryBuilder()
      .insert()
      .into(IdempotencyRecord)
      .values({ scopeHash, requestHash, statusCode: PENDING, responseBody: '', createdAt: now.toISOString() })
      .orIgnore()
      .execute();
    // Either our pending row, or the response of a transaction that held the key and committed meanwhile.
    return (await this.stored<T>(manager, scopeHash, requestHash, now)) ?? null;
  }

  /** undefined: no live record; null: this transaction's own pending claim. */
  private async stored<T>(manager: EntityManager, scopeHash: string, requestHash: string, now: Date): Promise<StoredResponse<T> | null | undefined> {
    const record = await manager.findOneBy(IdempotencyRecord, { scopeHash });
    if (!record) return undefined;
    if (record.statusCode === PENDING) return null;
    if (Date.parse(record.createdAt) < now.getTime() - IDEMPOTENCY_TTL_MS) {
      await manager.delete(IdempotencyRecord, { id: record.id });
      return undefined;
    }
    if (record.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
    }
    return { statusCode: record.statusCode, body: JSON.parse(record.responseBody) as T };
  }

  /** Stores the response in the row `find` claimed. */
  async remember(manager: EntityManager, scopeHash: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
    const values = { requestHash, statusCode: response.statusCode, responseBody: JSON.stringify(response.body), createdAt: now.toISOString() };
    const updated = await manager.update(IdempotencyRecord, { scopeHash, statusCode: PENDING }, values);
    if (updated.affected !== 1) await manager.insert(IdempotencyRecord, { scopeHash, ...values });
  }

  /** Drops records past their 24 hours. */
  async purgeExpired(manager: EntityManager, now: Date): Promise<number> {
    const result = await manager.delete(IdempotencyRecord, { createdAt: LessThan(new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()) });
    return result.affected ?? 0;
  }
}
