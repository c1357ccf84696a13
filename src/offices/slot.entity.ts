import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('slots')
@Index('IDX_slots_office_date', ['officeCode', 'date'])
// The database itself refuses an overbooked slot, whatever the code above it does.
@Check('CHK_slots_seats', 'booked >= 0 AND booked <= capacity AND capacity >= 1')
export class Slot {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  officeCode: string;

  /** Office-local `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10 })
  date: string;

  /** Office-local `HH:mm`. */
  @Column({ type: 'varchar', length: 5 })
  start: string;

  @Column({ type: 'varchar', length: 5 })
  end: string;

  /** UTC instants of start and end, for comparisons with the clock. */
  @Column({ type: 'varchar', length: 24 })
  startsAt: string;

  @Column({ type: 'varchar', length: 24 })
  endsAt: string;

  @Column({ type: 'integer' })
  capacity: number;

  /** Seats taken; only ever changed by a conditional UPDATE (see SlotSeats). */
  @Column({ type: 'integer', default: 0 })
  booked: number;
}
