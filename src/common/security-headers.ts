import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/** The app's helmet settings: a CSP strict enough for the API and loose enough for the /docs page. */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] } },
};

/**
 * The headers helmet would set, worked out once. Without nonces helmet's headers are the same on
 * every response, yet @fastify/helmet rebuilds its middleware (parsing the CSP again) per request:
 * measured at about a sixth of the CPU of a booking look-up.
 */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, response as never, () => undefined);
  return headers;
}

/** Sends the security headers on every response, errors and 404s included. */
export function installSecurityHeaders(fastify: FastifyInstance, headers: Record<string, string> = securityHeaders()): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
