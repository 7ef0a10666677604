import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';

describe('the HTTP edge', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  it('answers health and the OpenAPI document without a token', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const doc = (await s.call('GET', '/api/openapi.json', { role: null })).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/catalog/products');
    // Every operation documents its errors in the one error shape, as well as its result.
    const post = doc.paths['/api/catalog/products'].post.responses;
    expect(Object.keys(post).sort()).toEqual(['2XX', '400', '401', '403', '409']);
    expect(post['409'].content['application/json'].schema.properties.error.required).toEqual([
      'code',
      'message',
    ]);
    const get = doc.paths['/api/catalog/products/{id}'].get.responses;
    expect(Object.keys(get).sort()).toEqual(['2XX', '400', '401', '403', '404']);
    const page = await fetch(`${s.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it('refuses a missing or unknown token with 401 as JSON', async () => {
    const none = await s.call('GET', '/api/catalog/products', { role: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('auth.missing-token');
    const bad = await s.call('GET', '/api/catalog/products', {
      role: null,
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('auth.bad-token');
  });

  it('refuses the wrong role with 403 as JSON, naming the role needed', async () => {
    const r = await s.call('POST', '/api/auth/tokens', {
      role: 'finance',
      body: { name: 'x', role: 'admin' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('admin');
  });

  it('answers an unknown route and malformed JSON with 4xx JSON bodies', async () => {
    const missing = await s.call('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
    const broken = await s.call('POST', '/api/catalog/products', { body: '{"kind":', headers: {} });
    expect(broken.status).toBe(400);
    // The field and the parser's reason, not "Body is not valid JSON but content-type is …".
    expect(broken.body.error).toMatchObject({ code: 'invalid.json', field: 'body' });
    expect(broken.body.error.message).toMatch(/^body: is not valid JSON: .*JSON/);
    const empty = await s.call('POST', '/api/catalog/products', { body: '', headers: {} });
    expect([empty.status, empty.body.error.field]).toEqual([400, 'body']);
    const poisoned = await s.call('POST', '/api/catalog/products', {
      body: '{"__proto__":{"x":1}}',
      headers: {},
    });
    expect(poisoned.status).toBe(400);
    expect(poisoned.body.error).toMatchObject({ field: 'body', message: expect.stringMatching(/__proto__/) });
  });

  it('creates a token once, stores only its hash, and accepts it afterwards', async () => {
    const created = await s.call('POST', '/api/auth/tokens', { body: { name: 'alice', role: 'finance' } });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    const stored = await s.app.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('name', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const me = await fetch(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ id: 'token:alice', role: 'finance' });
    const revoked = await s.call('DELETE', `/api/auth/tokens/${created.body.info.id}`);
    expect(revoked.status).toBe(200);
    const after = await fetch(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('lists the audit trail for finance', async () => {
    const r = await s.call('GET', '/api/audit?kind=auth.', { role: 'finance' });
    expect(r.status).toBe(200);
    expect(r.body.some((e: { kind: string }) => e.kind === 'auth.token-created')).toBe(true);
    const bad = await s.call('GET', '/api/audit?since=yesterday', { role: 'finance' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('since');
    const badAfter = await s.call('GET', '/api/audit?after=-1', { role: 'finance' });
    expect(badAfter.status).toBe(400);
    expect(badAfter.body.error).toMatchObject({ field: 'after', message: 'after: must be at least 0' });
  });
});
