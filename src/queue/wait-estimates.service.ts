import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { Sql } from '../database/sql';
import type { ModeName } from '../service-modes/service-mode.policy';
import { estimateWaitMinutes, meanServiceMinutes } from './queue.rules';

export interface EstimateBasis {
  meanServiceMinutes: number;
  openCounters: number;
}

/** Estimates are read far more often than services finish; this long a basis is reused. */
const BASIS_CACHE_MS = 1000;

@Injectable()
export class WaitEstimatesService {
  private readonly cache = new Map<string, { basis: EstimateBasis; at: number }>();

  constructor(
    private readonly sql: Sql,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * What the estimates of an office rest on: its recent completed services and its open counters.
   * Cached for a second, and dropped at once when this instance completes a service or opens,
   * pauses or closes a counter (see `changed`).
   *
   * Inside a write job pass its `manager`: on PostgreSQL a read on another pooled connection while
   * the job holds one could wait for a free connection that never comes.
   */
  async basis(officeCode: string, currentMode: ModeName, manager?: EntityManager): Promise<EstimateBasis> {
    const key = `${officeCode}\n${currentMode}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < BASIS_CACHE_MS) return cached.basis;
    const { estimateSampleSize, estimateMinSamples, defaultServiceMinutes } = this.config.queue;
    const [recent, open] = await Promise.all([
      this.sql.all<{ startedAt: string | null; calledAt: string | null; completedAt: string; completedInMode: string | null }>(
        `SELECT "startedAt", "calledAt", "completedAt", "completedInMode" FROM tickets
          WHERE "officeCode" = ? AND status = 'DONE' AND "completedAt" IS NOT NULL ORDER BY "completedAt" DESC LIMIT ?`,
        [officeCode, estimateSampleSize],
        manager,
      ),
      this.sql.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM counters WHERE "officeCode" = ? AND status = 'OPEN'`, [officeCode], manager),
    ]);
    const minutes = (t: (typeof recent)[number]) => (Date.parse(t.completedAt) - Date.parse(t.startedAt ?? t.calledAt ?? t.completedAt)) / 60_000;
    const all = recent.map(minutes);
    const inMode = recent.filter((t) => t.completedInMode === currentMode).map(minutes);
    const basis = { meanServiceMinutes: meanServiceMinutes(inMode, all, estimateMinSamples, defaultServiceMinutes), openCounters: Number(open?.n ?? 0) };
    this.cache.set(key, { basis, at: Date.now() });
    return basis;
  }

  /** Something the estimates of an office rest on changed in this instance. */
  changed(officeCode: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${officeCode}\n`)) this.cache.delete(key);
  }

  estimate(position: number, basis: EstimateBasis): number {
    return estimateWaitMinutes(position, basis.meanServiceMinutes, basis.openCounters);
  }
}
