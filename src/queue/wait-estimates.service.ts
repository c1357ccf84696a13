import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import type { ModeName } from '../service-modes/service-mode.policy';
import { Counter } from './counter.entity';
import { estimateWaitMinutes, meanServiceMinutes } from './queue.rules';
import { Ticket } from './ticket.entity';

export interface EstimateBasis {
  meanServiceMinutes: number;
  openCounters: number;
}

@Injectable()
export class WaitEstimatesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What the estimates of an office rest on right now: its recent services and its open counters. */
  async basis(officeCode: string, currentMode: ModeName, manager: EntityManager = this.dataSource.manager): Promise<EstimateBasis> {
    const { estimateSampleSize, estimateMinSamples, defaultServiceMinutes } = this.config.queue;
    const recent = await manager.find(Ticket, {
      select: { startedAt: true, calledAt: true, completedAt: true, completedInMode: true },
      where: { officeCode, status: 'DONE', completedAt: Not(IsNull()) },
      order: { completedAt: 'DESC' },
      take: estimateSampleSize,
    });
    const minutes = (t: Ticket) => (Date.parse(t.completedAt!) - Date.parse(t.startedAt ?? t.calledAt ?? t.completedAt!)) / 60_000;
    const all = recent.map(minutes);
    const inMode = recent.filter((t) => t.completedInMode === currentMode).map(minutes);
    const openCounters = await manager.countBy(Counter, { officeCode, status: 'OPEN' });
    return { meanServiceMinutes: meanServiceMinutes(inMode, all, estimateMinSamples, defaultServiceMinutes), openCounters };
  }

  estimate(position: number, basis: EstimateBasis): number {
    return estimateWaitMinutes(position, basis.meanServiceMinutes, basis.openCounters);
  }
}
