import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthUser, canActInOffice } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { CommittedReads } from '../database/committed-reads';
import { TransactionRunner } from '../database/transaction-runner';
import { ReconciliationItem, ReconciliationStatus } from './reconciliation-item.entity';

export function reconciliationView(item: ReconciliationItem) {
  return {
    id: item.id,
    officeCode: item.officeCode,
    ticketNumber: item.ticketNumber,
    appointmentCode: item.appointmentCode,
    serviceType: item.serviceType,
    completedAt: item.completedAt,
    status: item.status,
    resolvedBy: item.resolvedBy,
    resolvedAt: item.resolvedAt,
    note: item.note,
  };
}

@Injectable()
export class ReconciliationService {
  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(filter: { officeCode?: string; status: ReconciliationStatus }) {
    const rows = await this.reads.manager.find(ReconciliationItem, { where: { ...filter }, order: { completedAt: 'ASC', id: 'ASC' }, take: 5000 });
    return rows.map(reconciliationView);
  }

  /** Marks an item as re-entered into the core systems. Resolving twice is harmless. */
  async resolve(id: number, user: AuthUser, note?: string) {
    return this.db.write(async (manager) => {
      const item = await manager.findOneBy(ReconciliationItem, { id });
      if (!item) throw new DomainError('RECONCILIATION_ITEM_NOT_FOUND', 'There is no such reconciliation item.');
      if (!canActInOffice(user, item.officeCode)) throw new DomainError('FORBIDDEN', 'This item belongs to another office.');
      if (item.status === 'RESOLVED') return reconciliationView(item);
      const now = this.clock.now();
      const resolved = { ...item, status: 'RESOLVED' as const, resolvedBy: user.username, resolvedAt: now.toISOString(), note: note ?? item.note };
      // Conditional: of two staff resolving the item at once, the second finds it resolved and leaves it (and the audit) as the first did.
      const updated = await manager.update(ReconciliationItem, { id, status: 'PENDING' }, { status: 'RESOLVED', resolvedBy: resolved.resolvedBy, resolvedAt: resolved.resolvedAt, note: resolved.note });
      if (updated.affected !== 1) return reconciliationView(await manager.findOneByOrFail(ReconciliationItem, { id }));
      await this.audit.record(manager, now, { actor: user.username, action: 'reconciliation.resolve', target: `ticket:${item.officeCode}/${item.ticketNumber}`, details: { id, note: note ?? null } });
      return reconciliationView(resolved);
    });
  }
}
