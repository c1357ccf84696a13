import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { canonicalTimeZone, localDateOf, localToInstant } from '../common/local-time';
import { CommittedReads } from '../database/committed-reads';
import { uniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { CreateOfficeDto, SlotInput } from './dto/office.dto';
import { Office } from './office.entity';
import { findOverlap, hasPositiveLength } from './slot.rules';
import { Slot } from './slot.entity';

export function officeView(office: Office) {
  return { code: office.code, name: office.name, timeZone: office.timeZone, dailyExpressQuota: office.dailyExpressQuota };
}

export function slotView(slot: Slot) {
  return {
    id: slot.id,
    officeCode: slot.officeCode,
    date: slot.date,
    start: slot.start,
    end: slot.end,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    capacity: slot.capacity,
    booked: slot.booked,
    available: Math.max(0, slot.capacity - slot.booked),
  };
}

@Injectable()
export class OfficesService {
  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(): Promise<Office[]> {
    return this.reads.manager.find(Office, { order: { code: 'ASC' } });
  }

  async get(code: string, manager?: EntityManager): Promise<Office> {
    const office = await (manager ?? this.reads.manager).findOneBy(Office, { code });
    if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${code}.`);
    return office;
  }

  async create(input: CreateOfficeDto, actor: string): Promise<Office> {
    try {
      return await this.db.write(async (manager) => {
        if (await manager.existsBy(Office, { code: input.code })) throw new DomainError('OFFICE_EXISTS', `An office with code ${input.code} already exists.`);
        const now = this.clock.now();
        const office = manager.create(Office, { ...input, timeZone: canonicalTimeZone(input.timeZone), createdAt: now.toISOString() });
        await manager.insert(Office, office);
        await this.audit.record(manager, now, { actor, action: 'office.create', target: `office:${office.code}`, details: { ...input } });
        return office;
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new DomainError('OFFICE_EXISTS', `An office with code ${input.code} already exists.`);
      throw error;
    }
  }

  async createSlots(officeCode: string, inputs: SlotInput[], actor: string): Promise<Slot[]> {
    inputs.forEach((input, i) => {
      if (!hasPositiveLength(input)) {
        const field = inputs.length > 1 ? `slots.${i}.end` : 'end';
        throw new DomainError('VALIDATION_FAILED', 'A slot must end after it starts.', { details: [{ field, problems: ['end must be later than start'] }] });
      }
    });
    return this.db.write(async (manager) => {
      // On PostgreSQL this row lock serialises slot creation per office, so two admins cannot
      // both pass the overlap check; SQLite's write queue already does that.
      const office = await this.db.lockForUpdate(manager.createQueryBuilder(Office, 'o').where('o.code = :code', { code: officeCode })).getOne();
      if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
      // A slot on a day already over could never be booked: an admin's typo, not a slot.
      const today = localDateOf(this.clock.now(), office.timeZone);
      const past = inputs.findIndex((input) => input.date < today);
      if (past >= 0) {
        const field = inputs.length > 1 ? `slots.${past}.date` : 'date';
        throw new DomainError('VALIDATION_FAILED', `A slot cannot be on a day that is over (today is ${today}, office time).`, { details: [{ field, problems: ['date must be today or later (office time)'] }] });
      }
      const dates = [...new Set(inputs.map((s) => s.date))];
      const existing = await manager.createQueryBuilder(Slot, 's').where('s.officeCode = :officeCode', { officeCode }).andWhere('s.date IN (:...dates)', { dates }).getMany();
      const overlap = findOverlap(existing, inputs);
      if (overlap) {
        const { slot, clashesWith } = overlap;
        throw new DomainError('SLOT_OVERLAP', `The slot ${slot.date} ${slot.start}-${slot.end} overlaps ${clashesWith.date} ${clashesWith.start}-${clashesWith.end}.`);
      }
      const rows = inputs.map((input) =>
        manager.create(Slot, {
          officeCode,
          date: input.date,
          start: input.start,
          end: input.end,
          startsAt: localToInstant(input.date, input.start, office.timeZone).toISOString(),
          endsAt: localToInstant(input.date, input.end, office.timeZone).toISOString(),
          capacity: input.capacity,
          booked: 0,
        }),
      );
      // Chunked multi-row INSERTs: one statement per 100 slots instead of one per slot.
      for (let i = 0; i < rows.length; i += 100) await manager.insert(Slot, rows.slice(i, i + 100));
      const created = await manager
        .createQueryBuilder(Slot, 's')
        .where('s.officeCode = :officeCode', { officeCode })
        .andWhere('s.date IN (:...dates)', { dates })
        .orderBy('s.date')
        .addOrderBy('s.start')
        .getMany();
      const keys = new Set(inputs.map((s) => `${s.date} ${s.start}`));
      const result = created.filter((s) => keys.has(`${s.date} ${s.start}`));
      await this.audit.record(manager, this.clock.now(), {
        actor,
        action: 'slot.create',
        target: `office:${officeCode}`,
        details: { count: result.length, slotIds: result.map((s) => s.id).slice(0, 100) },
      });
      return result;
    });
  }

  async slotsOn(officeCode: string, date: string | undefined): Promise<Slot[]> {
    const office = await this.get(officeCode);
    const day = date ?? localDateOf(this.clock.now(), office.timeZone);
    return this.reads.manager.find(Slot, { where: { officeCode, date: day }, order: { start: 'ASC' } });
  }
}
