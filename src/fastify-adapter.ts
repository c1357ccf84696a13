import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/configuration';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NON_JSON_PARSERS = ['application/x-www-form-urlencoded', 'text/plain'];

/**
 * JSON in and out. Nest adds a form parser at init and Fastify has one for text/plain; without them
 * a non-JSON body is 415 UNSUPPORTED_MEDIA_TYPE instead of a string validated as if it were JSON.
 */
class JsonOnlyFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    const fastify = this.getInstance();
    for (const type of NON_JSON_PARSERS) if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
}

/** Fastify with the body limit, prototype-poisoning protection and request ids we rely on. */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new JsonOnlyFastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A caller's X-Request-Id is kept when it is harmless, so a trace can span systems.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
}
