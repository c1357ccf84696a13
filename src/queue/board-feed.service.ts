import { Injectable } from '@nestjs/common';
import { catchError, concat, concatMap, EMPTY, exhaustMap, filter, finalize, from, interval, map, merge, Observable, of, share, tap } from 'rxjs';
import { BoardChange, BoardEventsService } from './board-events.service';
import { Board, BoardService } from './board.service';

/** One live-board event: what changed (null for the opening board and for changes seen by polling) and the board after it. */
export interface BoardEvent {
  type: BoardChange['type'] | 'board';
  change: BoardChange | null;
  board: Board;
}

/** How often a live board looks for changes made through other instances. */
const BOARD_POLL_MS = 1000;

/**
 * The live boards of the waiting-room displays. An office's displays share one feed: each change in
 * this instance becomes a board once, and the check for changes made through other instances runs
 * once a second per office, however many displays watch it (each display used to query on its own).
 * The feed starts with an office's first display and stops with its last.
 */
@Injectable()
export class BoardFeedService {
  private readonly feeds = new Map<string, Observable<BoardEvent>>();

  constructor(
    private readonly events: BoardEventsService,
    private readonly boards: BoardService,
  ) {}

  /**
   * For one display: the current board first (OFFICE_NOT_FOUND before anything is streamed), then
   * every change in this instance, in order, and any polled board that differs from the last one
   * this display got.
   */
  async open(officeCode: string): Promise<Observable<BoardEvent>> {
    const first = await this.boards.board(officeCode);
    let lastSent = JSON.stringify(first);
    // Compared per display: one that opened just as a change went by still gets it from the next poll.
    const news = this.feed(officeCode).pipe(filter((event) => event.change !== null || JSON.stringify(event.board) !== lastSent));
    return concat(of<BoardEvent>({ type: 'board', change: null, board: first }), news).pipe(tap((event) => (lastSent = JSON.stringify(event.board))));
  }

  private feed(officeCode: string): Observable<BoardEvent> {
    const running = this.feeds.get(officeCode);
    if (running) return running;
    // A failed board query skips one event; it never ends the feed.
    const board = () => from(this.boards.board(officeCode)).pipe(catchError(() => EMPTY));
    const local = this.events.of(officeCode).pipe(concatMap(({ change }) => board().pipe(map((b): BoardEvent => ({ type: change.type, change, board: b })))));
    const polled = interval(BOARD_POLL_MS).pipe(
      exhaustMap(board),
      map((b): BoardEvent => ({ type: 'board', change: null, board: b })),
    );
    const feed: Observable<BoardEvent> = merge(local, polled).pipe(
      finalize(() => {
        if (this.feeds.get(officeCode) === feed) this.feeds.delete(officeCode);
      }),
      share(),
    );
    this.feeds.set(officeCode, feed);
    return feed;
  }
}
