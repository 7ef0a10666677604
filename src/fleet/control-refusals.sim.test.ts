/**
 * A control the request itself makes impossible is refused before anything is recorded or sent:
 * a work mode the machines' model does not have. Simulated A1246s on 127.21.1/24 (this file's).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { type SimulatedSite, simulatedSite } from './test-fixtures.js';

describe('a control refused for its action', () => {
  let s: TestServer;
  let site: SimulatedSite;
  beforeAll(async () => {
    s = await testServer();
    site = await simulatedSite(s, { site: 'WM1', count: 2, base: '127.21.1.1', model: 'A1246' });
  }, 60_000);
  afterAll(async () => {
    await site?.stop();
    await s?.close();
  });

  const events = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from events`.execute(s.app.db)).rows[0]!.n;

  it('refuses a work mode the model does not have as a 400 naming action.mode, writing nothing', async () => {
    const before = { events: await events(), tables: await tableCounts(s.app) };
    for (const [selector, streamed] of [
      [{ site: 'WM1' }, false],
      [{ machines: [site.ids[0]] }, true],
    ] as const) {
      const r = await s.call('POST', `/api/fleet/control${streamed ? '?stream=true' : ''}`, {
        role: 'ops',
        body: { selector, action: { kind: 'work-mode', mode: 7 } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.field).toBe('action.mode');
      expect(r.body.error.message).toMatch(/no work mode 7; its modes are 0 \(normal\), 1 \(performance\)/);
    }
    expect(await events()).toBe(before.events);
    expect(await tableCounts(s.app)).toEqual(before.tables);
    // Nothing reached the miners either: they still run the mode they had.
    for (const m of site.simulator.miners) expect(site.simulator.control(m.address).workMode).toBe(1);
  });

  it('still sends a mode the model has', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { machines: [site.ids[1]] }, action: { kind: 'work-mode', mode: 0 } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }, 60_000);
});
