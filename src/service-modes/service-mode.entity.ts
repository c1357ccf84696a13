import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BookingPolicy, ExpressPolicy, ModeName } from './service-mode.policy';

export const GLOBAL_SCOPE = 'global';

/**
 * Every mode, as far as a booking or check-in decision reads it, as one JSON array (SQLite): a
 * scalar subquery for a batch's read.
 */
export const SERVICE_MODES_JSON = `(SELECT json_group_array(json_object('scope', scope, 'mode', mode, 'expressPolicy', "expressPolicy",
  'bookingPolicy', "bookingPolicy", 'message', message, 'expectedRecoveryAt', "expectedRecoveryAt")) FROM service_modes)`;

/** The global mode (scope "global", always present) or one office's override (scope = office code). */
@Entity('service_modes')
export class ServiceMode {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  scope: string;

  @Column({ type: 'varchar', length: 10 })
  mode: ModeName;

  @Column({ type: 'varchar', length: 10 })
  expressPolicy: ExpressPolicy;

  @Column({ type: 'varchar', length: 10 })
  bookingPolicy: BookingPolicy;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  /** Public text for citizens, shown on the status page and in 503 answers. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  message: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  expectedRecoveryAt: string | null;

  @Column({ type: 'varchar', length: 64 })
  changedBy: string;

  @Column({ type: 'varchar', length: 24 })
  changedAt: string;

  @Column({ type: 'integer' })
  version: number;
}
