import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('offices')
export class Office {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  code: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** IANA zone: "today", slot times and check-in windows are judged in it. */
  @Column({ type: 'varchar', length: 64 })
  timeZone: string;

  @Column({ type: 'integer' })
  dailyExpressQuota: number;

  @Column({ type: 'varchar', length: 24 })
  createdAt: string;

  /** The last local day whose leftovers were closed (DayCloseService); null until the first close. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  closedThrough: string | null;
}
