import Fastify from 'fastify';
import { securityHeaders, installSecurityHeaders } from './security-headers';

describe('securityHeaders', () => {
  const headers = securityHeaders();

  it('holds helmet’s headers with the app’s CSP', () => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(headers['content-security-policy']).toContain("img-src 'self' data:");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('is worked out once: two calls give equal sets', () => {
    expect(securityHeaders()).toEqual(headers);
  });

  it('is sent on every response, a 404 included', async () => {
    const fastify = Fastify();
    installSecurityHeaders(fastify);
    fastify.get('/ok', async () => ({ ok: true }));
    const ok = await fastify.inject({ method: 'GET', url: '/ok' });
    const missing = await fastify.inject({ method: 'GET', url: '/missing' });
    for (const response of [ok, missing]) {
      for (const [name, value] of Object.entries(headers)) expect(response.headers[name]).toBe(value);
    }
    await fastify.close();
  });
});
