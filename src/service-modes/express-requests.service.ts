import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Appointment } from '../appointments/appointment.entity';
import { ExpressRequest, ExpressStatus } from '../appointments/express-request.entity';
import { CommittedReads } from '../database/committed-reads';
import { Ticket } from '../queue/ticket.entity';

export interface ExpressView {
  status: ExpressStatus;
  requestedAt: string;
  position?: number;
  releasedAt?: string;
}

/** The `express` object on appointments and tickets. */
export function expressView(request: ExpressRequest, position?: number): ExpressView {
  const view: ExpressView = { status: request.status, requestedAt: request.requestedAt };
  if (request.status === 'DEFERRED' && position !== undefined) view.position = position;
  if (request.releasedAt) view.releasedAt = request.releasedAt;
  return view;
}

@Injectable()
export class ExpressRequestsService {
  constructor(private readonly reads: CommittedReads) {}

  /** 1-based place of a DEFERRED request in its office's release order. */
  async positionOf(request: ExpressRequest, manager?: EntityManager): Promise<number | undefined> {
    if (request.status !== 'DEFERRED') return undefined;
    const ahead = await (manager ?? this.reads.manager)
      .createQueryBuilder(ExpressRequest, 'er')
      .where('er.officeCode = :office AND er.status = :status', { office: request.officeCode, status: 'DEFERRED' })
      .andWhere('(er.requestedAt < :at OR (er.requestedAt = :at AND er.id < :id))', { at: request.requestedAt, id: request.id })
      .getCount();
    return ahead + 1;
  }

  async viewOf(request: ExpressRequest | null, manager?: EntityManager): Promise<ExpressView | null> {
    if (!request) return null;
    return expressView(request, await this.positionOf(request, manager));
  }

  /** Requests in release order (oldest first), with where they came from. */
  async list(filter: { officeCode?: string; status?: ExpressStatus }, limit = 1000) {
    let query = this.reads.manager
      .createQueryBuilder(ExpressRequest, 'er')
      .leftJoin(Appointment, 'a', 'a.id = er.appointmentId')
      .leftJoin(Ticket, 't', 't.id = er.ticketId')
      .select(['er.id', 'er.officeCode', 'er.serviceDate', 'er.status', 'er.requestedAt', 'er.deferredAt', 'er.releasedAt', 'er.cancelledAt', 'er.fulfilledAt'])
      .addSelect('a.code', 'appointmentCode')
      .addSelect('t.number', 'ticketNumber');
    if (filter.officeCode) query = query.andWhere('er.officeCode = :office', { office: filter.officeCode });
    if (filter.status) query = query.andWhere('er.status = :status', { status: filter.status });
    const rows = await query.orderBy('er.requestedAt', 'ASC').addOrderBy('er.id', 'ASC').limit(limit).getRawMany<Record<string, string | number | null>>();
    const positions = new Map<string, number>();
    return rows.map((row) => {
      const status = row.er_status as ExpressStatus;
      const office = row.er_officeCode as string;
      let position: number | undefined;
      if (status === 'DEFERRED' && filter.status === 'DEFERRED') {
        position = (positions.get(office) ?? 0) + 1;
        positions.set(office, position);
      }
      return {
        id: Number(row.er_id),
        officeCode: office,
        serviceDate: row.er_serviceDate,
        appointmentCode: row.appointmentCode ?? null,
        ticketNumber: row.ticketNumber ?? null,
        status,
        requestedAt: row.er_requestedAt,
        deferredAt: row.er_deferredAt,
        releasedAt: row.er_releasedAt,
        cancelledAt: row.er_cancelledAt,
        fulfilledAt: row.er_fulfilledAt,
        ...(position !== undefined ? { position } : {}),
      };
    });
  }
}
