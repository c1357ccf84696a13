import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { Appointment } from '../appointments/appointment.entity';
import { ExpressRequest } from '../appointments/express-request.entity';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { localDateOf } from '../common/local-time';
import { CommittedReads } from '../database/committed-reads';
import { uniqueViolation } from '../database/database-errors';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { Office } from '../offices/office.entity';
import { ReconciliationItem } from '../reconciliation/reconciliation-item.entity';
import { needsReconciliation } from '../service-modes/service-mode.policy';
import { ServiceModesService } from '../service-modes/service-modes.service';
import { BoardChange, BoardEventsService } from './board-events.service';
import { Counter, CounterStatus } from './counter.entity';
import { canTicketMove } from './queue.rules';
import { Ticket, TicketStatus } from './ticket.entity';
import { TicketsService, TicketView } from './tickets.service';
import { WaitEstimatesService } from './wait-estimates.service';

export type TicketAction = 'recall' | 'start' | 'complete' | 'no-show';

const APPOINTMENT_STATUS_FOR: Partial<Record<TicketStatus, Appointment['status']>> = {
  CALLED: 'CALLED',
  SERVING: 'SERVING',
  DONE: 'DONE',
  NO_SHOW: 'NO_SHOW',
};

/** Audit actions name what staff did, like the endpoints: counter.open, counter.pause, counter.close. */
const AUDIT_VERB: Record<CounterStatus, string> = { OPEN: 'open', PAUSED: 'pause', CLOSED: 'close' };

