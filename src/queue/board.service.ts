import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { localDateOf } from '../common/local-time';
import { Sql } from '../database/sql';
import { ServiceModesService } from '../service-modes/service-modes.service';
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

/**
 * The waiting-room display: who is called where, how many wait, how long a newcomer waits. Every
 * display of every office polls it, so it reads through `Sql` (on SQLite, the read connections:
 * committed data only, never queued behind the writer) in three statements, two of them together.
 */
@Injectable()
export class BoardService {
  constructor(
    private readonly sql: Sql,
    private readonly modes: ServiceModesService,
    private readonly estimates: WaitEstimatesService,
    private readonly clock: Clock,
  ) {}

  async board(officeCode: string): Promise<Board> {
    const office = await this.sql.get<{ timeZone: string }>(`SELECT "timeZone" FROM offices WHERE code = ?`, [officeCode]);
    if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
    const today = localDateOf(this.clock.now(), office.timeZone);
    const [mode, nowServing, waiting] = await Promise.all([
      this.modes.effectiveForDisplay(officeCode),
      this.sql.all<{ ticketNumber: string; counterNumber: number; status: string }>(NOW_SERVING, [officeCode]),
      this.sql.get<{ n: number | string }>(WAITING_TODAY, [officeCode, today]),
    ]);
    const basis = await this.estimates.basis(officeCode, mode.mode);
    const waitingCount = Number(waiting?.n ?? 0);
    return {
      officeCode,
      mode: mode.mode,
      message: mode.message,
      nowServing: nowServing.map((row) => ({ ticketNumber: row.ticketNumber, counterNumber: Number(row.counterNumber), status: row.status })),
      waiting: waitingCount,
      estimatedWaitMinutes: this.estimates.estimate(waitingCount + 1, basis),
      openCounters: basis.openCounters,
    };
  }
}

/** The office's counters holding a ticket, in counter order, with that ticket. */
const NOW_SERVING = `
  SELECT t.number AS "ticketNumber", c.number AS "counterNumber", t.status
    FROM counters c JOIN tickets t ON t.id = c."currentTicketId"
   WHERE c."officeCode" = ?
   ORDER BY c.number`;

const WAITING_TODAY = `SELECT COUNT(*) AS n FROM tickets WHERE "officeCode" = ? AND status = 'WAITING' AND "serviceDate" = ?`;
