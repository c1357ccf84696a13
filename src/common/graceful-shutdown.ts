import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Observable, Subject } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../../config/configuration';

/**
 * Nest's shutdown calls the providers' hooks first and closes the HTTP server last, so the write
 * queue would drain and the prepared statements be released while requests are still arriving.
 * This runs in the first phase (onModuleDestroy): it ends the live streams (`closing`), which would
 * otherwise hold the server open for ever, then closes the HTTP server, which stops accepting
 * connections and resolves once every request in flight has been answered. The later hooks (drain
 * the write queue, release statements, close the database) then run with no request left.
 * A request still unanswered after SHUTDOWN_GRACE_MS has its connection closed: a client that sent
 * half a body and went quiet kept a reviewer's instance alive for minutes after SIGTERM.
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy {
  private readonly closingSubject = new Subject<void>();
  /** Emits once when shutdown begins; long-lived responses end on it. */
  readonly closing: Observable<void> = this.closingSubject.asObservable();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    this.closingSubject.next();
    this.closingSubject.complete();
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const server = adapter.getHttpServer() as Server;
    const deadline = setTimeout(() => {
      new Logger('Shutdown').warn(`Requests still unanswered after ${this.config.shutdownGraceMs} ms; closing their connections.`);
      server.closeAllConnections();
    }, this.config.shutdownGraceMs);
    try {
      await adapter.close();
    } finally {
      clearTimeout(deadline);
    }
  }
}
