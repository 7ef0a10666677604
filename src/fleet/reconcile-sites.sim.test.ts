/**
 * The reconciler acts site by site: against the real simulator over TCP (127.27.2.x to 127.27.4.x
 * are this file's), three curtailed sites whose miners came back hashing, one of them served by a
 * site agent that is away. Its site's soft off is refused (nothing can reach its miners), and each
 * other site's is sent after the same sweep, a control of its own — before, one control for every
 * site was refused whole, and every site waited on the away agent's.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPresent } from '../agent/store.js';
import { type TestServer, testServer } from '../testing/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './protocol/simulator.js';
import { RECONCILER, RESEND_AFTER_MS } from './reconcile.js';
import { fleetDb } from './store.js';
import { simulatedSite } from './test-fixtures.js';

const SITES = {
  AWY1: { count: 2, base: '127.27.2.1', seed: 'away', faultRate: 0 },
  HOM1: { count: 2, base: '127.27.3.1', seed: 'home', faultRate: 0 },
  HOM2: { count: 1, base: '127.27.4.1', seed: 'home2', faultRate: 0 },
} satisfies Record<string, SimulatorOptions>;

describe('a site whose agent is away holds up only its own re-send', () => {
  let s: TestServer;
  const sims: Simulator[] = [];
  const t0 = Date.UTC(2021, 0, 15, 10, 0, 0);
  const machines = (site: string) =>
    fleetDb(s.app.db)
      .selectFrom('fleet_machines')
      .select(['id', 'status'])
      .where('site', '=', site)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    s = await testServer();
    s.app.clock.set(new Date(t0).toISOString());
    for (const [site, miners] of Object.entries(SITES)) {
      const made = await simulatedSite(s, { site, ...miners, firstPoll: false });
      const off = await s.call('POST', '/api/fleet/control', {
        role: 'ops',
        body: { selector: { site }, action: { kind: 'soft-off' } },
      });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      // A power cut: the miners come back hashing, the soft off forgotten.
      await made.simulator.stop();
      sims.push(await startSimulator({ rebootSeconds: 2, slowMs: 500, ...miners }));
    }
    // AWY1's agent last reached the database a minute ago: its link is down.
    await markPresent(s.app.db, { agent: 'awy1-agent', host: 'site-host', pid: 1, sites: ['AWY1'] }, 10);
    await sql`update agent_presence set seen_at = now() - interval '1 minute' where agent = 'awy1-agent'`.execute(
      s.app.db,
    );
  }, 120_000);
  afterAll(async () => {
    for (const sim of sims) await sim.stop();
    await s.close();
  });

  it('sends the soft off again at each other site after the same sweep', async () => {
    s.app.clock.set(new Date(t0 + RESEND_AFTER_MS + 60_000).toISOString());
    const poll = await s.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    expect(poll.status, JSON.stringify(poll.body)).toBe(201);
    const sent = await fleetDb(s.app.db)
      .selectFrom('fleet_controls')
      .select(['machine_ids', 'succeeded'])
      .where('actor', '=', RECONCILER.id)
      .orderBy('id')
      .execute();
    const ids = async (site: string) => (await machines(site)).map((m) => Number(m.id));
    // Side by side: in whichever order they were recorded.
    expect(sent.sort((a, b) => (b.succeeded ?? 0) - (a.succeeded ?? 0))).toEqual([
      { machine_ids: await ids('HOM1'), succeeded: 2 },
      { machine_ids: await ids('HOM2'), succeeded: 1 },
    ]);
    expect(await machines('HOM2')).toMatchObject([{ status: 'ok' }]);
    // The away agent's site is left hashing, for the sweep after its agent is back.
    expect((await machines('AWY1')).map((m) => m.status)).toEqual(['ok', 'ok']);
  });
});
