import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import { ExpressRequest } from '../appointments/express-request.entity';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { CommittedReads } from '../database/committed-reads';
import { Sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { syncExpressFlags } from '../queue/call-order-sync';
import { Office } from '../offices/office.entity';
import { SwitchModeDto } from './dto/switch-mode.dto';
import { ServiceModeChange } from './service-mode-change.entity';
import { GLOBAL_SCOPE, ServiceMode } from './service-mode.entity';
import { expressTransitionOnSwitch, ModeName } from './service-mode.policy';

const MODES_OF_OFFICE = `SELECT scope, mode, "expressPolicy", "bookingPolicy", reason, message, "expectedRecoveryAt", "changedBy", "changedAt", version FROM service_modes WHERE scope IN ('global', ?)`;
const DISPLAY_CACHE_MS = 250;

export function modeView(mode: ServiceMode) {
  return {
    scope: mode.scope,
    mode: mode.mode,
    expressPolicy: mode.expressPolicy,
    bookingPolicy: mode.bookingPolicy,
    reason: mode.reason,
    message: mode.message,
    expectedRecoveryAt: mode.expectedRecoveryAt,
    changedBy: mode.changedBy,
    changedAt: mode.changedAt,
    version: mode.version,
  };
}

@Injectable()
export class ServiceModesService {
  /** Called after a switch commits that may have released deferred express requests. */
  private releaseListener: () => void = () => undefined;
  private readonly displayCache = new Map<string, { mode: ServiceMode; at: number }>();

  constructor(
    private readonly reads: CommittedReads,
    private readonly db: TransactionRunner,
    private readonly sql: Sql,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onRelease(listener: () => void): void {
    this.releaseListener = listener;
  }

  async globalMode(manager?: EntityManager): Promise<ServiceMode> {
    const global = await (manager ?? this.reads.manager).findOneBy(ServiceMode, { scope: GLOBAL_SCOPE });
    if (!global) throw new Error('The global service mode row is missing; were the migrations run?');
    return global;
  }

  /** The mode in force for an office: its override, or else the global mode. */
  async effectiveFor(officeCode: string, manager?: EntityManager): Promise<ServiceMode> {
    const rows = await this.sql.all<ServiceMode>(MODES_OF_OFFICE, [officeCode], manager);
    return rows.find((r) => r.scope === officeCode) ?? rows.find((r) => r.scope === GLOBAL_SCOPE)!;
  }

  /**
   * The effective mode for displays and estimates (board, ticket views), cached for a quarter of
   * a second: a switch made anywhere shows within that, and at once in the instance that made it.
   * Writes that depend on the mode use effectiveForWrite, which always reads the database.
   */
  async effectiveForDisplay(officeCode: string, manager?: EntityManager): Promise<ServiceMode> {
    const cached = this.displayCache.get(officeCode);
    if (cached && Date.now() - cached.at < DISPLAY_CACHE_MS) return cached.mode;
    const mode = await this.effectiveFor(officeCode, manager);
    this.displayCache.set(officeCode, { mode, at: Date.now() });
    return mode;
  }

  /**
   * The mode for a write that depends on it (express, booking, tickets). On PostgreSQL it takes
   * shared locks on the global mode row and the office row; a switch locks one of them for update,
   * so a write and a switch never interleave: a write either commits before the switch (and the
   * switch then sees and defers what it wrote) or reads the new mode.
   */
  async effectiveForWrite(manager: EntityManager, officeCode: string): Promise<ServiceMode> {
    if (this.db.isPostgres) {
      await this.shareGlobalMode(manager);
      await this.db.lockForShare(manager.createQueryBuilder(Office, 'o').where('o.code = :code', { code: officeCode })).getOne();
    }
    return this.effectiveFor(officeCode, manager);
  }

  /**
   * The releaser's locks on PostgreSQL, taken in a booking's order: first the global mode row, then
   * (once it has claimed a batch) the offices of that batch, all shared. A switch locks one of these
   * rows for update, so it either commits before the lock is granted (and the releaser, reading the
   * modes after it, sees the switch) or waits until the release has committed (and then defers what
   * was released). Locking only offices that had deferred requests before the batch was claimed is
   * not enough: a switch to DEGRADED defers an office's ACTIVE requests in the meantime.
   */
  async lockGlobalModeForRelease(manager: EntityManager): Promise<void> {
    await this.shareGlobalMode(manager);
  }

  async lockOfficesForRelease(manager: EntityManager, officeCodes: string[]): Promise<void> {
    if (!this.db.isPostgres || officeCodes.length === 0) return;
    await this.db
      .lockForShare(manager.createQueryBuilder(Office, 'o').where('o.code IN (:...officeCodes)', { officeCodes }).orderBy('o.code'))
      .getMany();
  }

  async requireOffice(officeCode: string): Promise<void> {
    if (!(await this.reads.manager.existsBy(Office, { code: officeCode }))) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
  }

  async overview() {
    const [rows, offices] = await Promise.all([this.reads.manager.find(ServiceMode), this.reads.manager.find(Office, { order: { code: 'ASC' } })]);
    const global = rows.find((r) => r.scope === GLOBAL_SCOPE)!;
    const overrides = new Map(rows.filter((r) => r.scope !== GLOBAL_SCOPE).map((r) => [r.scope, r]));
    return {
      global: modeView(global),
      offices: offices.map((office) => {
        const override = overrides.get(office.code);
        return { officeCode: office.code, effective: modeView(override ?? global), override: override ? modeView(override) : null };
      }),
    };
  }

  async switchGlobal(input: SwitchModeDto, actor: string, expectedVersion?: number): Promise<ServiceMode> {
    const result = await this.db.write(async (manager) => {
      const current = await this.db.lockForUpdate(manager.createQueryBuilder(ServiceMode, 'm').where('m.scope = :scope', { scope: GLOBAL_SCOPE })).getOneOrFail();
      this.checkVersion(current.version, expectedVersion);
      const overridden = (await manager.find(ServiceMode, { select: { scope: true }, where: { scope: Not(GLOBAL_SCOPE) } })).map((r) => r.scope);
      const affected = (await manager.find(Office, { select: { code: true }, where: overridden.length ? { code: Not(In(overridden)) } : {} })).map((o) => o.code);
      const next = await this.writeMode(manager, GLOBAL_SCOPE, current, input, actor);
      await this.applyExpressTransition(manager, current.mode, next.mode, affected);
      return { next, released: next.mode === 'NORMAL' && current.mode !== 'NORMAL' };
    });
    this.displayCache.clear();
    if (result.released) this.releaseListener();
    return result.next;
  }

  async switchOffice(officeCode: string, input: SwitchModeDto, actor: string, expectedVersion?: number): Promise<ServiceMode> {
    const result = await this.db.write(async (manager) => {
      await this.lockOffice(manager, officeCode);
      const override = await manager.findOneBy(ServiceMode, { scope: officeCode });
      if (!override && expectedVersion !== undefined && expectedVersion !== 0) {
        // The version a client sees for an office without an override is the global mode's: say what to send instead.
        throw new DomainError('VERSION_CONFLICT', `Office ${officeCode} has no override of its own (it follows the global mode): send If-Match: "0" to create one, or no If-Match.`);
      }
      this.checkVersion(override?.version ?? 0, expectedVersion);
      const before = override ?? (await this.globalMode(manager));
      const next = await this.writeMode(manager, officeCode, override, input, actor, before.mode);
      await this.applyExpressTransition(manager, before.mode, next.mode, [officeCode]);
      return { next, released: next.mode === 'NORMAL' && before.mode !== 'NORMAL' };
    });
    this.displayCache.clear();
    if (result.released) this.releaseListener();
    return result.next;
  }

  /** Removes an office's override: the office follows the global mode again. */
  async clearOverride(officeCode: string, actor: string, expectedVersion?: number): Promise<ServiceMode> {
    const result = await this.db.write(async (manager) => {
      await this.lockOffice(manager, officeCode);
      const override = await manager.findOneBy(ServiceMode, { scope: officeCode });
      const global = await this.globalMode(manager);
      if (!override) {
        // "0" is no override's version, as for PUT: any other precondition fails, in the same transaction that looked.
        if (expectedVersion !== undefined && expectedVersion !== 0) {
          throw new DomainError('VERSION_CONFLICT', `Office ${officeCode} has no override of its own (it follows the global mode), so there is none to remove: send If-Match: "0", or no If-Match.`);
        }
        return { next: global, released: false };
      }
      this.checkVersion(override.version, expectedVersion);
      await manager.delete(ServiceMode, { scope: officeCode });
      const now = this.clock.now();
      await manager.insert(ServiceModeChange, {
        scope: officeCode,
        fromMode: override.mode,
        toMode: global.mode,
        expressPolicy: global.expressPolicy,
        bookingPolicy: global.bookingPolicy,
        reason: overrideRemovedReason(global.reason),
        changedBy: actor,
        changedAt: now.toISOString(),
      });
      await this.audit.record(manager, now, { actor, action: 'service-mode.override.remove', target: `office:${officeCode}`, details: { from: override.mode, to: global.mode } });
      await this.applyExpressTransition(manager, override.mode, global.mode, [officeCode]);
      return { next: global, released: global.mode === 'NORMAL' && override.mode !== 'NORMAL' };
    });
    this.displayCache.clear();
    if (result.released) this.releaseListener();
    return result.next;
  }

  async historyOf(scope: string | undefined, limit = 200): Promise<ServiceModeChange[]> {
    return this.reads.manager.find(ServiceModeChange, { where: scope ? { scope } : {}, order: { id: 'DESC' }, take: limit });
  }

  /**
   * An office's switch locks the global mode row (shared) and then the office row (for update), the
   * order every writer takes them in. A global switch then either commits before (and this switch
   * reads the global mode it left) or waits until this one has committed (and sees the office's
   * override as it now is). Without the first lock, removing a NORMAL override while the global mode
   * went DEGRADED left the office's express requests ACTIVE.
   */
  private async lockOffice(manager: EntityManager, officeCode: string): Promise<void> {
    await this.shareGlobalMode(manager);
    const office = await this.db.lockForUpdate(manager.createQueryBuilder(Office, 'o').where('o.code = :code', { code: officeCode })).getOne();
    if (!office) throw new DomainError('OFFICE_NOT_FOUND', `There is no office with code ${officeCode}.`);
  }

  /** FOR SHARE on the global mode row (PostgreSQL), the row a global switch locks for update. */
  private async shareGlobalMode(manager: EntityManager): Promise<void> {
    if (this.db.isPostgres) await this.db.lockForShare(manager.createQueryBuilder(ServiceMode, 'm').where('m.scope = :scope', { scope: GLOBAL_SCOPE })).getOne();
  }

  private checkVersion(current: number, expected: number | undefined): void {
    if (expected !== undefined && expected !== current) {
      throw new DomainError('VERSION_CONFLICT', `The mode was changed meanwhile (version ${current}, you sent ${expected}). Reload and try again.`);
    }
  }

  private async writeMode(
    manager: EntityManager,
    scope: string,
    current: ServiceMode | null,
    input: SwitchModeDto,
    actor: string,
    fromMode: ModeName = current?.mode ?? 'NORMAL',
  ): Promise<ServiceMode> {
    const now = this.clock.now();
    // A new override never reuses a version an earlier, removed override of the scope had: every
    // change adds a history row, so counting them gives a number above all earlier versions, and a
    // stale If-Match from before the removal still fails.
    const version = current ? current.version + 1 : (await manager.countBy(ServiceModeChange, { scope })) + 1;
    const next = manager.create(ServiceMode, {
      scope,
      mode: input.mode,
      expressPolicy: input.expressPolicy ?? 'REJECT',
      bookingPolicy: input.bookingPolicy ?? 'OPEN',
      reason: input.reason,
      message: input.message ?? null,
      expectedRecoveryAt: input.expectedRecoveryAt ? new Date(input.expectedRecoveryAt).toISOString() : null,
      changedBy: actor,
      changedAt: now.toISOString(),
      version,
    });
    if (current) await manager.update(ServiceMode, { scope, version: current.version }, next);
    else await manager.insert(ServiceMode, next);
    await manager.insert(ServiceModeChange, {
      scope,
      fromMode,
      toMode: next.mode,
      expressPolicy: next.expressPolicy,
      bookingPolicy: next.bookingPolicy,
      reason: next.reason,
      changedBy: actor,
      changedAt: next.changedAt,
    });
    await this.audit.record(manager, now, {
      actor,
      action: 'service-mode.switch',
      target: scope === GLOBAL_SCOPE ? 'service-mode:global' : `office:${scope}`,
      details: { from: fromMode, to: next.mode, expressPolicy: next.expressPolicy, bookingPolicy: next.bookingPolicy, reason: next.reason, version: next.version },
    });
    return next;
  }

  /** To DEGRADED: every ACTIVE express request not yet done is deferred, in the same transaction. */
  private async applyExpressTransition(manager: EntityManager, from: ModeName, to: ModeName, officeCodes: string[]): Promise<void> {
    if (expressTransitionOnSwitch(from, to) !== 'DEFER_ACTIVE' || officeCodes.length === 0) return;
    await manager.update(
      ExpressRequest,
      { status: 'ACTIVE', fulfilledAt: IsNull(), officeCode: In(officeCodes) },
      { status: 'DEFERRED', deferredAt: this.clock.now().toISOString() },
    );
    // Deferred requests no longer put their tickets ahead in the queue.
    await syncExpressFlags(manager, officeCodes);
  }
}

/** The history's reason for a removed override, quoting the global one within the column's 500 characters. */
export function overrideRemovedReason(globalReason: string): string {
  const opening = 'Override removed; follows the global mode (';
  const room = 500 - opening.length - 1;
  return `${opening}${globalReason.length > room ? `${globalReason.slice(0, room - 1)}…` : globalReason})`;
}
