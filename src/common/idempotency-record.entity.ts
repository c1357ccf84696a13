import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A stored response to replay for a repeated Idempotency-Key (kept 24 h). */
@Entity('idempotency_records')
@Index('IDX_idempotency_created', ['createdAt'])
export class IdempotencyRecord {
  @PrimaryGeneratedColumn()
  id: number;

  /** sha256 of (endpoint, caller, key): one caller can never see another's response. */
  @Column({ type: 'varchar', length: 64, unique: true })
  scopeHash: string;

  /** sha256 of the canonical request body. */
  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'integer' })
  statusCode: number;

  @Column({ type: 'text' })
  responseBody: string;

  @Column({ type: 'varchar', length: 24 })
  createdAt: string;
}
