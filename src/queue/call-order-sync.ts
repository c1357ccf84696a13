import { EntityManager } from 'typeorm';
import { Ticket } from './ticket.entity';

const ACTIVE_EXPRESS_TICKETS = `SELECT er."ticketId" FROM express_requests er WHERE er.status = 'ACTIVE' AND er."ticketId" IS NOT NULL`;

/**
 * Brings the express flag inside the call keys of an office's waiting tickets in line with their
 * express requests (after a deferral, a release, or a late express request). Two set-based
 * statements; only rows whose flag is wrong are rewritten.
 */
export async function syncExpressFlags(manager: EntityManager, officeCodes: string[]): Promise<void> {
  if (officeCodes.length === 0) return;
  for (const [flag, condition] of [
    ['0', `id IN (${ACTIVE_EXPRESS_TICKETS})`],
    ['1', `id NOT IN (${ACTIVE_EXPRESS_TICKETS})`],
  ] as const) {
    await manager
      .createQueryBuilder()
      .update(Ticket)
      .set({ callKey: () => `substr("callKey", 1, 1) || '${flag}' || substr("callKey", 3)` })
      .where('status = :waiting', { waiting: 'WAITING' })
      .andWhere('"officeCode" IN (:...officeCodes)', { officeCodes })
      .andWhere(`substr("callKey", 2, 1) <> '${flag}'`)
      .andWhere(condition)
      .execute();
  }
}
