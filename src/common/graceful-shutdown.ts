import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Observable, Subject } from 'rxjs';

/**
 * Nest's shutdown calls the providers' hooks first and closes the HTTP server last, so the write
 * queue would drain and the prepared statements be released while requests are still arriving.
 * This runs in the first phase (onModuleDestroy): it ends the live streams (`closing`), which would
 * otherwise hold the server open for ever, then closes the HTTP server, which stops accepting
 * connections and resolves once every request in flight has been answered. The later hooks (drain
 * the write queue, release statements, close the database) then run with no request left.
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy {
  private readonly closingSubject = new Subject<void>();
  /** Emits once when shutdown begins; long-lived responses end on it. */
  readonly closing: Observable<void> = this.closingSubject.asObservable();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleDestroy(): Promise<void> {
    this.closingSubject.next();
    this.closingSubject.complete();
    await this.adapterHost.httpAdapter?.close();
  }
}
