import { EntityManager } from 'typeorm';
import { DailySequence } from './daily-sequence.entity';

/*
 * Per-office, per-day counters changed only by single UPDATE statements. On PostgreSQL the UPDATE
 * takes the row lock, so concurrent transactions queue on it and each reads its own value.
 */

async function ensureRow(manager: EntityManager, officeCode: string, serviceDate: string, name: string): Promise<void> {
  await manager.createQueryBuilder().insert().into(DailySequence).values({ officeCode, serviceDate, name, value: 0 }).orIgnore().execute();
}

/** Takes one unit of a daily quota; false when `limit` are already taken. */
export async function takeFromQuota(manager: EntityManager, officeCode: string, serviceDate: string, name: string, limit: number): Promise<boolean> {
  await ensureRow(manager, officeCode, serviceDate, name);
  const result = await manager
    .createQueryBuilder()
    .update(DailySequence)
    .set({ value: () => 'value + 1' })
    .where({ officeCode, serviceDate, name })
    .andWhere('value < :limit', { limit })
    .execute();
  return result.affected === 1;
}

/** Gives a unit back (a cancelled express request frees its place in the quota). */
export async function returnToQuota(manager: EntityManager, officeCode: string, serviceDate: string, name: string): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(DailySequence)
    .set({ value: () => 'value - 1' })
    .where({ officeCode, serviceDate, name })
    .andWhere('value > 0')
    .execute();
}

export const EXPRESS_QUOTA = 'EXPRESS';
