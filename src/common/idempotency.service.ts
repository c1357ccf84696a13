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

export function validateIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters.', {
      details: [{ field: 'Idempotency-Key', problems: ['must be 1-255 visible ASCII characters'] }],
    });
  }
  return key;
}

/**
 * Idempotency-Key support. The stored response is written in the same transaction as the work it
 * answers for, so a key is either fully done (and replayed) or not done at all. The scope includes
 * the endpoint and the caller (the applicant's NIK, or the staff user), so one client can never
 * replay another's response. Only successful responses are stored; a refusal can simply be retried.
 */
@Injectable()
export class IdempotencyService {
  scope(endpoint: string, caller: string, key: string): string {
    return sha256(`${endpoint}\n${caller}\n${key}`);
  }

  fingerprint(body: unknown): string {
    return sha256(canonicalJson(body));
  }

  /** The stored response for this scope, or null; 422 when the key was used with another body. */
  async find<T>(manager: EntityManager, scopeHash: string, requestHash: string, now: Date): Promise<StoredResponse<T> | null> {
    const record = await manager.findOneBy(IdempotencyRecord, { scopeHash });
    if (!record) return null;
    if (Date.parse(record.createdAt) < now.getTime() - IDEMPOTENCY_TTL_MS) {
      await manager.delete(IdempotencyRecord, { id: record.id });
      return null;
    }
    if (record.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
    }
    return { statusCode: record.statusCode, body: JSON.parse(record.responseBody) as T };
  }

  async remember(manager: EntityManager, scopeHash: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
    await manager.insert(IdempotencyRecord, { scopeHash, requestHash, statusCode: response.statusCode, responseBody: JSON.stringify(response.body), createdAt: now.toISOString() });
  }

  /** Drops records past their 24 hours. */
  async purgeExpired(manager: EntityManager, now: Date): Promise<number> {
    const result = await manager.delete(IdempotencyRecord, { createdAt: LessThan(new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()) });
    return result.affected ?? 0;
  }
}
