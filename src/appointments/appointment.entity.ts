import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FALSE_DEFAULT } from '../database/column-defaults';

export type ServiceType = 'NEW' | 'RENEWAL' | 'REPLACEMENT';
export const SERVICE_TYPES: readonly ServiceType[] = ['NEW', 'RENEWAL', 'REPLACEMENT'];

export type AppointmentStatus = 'BOOKED' | 'CHECKED_IN' | 'CALLED' | 'SERVING' | 'DONE' | 'CANCELLED' | 'NO_SHOW';
/** Statuses in which an appointment holds the applicant's one active booking. */
export const ACTIVE_APPOINTMENT_STATUSES: readonly AppointmentStatus[] = ['BOOKED', 'CHECKED_IN', 'CALLED', 'SERVING'];
/** The same list as an SQL `IN (…)` list, for hand-written statements. */
export const ACTIVE_APPOINTMENT_STATUSES_SQL = ACTIVE_APPOINTMENT_STATUSES.map((status) => `'${status}'`).join(', ');

@Entity('appointments')
@Index('IDX_appointments_slot', ['slotId'])
// One active booking per NIK, enforced by the database even when one person races themself.
@Index('UQ_appointments_active_nik', ['nik'], { unique: true, where: `status IN (${ACTIVE_APPOINTMENT_STATUSES_SQL})` })
export class Appointment {
  @PrimaryGeneratedColumn()
  id: number;

  /** Crockford base32, upper case, unique. */
  @Column({ type: 'varchar', length: 10, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  @Column({ type: 'integer' })
  slotId: number;

  @Column({ type: 'varchar', length: 12 })
  serviceType: ServiceType;

  @Column({ type: 'varchar', length: 12 })
  status: AppointmentStatus;

  /** Full NIK: needed to prove ownership. Never leaves the server (responses carry nikMasked). */
  @Column({ type: 'varchar', length: 16 })
  nik: string;

  @Column({ type: 'varchar', length: 100 })
  fullName: string;

  @Column({ type: 'varchar', length: 16 })
  phone: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** Processed by hand while the office was DEGRADED. */
  @Column({ type: 'boolean', default: FALSE_DEFAULT })
  manual: boolean;

  @Column({ type: 'varchar', length: 24 })
  createdAt: string;

  @Column({ type: 'varchar', length: 24 })
  updatedAt: string;
}
