import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { Appointment } from '../appointments/appointment.entity';
import { ExpressRequest } from '../appointments/express-request.entity';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import { syncExpressFlags } from '../queue/call-order-sync';
import { Ticket } from '../queue/ticket.entity';
import { GLOBAL_SCOPE, ServiceMode } from './service-mode.entity';
import { ModeName } from './service-mode.policy';
import { ServiceModesService } from './service-modes.service';

/**
 * Releases DEFERRED express requests of offices whose effective mode is NORMAL again, oldest first,
 * in bounded batches (one short write transaction each) so a long backlog never stalls the API.
 *
 * It works from the database state alone, so it finishes after a restart half-way, and several
 * instances can run it at once: each batch claims rows with a conditional UPDATE (and, on
 * PostgreSQL, FOR UPDATE SKIP LOCKED), so every request is released exactly once.
 */
@Injectable()
export class ExpressReleaseService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpressReleaseService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private again = false;
  /** Requests this instance has moved out of DEFERRED (released or cancelled), since start. */
  releasedByThisInstance = 0;

  constructor(
    private readonly db: TransactionRunner,
    private readonly modes: ServiceModesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    modes.onRelease(() => this.kick());
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.serviceModes.releaseIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops before the database closes, letting a running batch finish. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.again = false;
    await this.idle();
  }

  /** Starts a release run unless one is going; a kick during a run makes it go round once more. */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.releaseAll()
      .catch((error) => {
        this.logger.error(`express release failed: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no release run is in progress (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Releases batches until nothing releasable is left; returns how many requests changed. */
  async releaseAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await this.releaseBatch();
      total += changed;
      if (changed < this.config.serviceModes.releaseBatchSize) return total;
    }
  }

  async releaseBatch(): Promise<number> {
    return this.db.write(async (manager) => {
      await this.modes.lockGlobalModeForRelease(manager);
      const rows = await manager.find(ServiceMode, {});
      const global = rows.find((r) => r.scope === GLOBAL_SCOPE)!;
      const overrides = rows.filter((r) => r.scope !== GLOBAL_SCOPE);
      const degradedOverrides = overrides.filter((r) => r.mode === 'DEGRADED').map((r) => r.scope);
      const normalOverrides = overrides.filter((r) => r.mode === 'NORMAL').map((r) => r.scope);

      let query = manager.createQueryBuilder(ExpressRequest, 'er').where('er.status = :status', { status: 'DEFERRED' });
      if (global.mode === 'NORMAL') {
        if (degradedOverrides.length) query = query.andWhere('er.officeCode NOT IN (:...degraded)', { degraded: degradedOverrides });
      } else {
        if (!normalOverrides.length) return { seen: 0, changed: 0 };
        query = query.andWhere('er.officeCode IN (:...normal)', { normal: normalOverrides });
      }
      query = query.orderBy('er.requestedAt', 'ASC').addOrderBy('er.id', 'ASC').limit(this.config.serviceModes.releaseBatchSize);
      if (this.db.isPostgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const claimed = await query.getMany();
      if (claimed.length === 0) return { seen: 0, changed: 0 };

      let batch = claimed;
      if (this.db.isPostgres) {
        // An office may have switched to DEGRADED since the modes were read. With its row locked,
        // the mode read now is final until this release commits.
        await this.modes.lockOfficesForRelease(manager, distinct(claimed.map((r) => r.officeCode)));
        const modesNow = await manager.find(ServiceMode, {});
        batch = claimed.filter((r) => effectiveModeOf(r.officeCode, modesNow) === 'NORMAL');
      }

      const appointmentIds = batch.map((r) => r.appointmentId).filter((id): id is number => id !== null);
      const gone = appointmentIds.length
        ? new Set((await manager.find(Appointment, { select: { id: true }, where: { id: In(appointmentIds), status: In(['CANCELLED', 'NO_SHOW']) } })).map((a) => a.id))
        : new Set<number>();
      // A walk-in who never came to the counter has nothing left to express.
      const ticketIds = batch.filter((r) => r.appointmentId === null && r.ticketId !== null).map((r) => r.ticketId!);
      const noShowTickets = ticketIds.length
        ? new Set((await manager.find(Ticket, { select: { id: true }, where: { id: In(ticketIds), status: 'NO_SHOW' } })).map((t) => t.id))
        : new Set<number>();
      const now = this.clock.now().toISOString();
      // And one served while deferred (counters end those at once; this catches rows from before they did).
      const cancelIds = batch
        .filter((r) => (r.appointmentId !== null && gone.has(r.appointmentId)) || (r.ticketId !== null && noShowTickets.has(r.ticketId)) || r.fulfilledAt !== null)
        .map((r) => r.id);
      const releaseIds = batch.filter((r) => !cancelIds.includes(r.id)).map((r) => r.id);
      let changed = 0;
      if (releaseIds.length) changed += (await manager.update(ExpressRequest, { id: In(releaseIds), status: 'DEFERRED' }, { status: 'ACTIVE', releasedAt: now })).affected ?? 0;
      if (cancelIds.length) changed += (await manager.update(ExpressRequest, { id: In(cancelIds), status: 'DEFERRED' }, { status: 'CANCELLED', cancelledAt: now })).affected ?? 0;
      await syncExpressFlags(manager, distinct(batch.map((r) => r.officeCode)));
      return { seen: claimed.length, changed };
    }).then(({ seen, changed }) => {
      this.releasedByThisInstance += changed;
      return seen;
    });
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** The mode an office is in, given every mode row: its own override, else the global mode. */
function effectiveModeOf(officeCode: string, modes: ServiceMode[]): ModeName {
  return (modes.find((r) => r.scope === officeCode) ?? modes.find((r) => r.scope === GLOBAL_SCOPE)!).mode;
}