@Injectable()
export class CountersService {
  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly tickets: TicketsService,
    private readonly modes: ServiceModesService,
    private readonly audit: AuditService,
    private readonly events: BoardEventsService,
    private readonly estimates: WaitEstimatesService,
    private readonly clock: Clock,
    private readonly sql: Sql,
  ) {}

  async create(officeCode: string, number: number, actor: string): Promise<Counter> {
    try {
      return await this.db.write(async (manager) => {
        if (!(await manager.existsBy(Office, { code: officeCode }))) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
        if (await manager.existsBy(Counter, { officeCode, number })) throw new DomainError('COUNTER_EXISTS', `Counter ${number} already exists at ${officeCode}.`);
        const now = this.clock.now();
        const counter = manager.create(Counter, { officeCode, number, status: 'CLOSED', currentTicketId: null, updatedAt: now.toISOString() });
        await manager.insert(Counter, counter);
        await this.audit.record(manager, now, { actor, action: 'counter.create', target: `counter:${officeCode}/${number}`, details: {} });
        return counter;
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new DomainError('COUNTER_EXISTS', `Counter ${number} already exists at ${officeCode}.`);
      throw error;
    }
  }

  async list(officeCode: string) {
    if (!(await this.reads.manager.existsBy(Office, { code: officeCode }))) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
    const counters = await this.reads.manager.find(Counter, { where: { officeCode }, order: { number: 'ASC' } });
    return Promise.all(counters.map((c) => this.counterView(c, this.reads.manager)));
  }

  async counterView(counter: Counter, manager: EntityManager) {
    const current = counter.currentTicketId ? await manager.findOneBy(Ticket, { id: counter.currentTicketId }) : null;
    return { number: counter.number, status: counter.status, currentTicket: current ? await this.tickets.view(current, manager) : null };
  }

  /** Open, pause or close a counter. A counter with a ticket in hand cannot close. */
  async setStatus(officeCode: string, number: number, status: CounterStatus, actor: string) {
    const result = await this.db.write(async (manager) => {
      const counter = await this.counter(manager, officeCode, number);
      if (status === 'CLOSED' && counter.currentTicketId !== null) {
        throw new DomainError('COUNTER_BUSY', `Counter ${number} still has a ticket. Complete it or mark it as no-show before closing.`);
      }
      const now = this.clock.now();
      const changed = await manager.update(Counter, status === 'CLOSED' ? { id: counter.id, currentTicketId: IsNull() } : { id: counter.id }, { status, updatedAt: now.toISOString() });
      if (changed.affected !== 1) throw new DomainError('COUNTER_BUSY', `Counter ${number} just took a ticket.`);
      await this.audit.record(manager, now, { actor, action: `counter.${AUDIT_VERB[status]}`, target: `counter:${officeCode}/${number}`, details: { from: counter.status } });
      return this.counterView({ ...counter, status }, manager);
    });
    this.estimates.changed(officeCode);
    this.events.changed(officeCode, { type: 'counter', counterNumber: number });
    return result;
  }

  /**
   * Calls the first of today's waiting tickets in call order to this counter. Each claim is a conditional
   * UPDATE (WAITING → CALLED, and the counter's empty hand → this ticket), so two counters calling
   * at the same moment can never receive the same ticket; on PostgreSQL the candidate row is also
   * taken with FOR UPDATE SKIP LOCKED so concurrent callers skip each other's ticket.
   */
  async callNext(officeCode: string, number: number, actor: string): Promise<TicketView> {
    const ticket = await this.db.write(async (manager) => {
      const counter = await this.counter(manager, officeCode, number);
      if (counter.status !== 'OPEN') throw new DomainError('COUNTER_NOT_OPEN', `Counter ${number} is ${counter.status}. Open it first.`);
      if (counter.currentTicketId !== null) throw new DomainError('COUNTER_BUSY', `Counter ${number} already has a ticket. Complete it or mark it as no-show first.`);
      const office = await manager.findOneByOrFail(Office, { code: officeCode });
      const today = localDateOf(this.clock.now(), office.timeZone);
      const now = this.clock.now().toISOString();
      for (let attempt = 0; attempt < 20; attempt++) {
        let query = manager
          .createQueryBuilder(Ticket, 't')
          .where('t.officeCode = :officeCode AND t.status = :waiting AND t.serviceDate = :today', { officeCode, waiting: 'WAITING', today })
          .orderBy('t.callKey', 'ASC')
          .limit(1);
        if (this.db.isPostgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
        const next = await query.getOne();
        if (!next) throw new DomainError('QUEUE_EMPTY', 'Nobody is waiting.');
        const claimed = await manager.update(Ticket, { id: next.id, status: 'WAITING' }, { status: 'CALLED', counterNumber: number, calledAt: now });
        if (claimed.affected !== 1) continue;
        const taken = await manager
          .createQueryBuilder()
          .update(Counter)
          .set({ currentTicketId: next.id, updatedAt: now })
          .where({ id: counter.id, status: 'OPEN' })
          .andWhere('"currentTicketId" IS NULL')
          .execute();
        if (taken.affected !== 1) throw new DomainError('COUNTER_BUSY', `Counter ${number} just took another ticket.`);
        if (next.appointmentId !== null) await manager.update(Appointment, { id: next.appointmentId }, { status: 'CALLED', updatedAt: now });
        await this.audit.record(manager, new Date(now), { actor, action: 'ticket.call', target: `ticket:${officeCode}/${next.serviceDate}/${next.number}`, details: { counter: number } });
        return { ...next, status: 'CALLED' as const, counterNumber: number, calledAt: now };
      }
      throw new DomainError('QUEUE_EMPTY', 'Every waiting ticket was just called by another counter. Try again.');
    });
    this.events.changed(officeCode, { type: 'call', ticketNumber: ticket.number, counterNumber: number });
    return this.tickets.view(ticket);
  }

  /** Recall, start, complete or no-show: acts on the counter's current ticket. */
  async act(officeCode: string, number: number, action: TicketAction, actor: string): Promise<TicketView> {
    const ticket = await this.db.write(async (manager) => {
      const counter = await this.counter(manager, officeCode, number);
      if (counter.currentTicketId === null) throw new DomainError('NO_CURRENT_TICKET', `Counter ${number} has no current ticket. Call the next one first.`);
      const ticket = await manager.findOneByOrFail(Ticket, { id: counter.currentTicketId });
      const now = this.clock.now();
      const at = now.toISOString();
      const target = `ticket:${officeCode}/${ticket.serviceDate}/${ticket.number}`;
      let changes: Partial<Ticket>;
      switch (action) {
        case 'recall':
          if (ticket.status !== 'CALLED') throw new DomainError('INVALID_STATE', `Ticket ${ticket.number} is ${ticket.status}; only a called ticket can be recalled.`);
          changes = { recallCount: ticket.recallCount + 1, calledAt: at };
          break;
        case 'start':
          this.requireMove(ticket, 'SERVING');
          changes = { status: 'SERVING', startedAt: at };
          break;
        case 'complete': {
          this.requireMove(ticket, 'DONE');
          const mode = await this.modes.effectiveForWrite(manager, officeCode);
          changes = { status: 'DONE', completedAt: at, startedAt: ticket.startedAt ?? ticket.calledAt, completedInMode: mode.mode };
          // A request still DEFERRED never got its same-day processing: it ends with the service, out of the release line.
          await this.sql.run(
            `UPDATE express_requests SET "fulfilledAt" = ?, "cancelledAt" = CASE WHEN status = 'DEFERRED' THEN ? ELSE "cancelledAt" END,
               status = CASE WHEN status = 'DEFERRED' THEN 'CANCELLED' ELSE status END WHERE "ticketId" = ?`,
            [at, at, ticket.id],
            manager,
          );
          if (needsReconciliation(ticket.manual, mode.mode)) await this.queueForReconciliation(manager, ticket, at);
          break;
        }
        case 'no-show':
          this.requireMove(ticket, 'NO_SHOW');
          changes = { status: 'NO_SHOW' };
          await manager.update(ExpressRequest, { ticketId: ticket.id, status: 'DEFERRED' }, { status: 'CANCELLED', cancelledAt: at });
          break;
      }
      const updated = await manager.update(Ticket, { id: ticket.id, status: ticket.status }, changes);
      if (updated.affected !== 1) throw new DomainError('INVALID_STATE', `Ticket ${ticket.number} changed meanwhile. Reload and try again.`);
      const status = changes.status ?? ticket.status;
      if (status === 'DONE' || status === 'NO_SHOW') {
        await manager.update(Counter, { id: counter.id }, { currentTicketId: null, updatedAt: at });
      }
      const appointmentStatus = APPOINTMENT_STATUS_FOR[status];
      if (ticket.appointmentId !== null && appointmentStatus && changes.status) {
        await manager.update(Appointment, { id: ticket.appointmentId }, { status: appointmentStatus, updatedAt: at });
      }
      await this.audit.record(manager, now, { actor, action: `ticket.${action}`, target, details: { counter: number } });
      return { ...ticket, ...changes } as Ticket;
    });
    const type: BoardChange['type'] = action;
    if (action === 'complete') this.estimates.changed(officeCode);
    this.events.changed(officeCode, { type, ticketNumber: ticket.number, counterNumber: number });
    return this.tickets.view(ticket);
  }

  private requireMove(ticket: Ticket, to: TicketStatus): void {
    if (!canTicketMove(ticket.status, to)) throw new DomainError('INVALID_STATE', `Ticket ${ticket.number} is ${ticket.status} and cannot become ${to}.`);
  }

  private async queueForReconciliation(manager: EntityManager, ticket: Ticket, completedAt: string): Promise<void> {
    const appointment = ticket.appointmentId !== null ? await manager.findOneBy(Appointment, { id: ticket.appointmentId }) : null;
    await manager.insert(ReconciliationItem, {
      officeCode: ticket.officeCode,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      appointmentCode: appointment?.code ?? null,
      serviceType: ticket.serviceType,
      completedAt,
      status: 'PENDING',
      resolvedBy: null,
      resolvedAt: null,
      note: null,
    });
  }

  private async counter(manager: EntityManager, officeCode: string, number: number): Promise<Counter> {
    const counter = await this.db.lockForUpdate(manager.createQueryBuilder(Counter, 'c').where('c.officeCode = :officeCode AND c.number = :number', { officeCode, number })).getOne();
    if (counter) return counter;
    if (!(await manager.existsBy(Office, { code: officeCode }))) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
    throw new DomainError('COUNTER_NOT_FOUND', `There is no counter ${number} at ${officeCode}.`);
  }
}
