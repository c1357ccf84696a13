import { Injectable } from '@nestjs/common';
import { DataSource, Not, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { localDateOf } from '../common/local-time';
import { Office } from '../offices/office.entity';
import { ServiceModesService } from '../service-modes/service-modes.service';
import { Counter } from './counter.entity';
import { Ticket } from './ticket.entity';
import { WaitEstimatesService } from './wait-estimates.service';

export interface Board {
  officeCode: string;
  mode: string;
  /** The public notice of the mode, when there is one. */
  message: string | null;
  nowServing: Array<{ ticketNumber: string; counterNumber: number; status: string }>;
  /** Today's waiting tickets. */
  waiting: number;
  /** Estimated wait for someone joining today's queue now. */
  estimatedWaitMinutes: number;
  openCounters: number;
}

/** The waiting-room display: who is called where, how many wait, how long a newcomer waits. */
@Injectable()
export class BoardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly modes: ServiceModesService,
    private readonly estimates: WaitEstimatesService,
    private readonly clock: Clock,
  ) {}

  async board(officeCode: string): Promise<Board> {
    const manager = this.dataSource.manager;
    const office = await manager.findOneBy(Office, { code: officeCode });
    if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
    const today = localDateOf(this.clock.now(), office.timeZone);
    const [mode, counters, waiting] = await Promise.all([
      this.modes.effectiveForDisplay(officeCode),
      manager.find(Counter, { where: { officeCode, currentTicketId: Not(IsNull()) }, order: { number: 'ASC' } }),
      manager.countBy(Ticket, { officeCode, status: 'WAITING', serviceDate: today }),
    ]);
    const current = counters.length ? await manager.findBy(Ticket, counters.map((c) => ({ id: c.currentTicketId! }))) : [];
    const byId = new Map(current.map((t) => [t.id, t]));
    const basis = await this.estimates.basis(officeCode, mode.mode);
    return {
      officeCode,
      mode: mode.mode,
      message: mode.message,
      nowServing: counters
        .map((c) => ({ counter: c, ticket: byId.get(c.currentTicketId!) }))
        .filter((x) => x.ticket)
        .map(({ counter, ticket }) => ({ ticketNumber: ticket!.number, counterNumber: counter.number, status: ticket!.status })),
      waiting,
      estimatedWaitMinutes: this.estimates.estimate(waiting + 1, basis),
      openCounters: basis.openCounters,
    };
  }
}
