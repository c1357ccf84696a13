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

  it('is the whole set helmet sends for the app’s options, nothing dropped', () => {
    expect(headers).toEqual({
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';" +
        "script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
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
