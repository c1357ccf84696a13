import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per switch, override or override removal, newest last. */
@Entity('service_mode_history')
@Index('IDX_mode_history_scope', ['scope'])
export class ServiceModeChange {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  scope: string;

  /** The effective mode of the scope before and after the change. */
  @Column({ type: 'varchar', length: 10 })
  fromMode: string;

  @Column({ type: 'varchar', length: 10 })
  toMode: string;

  @Column({ type: 'varchar', length: 10 })
  expressPolicy: string;

  @Column({ type: 'varchar', length: 10 })
  bookingPolicy: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 64 })
  changedBy: string;

  @Column({ type: 'varchar', length: 24 })
  changedAt: string;
}
