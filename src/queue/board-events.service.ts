import { Injectable } from '@nestjs/common';
import { Observable, Subject, filter } from 'rxjs';

export interface BoardChange {
  type: 'check-in' | 'walk-in' | 'call' | 'recall' | 'start' | 'complete' | 'no-show' | 'counter';
  ticketNumber?: string;
  counterNumber?: number;
}

/** In-process notifications that an office's board changed (the SSE feed also polls for other instances). */
@Injectable()
export class BoardEventsService {
  private readonly changes = new Subject<{ officeCode: string; change: BoardChange }>();

  changed(officeCode: string, change: BoardChange): void {
    this.changes.next({ officeCode, change });
  }

  of(officeCode: string): Observable<{ officeCode: string; change: BoardChange }> {
    return this.changes.pipe(filter((e) => e.officeCode === officeCode));
  }
}
