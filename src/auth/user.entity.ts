import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type Role = 'ADMIN' | 'STAFF';

/** Unique on lower(username): one account per name whatever its case (an expression index, so its migration owns it). */
@Index('IDX_users_username_folded', { synchronize: false })
@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 10 })
  role: Role;

  /** The office a STAFF member works at; null for admins. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  officeCode: string | null;

  @Column({ type: 'varchar', length: 24 })
  createdAt: string;
}
