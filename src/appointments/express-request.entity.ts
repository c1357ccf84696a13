import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ExpressStatus = 'ACTIVE' | 'DEFERRED' | 'CANCELLED';

/**
 * A request for same-day passport processing, attached to an appointment or to a walk-in ticket.
 * Release order is (requestedAt, id): deferral never changes a request's place.
 */
@Entity('express_requests')
@Index('IDX_express_office_status', ['officeCode', 'status', 'requestedAt'])
// The releaser's look for DEFERRED requests of every office (migration ExpressReleaseIndex).
@Index('IDX_express_status_requested', ['status', 'requestedAt'])
export class ExpressRequest {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  /** Office-local day the quota is counted against (the slot's date, or the walk-in's day). */
  @Column({ type: 'varchar', length: 10 })
  serviceDate: string;

  @Column({ type: 'integer', nullable: true, unique: true })
  appointmentId: number | null;

  @Column({ type: 'integer', nullable: true, unique: true })
  ticketId: number | null;

  @Column({ type: 'varchar', length: 10 })
  status: ExpressStatus;

  @Column({ type: 'varchar', length: 24 })
  requestedAt: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  deferredAt: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  releasedAt: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  cancelledAt: string | null;

  /** Set when the service it belongs to is completed; a done request is never deferred. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  fulfilledAt: string | null;
}
