import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMachines } from '../fleet/store.js';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { AWAY_AFTER_SECONDS, forgetPresence } from './links.js';
import { markPresent } from './store.js';

/**
 * A control at a site whose agent has lost its link is refused, naming the agent and when it was
 * last seen, and nothing is recorded or sent. Machines on 127.180.9.x, where nothing listens: a
 * control that gets past the check fails at once (`fleet.control-not-done`) instead of waiting.
 */
describe('controls while a site agent is away', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    await insertMachines(
      s.app.db,
      [
        { id: 1, site: 'NA1' },
        { id: 2, site: 'SG1' },
      ].map(({ id, site }) => ({
        id,
        site,
        serial: `L${id}`,
        dna: `l${id}`,
        address: `127.180.9.${id}`,
        port: 4028,
      })),
      s.app.clock.now(),
    );
  });
  afterAll(async () => s?.close());

  const reboot = (selector: object) =>
    s.call('POST', '/api/fleet/control', { role: 'ops', body: { selector, action: { kind: 'reboot' } } });
  const present = async (agent: string, sites: string[], secondsAgo: number) => {
    await markPresent(s.app.db, { agent, host: 'site-host', pid: 7, sites }, AWAY_AFTER_SECONDS);
    await sql`update agent_presence set seen_at = now() - make_interval(secs => ${secondsAgo})
      where agent = ${agent}`.execute(s.app.db);
  };

  it('refuses with 409 naming the agent and when it last reached the database; records nothing', async () => {
    await present('na-1', ['NA1', 'KZ1'], 95);
    const before = await tableCounts(s.app);
    for (const selector of [{ site: 'NA1' }, { machines: [2, 1] }]) {
      const r = await reboot(selector);
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({
        code: 'fleet.agent-not-connected',
        field: 'selector',
        detail: { site: 'NA1', agents: [{ agent: 'na-1', host: 'site-host' }] },
      });
      expect(r.body.error.message).toMatch(
        /^Site NA1's agent is not connected: na-1 \(site-host\) last reached the database at \d{4}-\d\d-\d\dT[\d:.]+Z, 9\d s ago\. Nothing was sent/,
      );
    }
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('lets the control through while one agent of the site is connected, or none serves it', async () => {
    await present('na-2', ['NA1'], 1);
    const withAgent = await reboot({ site: 'NA1' });
    // Past the check, the control is recorded and sent: nothing listens there, so none confirms.
    expect(withAgent.body.error.code).toBe('fleet.control-not-done');
    await present('na-2', ['NA1'], 60);
    expect((await reboot({ site: 'NA1' })).body.error.code).toBe('fleet.agent-not-connected');
    // Agents stopped on purpose take their mark with them: the site is the API's again.
    await forgetPresence(s.app.db, 'na-1');
    await forgetPresence(s.app.db, 'na-2');
    expect((await reboot({ site: 'NA1' })).body.error.code).toBe('fleet.control-not-done');
    expect((await reboot({ site: 'SG1' })).body.error.code).toBe('fleet.control-not-done');
  });

  it('forgets an agent silent for longer than the spool covers', async () => {
    await present('na-old', ['NA1'], 49 * 3600);
    expect((await reboot({ site: 'NA1' })).body.error.code).toBe('fleet.control-not-done');
  });
});
