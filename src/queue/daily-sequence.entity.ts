import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-office, per-day counters: ticket numbers ("A", "W") and express quota use ("EXPRESS").
 * Incremented only by single UPDATE statements, so concurrent writers never read the same value.
 */
@Entity('daily_sequences')
export class DailySequence {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  officeCode: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  serviceDate: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  name: string;

  @Column({ type: 'integer', default: 0 })
  value: number;
}
