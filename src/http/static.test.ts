import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../modules.js';
import { type TestApp, testApp } from '../testing/index.js';
import { buildHttpApp, type HttpApp } from './app.js';

describe('the dashboard served by the API', () => {
  let app: TestApp;
  let http: HttpApp;
  let dir: string;
  beforeAll(async () => {
    app = await testApp();
    dir = mkdtempSync(join(tmpdir(), 'hf-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>HashForge</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    http = await buildHttpApp(app, modules, { dashboardDir: dir });
  });
  afterAll(async () => {
    await http.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and at any page path, never cached', async () => {
    for (const url of ['/', '/orders/5', '/fleet/machines/42?x=1']) {
      const r = await http.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type'], url).toMatch(/text\/html/);
      expect(r.headers['cache-control'], url).toBe('no-cache');
      expect(r.body, url).toContain('<div id="root">');
    }
  });

  it('serves built assets with a long cache, and 404s a missing one', async () => {
    const js = await http.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    const missing = await http.inject({ method: 'GET', url: '/assets/index-old.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not-found');
  });

  it('keeps /api answers JSON: an unknown route is a 404 body, not the page', async () => {
    const r = await http.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toMatch(/no route GET \/api\/nothing-here/);
    const post = await http.inject({ method: 'POST', url: '/orders' });
    expect(post.statusCode).toBe(404);
  });

  it('says how to build the dashboard when it has not been built', async () => {
    const bare = await buildHttpApp(app, modules, { dashboardDir: join(dir, 'not-there') });
    const r = await bare.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:web');
    await bare.close();
  });
});
