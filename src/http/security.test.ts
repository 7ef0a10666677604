import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../modules.js';
import { type TestServer, testServer } from '../testing/index.js';
import { buildHttpApp, type HttpApp } from './app.js';
import { BODY_LIMIT_BYTES } from './limits.js';

describe('the HTTP edge hardened', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  it('sends the security headers on API answers, refusals and the reference alike', async () => {
    for (const [path, status] of [
      ['/healthz', 200],
      ['/api/catalog/products', 401],
      ['/api/nothing-here', 404],
      ['/api/docs/', 200],
    ] as const) {
      const r = await fetch(`${s.url}${path}`);
      expect(r.status, path).toBe(status);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('takes the Authorization scheme in any case, and no other scheme', async () => {
    const token = await s.token('viewer');
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      const r = await s.call('GET', '/api/auth/me', {
        role: null,
        headers: { authorization: `${scheme} ${token}` },
      });
      expect(r.status, scheme).toBe(200);
      expect(r.body.role).toBe('viewer');
    }
    const basic = await s.call('GET', '/api/auth/me', {
      role: null,
      headers: { authorization: `Basic ${token}` },
    });
    expect(basic.status).toBe(401);
    expect(basic.body.error.code).toBe('auth.missing-token');
  });

  it('answers a body over the limit with 413 and a JSON error naming the body', async () => {
    const big = JSON.stringify({ csv: 'x'.repeat(BODY_LIMIT_BYTES), source: 'too-big' });
    const r = await s.call('POST', '/api/market/imports', { role: 'finance', body: big });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'body.too-large', field: 'body' });
    expect(r.body.error.message).toMatch(/10 MB/);
    // Just under the limit is read and judged on its content as usual.
    const fits = JSON.stringify({ csv: 'date\n'.repeat(1000), source: 'ok' });
    const judged = await s.call('POST', '/api/market/imports', { role: 'finance', body: fits });
    expect(judged.status).toBe(400);
  });
});

describe('failed token attempts, limited per address', () => {
  let s: TestServer;
  let http: HttpApp;
  beforeAll(async () => {
    s = await testServer();
    http = await buildHttpApp(s.app, modules, { tokenFailures: { limit: 3, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await http.close();
    await s.close();
  });

  const me = (token: string, remoteAddress = '10.0.0.1') =>
    http.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress,
    });

  it('answers 401 up to the limit, then 429 with Retry-After until the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await me('hf_wrong')).statusCode).toBe(401);
    const limited = await me('hf_wrong');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.json().error).toMatchObject({ code: 'auth.too-many-failures' });
    expect(limited.headers['content-security-policy']).toBeTruthy();
    // A good token from the same address is answered as ever.
    const good = await me(await s.token('viewer'));
    expect(good.statusCode).toBe(200);
    // Another address has its own count.
    expect((await me('hf_wrong', '10.0.0.2')).statusCode).toBe(401);
    // Retry-After counts down with the clock, and the window's end lets the address try again.
    s.app.clock.set(new Date(s.app.clock.now().getTime() + 45_000).toISOString());
    expect((await me('hf_wrong')).headers['retry-after']).toBe('15');
    s.app.clock.set(new Date(s.app.clock.now().getTime() + 15_000).toISOString());
    expect((await me('hf_wrong')).statusCode).toBe(401);
  });

  it('does not count requests without a token, nor good ones', async () => {
    const good = await s.token('viewer');
    for (let i = 0; i < 10; i++) {
      expect((await me(good, '10.0.0.3')).statusCode).toBe(200);
      const none = await http.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: '10.0.0.3' });
      expect(none.statusCode).toBe(401);
    }
    expect((await me('hf_wrong', '10.0.0.3')).statusCode).toBe(401);
  });
});
