import { Clock } from '../../src/common/clock';

/** A clock tests can set and move. Starts at real time unless told otherwise. */
export class TestClock extends Clock {
  private fixed: Date | null = null;

  override now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  set(instant: string | Date): void {
    this.fixed = new Date(instant);
  }

  advanceMinutes(minutes: number): void {
    this.fixed = new Date(this.now().getTime() + minutes * 60_000);
  }

  useRealTime(): void {
    this.fixed = null;
  }
}
