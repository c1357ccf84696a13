import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type CounterStatus = 'OPEN' | 'PAUSED' | 'CLOSED';

@Entity('counters')
@Unique('UQ_counters_office_number', ['officeCode', 'number'])
export class Counter {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'varchar', length: 10, default: 'CLOSED' })
  status: CounterStatus;

  /** The ticket being called or served here; claimed by a conditional UPDATE. */
  @Column({ type: 'integer', nullable: true })
  currentTicketId: number | null;

  @Column({ type: 'varchar', length: 24 })
  updatedAt: string;
}
