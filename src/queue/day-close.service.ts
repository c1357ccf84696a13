import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { localDateOf } from '../common/local-time';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { DaysToClose, daysToClose } from './day-close.rules';

export interface DayClosed {
  officeCode: string;
  /** The last local day closed. */
  through: string;
  /** Checked in, never called: ticket and appointment are NO_SHOW. */
  unservedTickets: number;
  /** Booked, never checked in: the appointment is NO_SHOW. */
  missedAppointments: number;
  /** Express requests of those tickets and appointments: CANCELLED, out of the release order. */
  expressCancelled: number;
}

/**
 * Closes what an office's day leaves behind once that day is over (office time), so nobody is held
 * by a day that cannot come back: call-next only calls today's tickets, cancel and reschedule need
 * BOOKED, and every BOOKED or CHECKED_IN appointment counts as the NIK's one active booking.
 * - A ticket still WAITING becomes NO_SHOW, and its appointment with it: the person was not served
 *   that day (the office sent them home or they left), and may book again at once.
 * - An appointment still BOOKED whose slot was that day becomes NO_SHOW: it was missed.
 * - Their express requests, ACTIVE or DEFERRED, are CANCELLED: a deferred one would otherwise keep
 *   its place in the release order, ahead of people still waiting for theirs.
 * - CALLED and SERVING tickets are left alone: each is its counter's current ticket, which the
 *   counter's staff finish (complete or no-show) as on any day.
 * Each office's last closed day is kept (`offices.closedThrough`), so each day is closed once, a
 * restart closes the days it missed, and instances running it at once change each row once
 * (every UPDATE is conditional on the status it moves from).
 */
@Injectable()
export class DayCloseService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DayCloseService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: TransactionRunner,
    private readonly sql: Sql,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.dayCloseIntervalMs === 0) return;
    this.timer = setInterval(() => this.kick(), this.config.dayCloseIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private kick(): void {
    if (!this.timer || this.running) return;
    this.running = this.closeEndedDays()
      .catch((error) => this.logger.error(`closing ended days failed: ${(error as Error).message}`))
      .finally(() => (this.running = null));
  }

  /**
   * Closes every office's ended days not closed yet: one short write per stretch of days, and only
   * for offices with any. One office failing is logged and does not hold up the others.
   */
  async closeEndedDays(): Promise<DayClosed[]> {
    const now = this.clock.now();
    const offices = await this.sql.all<{ code: string; timeZone: string; createdAt: string; closedThrough: string | null }>(
      `SELECT code, "timeZone", "createdAt", "closedThrough" FROM offices`,
      [],
    );
    const closed: DayClosed[] = [];
    for (const office of offices) {
      const today = localDateOf(now, office.timeZone);
      const createdOn = localDateOf(new Date(office.createdAt), office.timeZone);
      try {
        let closedThrough = office.closedThrough;
        for (let days = daysToClose(closedThrough, createdOn, today); days; days = daysToClose(closedThrough, createdOn, today)) {
          closed.push(await this.db.write((manager) => this.closeOffice(manager, office.code, days!, now)));
          closedThrough = days.through;
        }
      } catch (error) {
        this.logger.error(`closing the ended days of office ${office.code} failed: ${(error as Error).message}`);
      }
    }
    return closed;
  }

  private async closeOffice(manager: EntityManager, officeCode: string, { after, through }: DaysToClose, now: Date): Promise<DayClosed> {
    const at = now.toISOString();
    const days = [officeCode, after, through];
    // Tickets before appointments, as a counter's actions lock them (on PostgreSQL the other order could deadlock with one).
    const unserved = await this.sql.run(`UPDATE tickets SET status = 'NO_SHOW' WHERE "officeCode" = ? AND "serviceDate" > ? AND "serviceDate" <= ? AND status = 'WAITING'`, days, manager);
    // A CHECKED_IN appointment whose ticket is NO_SHOW is one of those: a counter's no-show moves both.
    await this.sql.run(
      `UPDATE appointments SET status = 'NO_SHOW', "updatedAt" = ? WHERE status = 'CHECKED_IN' AND id IN (
         SELECT "appointmentId" FROM tickets WHERE "officeCode" = ? AND "serviceDate" > ? AND "serviceDate" <= ? AND status = 'NO_SHOW' AND "appointmentId" IS NOT NULL)`,
      [at, ...days],
      manager,
    );
    const missed = await this.sql.run(
      `UPDATE appointments SET status = 'NO_SHOW', "updatedAt" = ? WHERE status = 'BOOKED' AND "slotId" IN (SELECT id FROM slots WHERE "officeCode" = ? AND date > ? AND date <= ?)`,
      [at, ...days],
      manager,
    );
    // Their express requests: those of the tickets just closed (and of any no-show of those days), and
    // those of the missed appointments. One at a counter (CALLED, SERVING) stays. Found through the
    // tickets' and appointments' own indexes, not by walking every request the office ever had
    // (`<> 'CANCELLED'`, not `IN ('ACTIVE', 'DEFERRED')`: SQLite would walk the status index instead).
    const express = await this.sql.run(
      `UPDATE express_requests SET status = 'CANCELLED', "cancelledAt" = ?
        WHERE status <> 'CANCELLED' AND "fulfilledAt" IS NULL AND (
          "ticketId" IN (SELECT id FROM tickets WHERE "officeCode" = ? AND "serviceDate" > ? AND "serviceDate" <= ? AND status = 'NO_SHOW')
          OR "appointmentId" IN (SELECT a.id FROM slots s JOIN appointments a ON a."slotId" = s.id
                                  WHERE s."officeCode" = ? AND s.date > ? AND s.date <= ? AND a.status = 'NO_SHOW'))`,
      [at, ...days, ...days],
      manager,
    );
    if (!this.sql.isPostgres) {
      // The kept waiting counts (SQLite's check-in positions) of closed days are all 0 now: one row less per office-day.
      await this.sql.run(`DELETE FROM waiting_counts WHERE "officeCode" = ? AND "serviceDate" > ? AND "serviceDate" <= ? AND waiting = 0`, days, manager);
    }
    await this.sql.run(`UPDATE offices SET "closedThrough" = ? WHERE code = ? AND ("closedThrough" IS NULL OR "closedThrough" < ?)`, [through, officeCode, through], manager);
    const result = { officeCode, through, unservedTickets: unserved.changes, missedAppointments: missed.changes, expressCancelled: express.changes };
    if (unserved.changes > 0 || missed.changes > 0 || express.changes > 0) {
      const { unservedTickets, missedAppointments, expressCancelled } = result;
      await this.audit.record(manager, now, { actor: 'system', action: 'office.day.close', target: `office:${officeCode}`, details: { through, unservedTickets, missedAppointments, expressCancelled } });
    }
    return result;
  }
}
