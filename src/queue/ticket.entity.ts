import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ServiceType } from '../appointments/appointment.entity';
import { FALSE_DEFAULT } from '../database/column-defaults';

export type TicketStatus = 'WAITING' | 'CALLED' | 'SERVING' | 'DONE' | 'NO_SHOW';
export type TicketKind = 'APPOINTMENT' | 'WALK_IN';

@Entity('tickets')
@Unique('UQ_tickets_office_day_number', ['officeCode', 'serviceDate', 'number'])
@Index('IDX_tickets_queue', ['officeCode', 'serviceDate', 'status', 'callKey'])
// Wait estimates read an office's last completed tickets; the tickets still open are left out.
@Index('IDX_tickets_office_completed', ['officeCode', 'completedAt'], { where: '"completedAt" IS NOT NULL' })
export class Ticket {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  /** Office-local day the ticket was issued. */
  @Column({ type: 'varchar', length: 10 })
  serviceDate: string;

  /** `A001` for appointments, `W001` for walk-ins; unique per office per day. */
  @Column({ type: 'varchar', length: 8 })
  number: string;

  @Column({ type: 'varchar', length: 12 })
  kind: TicketKind;

  @Column({ type: 'integer', nullable: true, unique: true })
  appointmentId: number | null;

  @Column({ type: 'varchar', length: 12 })
  serviceType: ServiceType;

  @Column({ type: 'boolean', default: FALSE_DEFAULT })
  priority: boolean;

  @Column({ type: 'varchar', length: 10 })
  status: TicketStatus;

  @Column({ type: 'integer', nullable: true })
  counterNumber: number | null;

  @Column({ type: 'boolean', default: FALSE_DEFAULT })
  manual: boolean;

  /** The appointment's slot start, for call order; null for walk-ins. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  slotStartsAt: string | null;

  /** Walk-ins only: who is being served (appointments keep this on the appointment). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  applicantName: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  applicantNik: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  applicantPhone: string | null;

  @Column({ type: 'varchar', length: 24 })
  checkedInAt: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  calledAt: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  startedAt: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  completedAt: string | null;

  /** Effective mode when service started and when it ended; the estimate averages per mode. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  completedInMode: string | null;

  @Column({ type: 'integer', default: 0 })
  recallCount: number;

  /** Sort key for call order (see queue.rules.ts); the waiting ticket with the smallest is called next. */
  @Column({ type: 'varchar', length: 64 })
  callKey: string;
}
