import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommittedReads } from '../database/committed-reads';
import { AuditEntry } from './audit-entry.entity';

export interface AuditFact {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(private readonly reads: CommittedReads) {}

  /** Writes the audit row inside the caller's transaction, so the action and its record commit together. */
  async record(manager: EntityManager, at: Date, fact: AuditFact): Promise<void> {
    // `details` is a simple-json column; TypeORM's insert typing does not model that.
    await manager.insert(AuditEntry, { at: at.toISOString(), actor: fact.actor, action: fact.action, target: fact.target, details: (fact.details ?? {}) as never });
  }

  async latest(limit: number, filter: { action?: string; target?: string } = {}): Promise<AuditEntry[]> {
    return this.reads.manager.find(AuditEntry, { where: { ...filter }, order: { id: 'DESC' }, take: limit });
  }
}
