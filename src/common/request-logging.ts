import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { withRequestId } from './request-context';

/**
 * Echoes every request's id in X-Request-Id, and optionally writes one access line per request,
 * with that id: method, route pattern (never the raw URL, which could hold a booking code), status
 * and duration. Headers and bodies, where NIKs and passwords travel, are never logged.
 */
export function installRequestLogging(fastify: FastifyInstance, logRequests: boolean): void {
  const logger = new Logger('HTTP');
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  if (!logRequests) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    withRequestId(request.id, () => {
      logger.log({ method: request.method, route: request.routeOptions?.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 });
    });
    done();
  });
}
