import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/configuration';
import { sendError } from './common/all-exceptions.filter';
import { DomainError } from './common/domain-error';
import { jsonBodyProblem } from './common/json-body';
import { protocolErrorHandler } from './common/request-errors';
import { repeatedSingleValueHeader } from './common/request-headers';
import { securityHeaders } from './common/security-headers';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NON_JSON_PARSERS = ['application/x-www-form-urlencoded', 'text/plain'];

/**
 * JSON in and out. Nest adds a form parser at init and Fastify has one for text/plain; without them
 * a non-JSON body is 415 UNSUPPORTED_MEDIA_TYPE instead of a string validated as if it were JSON.
 * The JSON parser is Fastify's own (prototype-poisoning checks included) behind two gates (and an
 * empty body is no body, as without a content type): the bytes
 * must be UTF-8 (Fastify would turn invalid bytes into U+FFFD and store them), and the parsed value
 * must pass jsonBodyProblem (no nesting that overflows the validators, no NUL that PostgreSQL refuses).
 */
class JsonOnlyFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    const fastify = this.getInstance();
    for (const type of NON_JSON_PARSERS) if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
    fastify.removeContentTypeParser('application/json');
    this.useBodyParser('application/json', rawBody === true, { bodyLimit }, (request, body, done) => {
      // Many clients send `Content-Type: application/json` on every request, bodiless ones too.
      if (body.length === 0) return done(null, undefined);
      if (!isUtf8(body)) return done(new DomainError('MALFORMED_JSON', 'The request body is not valid UTF-8.'), undefined);
      parseJson(request, body.toString('utf8'), (error, value) => {
        if (error) return done(error, undefined);
        const problem = jsonBodyProblem(value);
        if (problem) return done(new DomainError('VALIDATION_FAILED', 'Some fields are missing or invalid.', { details: [problem] }), undefined);
        done(null, value);
      });
    });
  }
}

const routerLogger = new Logger('Errors');

/** Fastify with the body limit, prototype-poisoning protection and request ids we rely on. */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new JsonOnlyFastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Fastify 5.12 stopped honouring a bare hop count (it now trusts no proxy at all); this is the
    // same rule as a function: the nearest TRUST_PROXY_HOPS addresses are proxies of ours.
    trustProxy: config.trustProxyHops > 0 ? (_address: string, hop: number) => hop < config.trustProxyHops : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // On shutdown a request that reached the server is served (with Connection: close), not answered
    // with Fastify's own 503 body, which is not the contract's error shape.
    return503OnClosing: false,
    // A caller's X-Request-Id is kept when it is harmless, so a trace can span systems.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // The router's own refusals (an undecodable address, a path segment over 100 characters) come
    // before any hook or filter; without this they would be Fastify's body, not the contract's.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendError(reply, request, error, routerLogger),
    // Requests Node's parser refuses (a header over 16 KB, a NUL in a header, a raw space in the
    // path, Content-Length with Transfer-Encoding) never become requests: only a socket to answer on.
    clientErrorHandler: protocolErrorHandler(securityHeaders()),
  });
  // No path or query value of the contract holds a NUL, and PostgreSQL cannot compare text with one (500).
  adapter.getInstance().addHook('onRequest', (request, _reply, done) => {
    done(/%00/.test(request.url) ? new DomainError('VALIDATION_FAILED', 'The address contains a NUL character.', { details: [{ field: 'url', problems: ['must not contain %00'] }] }) : undefined);
  });
  adapter.getInstance().addHook('onRequest', (request, _reply, done) => {
    const repeated = repeatedSingleValueHeader(request.raw.rawHeaders);
    done(repeated ? new DomainError('VALIDATION_FAILED', `Send ${repeated} once: it takes one value per request.`, { details: [{ field: repeated, problems: ['must be sent once'] }] }) : undefined);
  });
  return adapter;
}
