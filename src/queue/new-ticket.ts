import { localDateOf } from '../common/local-time';
import { callKey, ticketNumber } from './queue.rules';
import type { Ticket } from './ticket.entity';

/** What decides a new ticket, besides its office, the moment and its number. */
export interface TicketFacts {
  kind: 'APPOINTMENT' | 'WALK_IN';
  appointmentId: number | null;
  serviceType: Ticket['serviceType'];
  priority: boolean;
  manual: boolean;
  slotStartsAt: string | null;
  expressActive: boolean;
  applicant?: { name: string; nik: string; phone: string };
}

/** The office-local day a ticket issued now belongs to (its queue is that day's). */
export function serviceDateOf(now: Date, office: { timeZone: string }): string {
  return localDateOf(now, office.timeZone);
}

/** A WAITING ticket of `serviceDate` (see serviceDateOf), not yet saved (id 0), numbered from the day's sequence of its kind. */
export function newTicket(officeCode: string, serviceDate: string, now: Date, sequence: number, facts: TicketFacts): Ticket {
  const number = ticketNumber(facts.kind, sequence);
  const checkedInAt = now.toISOString();
  return {
    id: 0,
    officeCode,
    serviceDate,
    number,
    kind: facts.kind,
    appointmentId: facts.appointmentId,
    serviceType: facts.serviceType,
    priority: facts.priority,
    status: 'WAITING',
    counterNumber: null,
    manual: facts.manual,
    slotStartsAt: facts.slotStartsAt,
    applicantName: facts.applicant?.name ?? null,
    applicantNik: facts.applicant?.nik ?? null,
    applicantPhone: facts.applicant?.phone ?? null,
    checkedInAt,
    calledAt: null,
    startedAt: null,
    completedAt: null,
    completedInMode: null,
    recallCount: 0,
    callKey: callKey({ priority: facts.priority, expressActive: facts.expressActive, kind: facts.kind, slotStartsAt: facts.slotStartsAt, checkedInAt, number }),
  };
}
