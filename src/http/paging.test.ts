/** Lists that grow come a page at a time: `after` the last id and `limit` (500 by default, at most 5000). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';

describe('lists paged by id', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    for (const name of ['Alpha Hash', 'Beta Hash', 'Gamma Hash']) {
      const r = await s.call('POST', '/api/sales/customers', {
        role: 'admin',
        body: { name, country: 'US', region: 'north-america' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
  afterAll(async () => s.close());

  it('gives customers a page at a time, the next page after the last id', async () => {
    const first = await s.call('GET', '/api/sales/customers?limit=2', { role: 'viewer' });
    expect(first.body.map((c: { name: string }) => c.name)).toEqual(['Alpha Hash', 'Beta Hash']);
    const next = await s.call('GET', `/api/sales/customers?limit=2&after=${first.body[1].id}`, {
      role: 'viewer',
    });
    expect(next.body.map((c: { name: string }) => c.name)).toEqual(['Gamma Hash']);
    expect((await s.call('GET', '/api/sales/customers', { role: 'viewer' })).body).toHaveLength(3);
  });

  it.each([
    '/api/sales/customers?limit=5001',
    '/api/supply/wafer-orders?limit=0',
    '/api/mining/deployments?after=-1',
    '/api/mining/curtailments?limit=x',
    '/api/mining/machines?limit=5001',
  ])('refuses a page beyond its bounds: %s', async (path) => {
    const r = await s.call('GET', path, { role: 'viewer' });
    expect(r.status).toBe(400);
    expect(['limit', 'after']).toContain(r.body.error.field);
  });
});
