import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ReconciliationStatus = 'PENDING' | 'RESOLVED';

/** A service completed by hand while DEGRADED, waiting to be re-entered into the core systems. */
@Entity('reconciliation_items')
@Index('IDX_reconciliation_office_status', ['officeCode', 'status'])
export class ReconciliationItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  @Column({ type: 'integer', unique: true })
  ticketId: number;

  @Column({ type: 'varchar', length: 8 })
  ticketNumber: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  appointmentCode: string | null;

  @Column({ type: 'varchar', length: 12 })
  serviceType: string;

  @Column({ type: 'varchar', length: 24 })
  completedAt: string;

  @Column({ type: 'varchar', length: 10 })
  status: ReconciliationStatus;

  @Column({ type: 'varchar', length: 64, nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  resolvedAt: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;
}
