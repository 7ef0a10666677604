/**
 * HASHFORGE_METRICS_TOKEN: unset, `/metrics` is open as exporters are; set, a scrape without that
 * bearer token (or with another, or with a user's API token) is a 401 that says what to send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { buildHttpApp } from '../http/app.js';
import { modules } from '../modules.js';
import { type TestApp, testApp } from '../testing/index.js';

const TOKEN = 'scrape-3f9a1c0d7e';

describe('the metrics scrape token', () => {
  let app: TestApp;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    app = await testApp();
    app.config = { ...app.config, metricsToken: TOKEN };
    const http = await buildHttpApp(app, modules);
    url = await http.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await http.close();
      await app.close();
    };
  });
  afterAll(() => close());

  const scrape = (authorization?: string) =>
    fetch(`${url}/metrics`, authorization ? { headers: { authorization } } : {});

  it('answers a scrape that sends the token, with any case of the scheme', async () => {
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const res = await scrape(header);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('hashforge_fleet_machines');
    }
  });

  it('refuses a scrape with no token, another token or a longer one, saying what to send', async () => {
    for (const header of [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`]) {
      const res = await scrape(header);
      expect(res.status).toBe(401);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('metrics.bad-token');
      expect(error.message).toMatch(/HASHFORGE_METRICS_TOKEN/);
    }
  });

  it('is read from the environment, unset by default', () => {
    expect(readConfig({}).metricsToken).toBeUndefined();
    expect(readConfig({ HASHFORGE_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
  });
});
