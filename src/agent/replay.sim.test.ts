/**
 * A site agent's spool, made by real sweeps of simulated miners over TCP into the local NATS
 * JetStream, forwarded as the agent's forwarder does: what it leaves in the database is what the
 * fleet's own sweep leaves — each reading and each sweep's totals once, the fleet's `*` minute the
 * sum of its sites, and alerts judged sweep by sweep at each sweep's own time.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '../alerts/service.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { measuredHashrateSeries } from '../fleet/queries.js';
import { sweepFleet } from '../fleet/sweep.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { forwardItem } from './forward.js';
import type { KnownMachine, SpoolItem } from './model.js';
import { spoolSweep } from './site-sweep.js';
import { Spool } from './spool.js';
import { siteMachines } from './store.js';

const NATS = 'nats://127.0.0.1:4222';

describe("a site agent's spool replayed after the link came back", () => {
  let app: TestApp;
  let sim: Simulator;
  let spool: Spool;
  const agent = { name: `test-replay-${process.pid}-${Date.now()}`, host: 'test', pid: process.pid };
  const at = (seconds: number) => new Date(Date.UTC(2021, 0, 15, 10, 0, seconds));
  /** The agent's own copy of each site's machines, as it keeps it while the link is down. */
  const known = new Map<string, Map<number, KnownMachine>>();
  /** Every part forwarded, to forward again. */
  const forwarded: SpoolItem[] = [];

  const sweepInto = async (site: string, seconds: number) => {
    const start = at(seconds);
    app.clock.set(start.toISOString());
    const machines = known.get(site) ?? new Map((await siteMachines(app.db, site)).map((m) => [m.id, m]));
    known.set(site, machines);
    await spoolSweep(app, { agent: agent.name, site, at: start, machines, offlineAfter: 3 }, async (item) => {
      await spool.append(item);
    });
  };
  /** The forwarder's loop: the oldest parts first, each dropped once the database has it. */
  const forwardSpool = async () => {
    for (let parts = await spool.first(20); parts.length > 0; parts = await spool.first(20)) {
      for (const { seq, item } of parts) {
        await forwardItem(app, app.actor('ops'), agent, item);
        forwarded.push(item);
        await spool.drop(seq);
      }
    }
  };
  const pollsStored = async () =>
    Number(
      (await sql<{ n: bigint }>`select coalesce(sum(polls), 0) as n from fleet_telemetry`.execute(app.db))
        .rows[0]!.n,
    );
  const minutes = async () =>
    (
      await sql<{ site: string; minute: Date; sweeps: number; ths_sum: number; machines: number }>`
        select site, minute, sweeps, ths_sum, machines from fleet_hashrate_minutes order by minute, site`.execute(
        app.db,
      )
    ).rows;
  const fanAlerts = async () => (await listAlerts(app, { rule: 'fan-failure', limit: 10 })).alerts;

  beforeAll(async () => {
    app = await testApp();
    sim = await startSimulator({ count: 8, base: '127.181.0.1', seed: 'replay', faultRate: 0 });
    spool = await Spool.open(NATS, agent.name);
    app.clock.set(at(0).toISOString());
    const admin = app.actor('admin');
    // Six machines at RP1, so that one fan down is below the site incident's 20 % and alerts alone.
    await addTestSite(app, admin, 'RP1');
    await addTestSite(app, admin, 'RP2');
    await scanRange(app, app.actor('ops'), { range: '127.181.0.1-127.181.0.6', site: 'RP1', port: 4028 });
    await scanRange(app, app.actor('ops'), { range: '127.181.0.7-127.181.0.8', site: 'RP2', port: 4028 });
  });
  afterAll(async () => {
    await spool.remove();
    await sim.stop();
    await app.close();
  });

  it('fires a fan failure seen only in the spool once, with the time of the sweep that sustained it', async () => {
    await sweepInto('RP1', 0);
    await forwardSpool();
    expect(await fanAlerts()).toEqual([]);
    // The link is down: the agent polls on into its spool while a fan stops.
    await sim.setFault(sim.miners[1]!.address, 'fan-failure');
    for (const seconds of [60, 120, 180]) await sweepInto('RP1', seconds);
    // An hour later the link is back and the spool goes home.
    app.clock.set(at(3600).toISOString());
    await forwardSpool();
    const alerts = await fanAlerts();
    // Held from the sweep at 60 s; the rule's 30 s sustain is met by the sweep at 120 s.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: 'firing', site: 'RP1', firedAt: at(120) });
    const judged = await sql<{ n: bigint }>`select count(*) as n from alert_evaluations`.execute(app.db);
    expect(Number(judged.rows[0]!.n)).toBe(4);
  });

  it('counts a sweep forwarded twice once: readings, minute totals, sweeps and alerts', async () => {
    const polls = await pollsStored();
    expect(polls).toBe(4 * 6);
    const before = await minutes();
    for (const item of forwarded)
      expect(await forwardItem(app, app.actor('ops'), agent, item)).toBe('already-stored');
    // The forwarder's record of the sweeps' ends gone: the ends forwarded anew add nothing either.
    await sql`delete from agent_forwarded where key like '%#end'`.execute(app.db);
    for (const item of forwarded.filter((i) => i.kind === 'end'))
      expect(await forwardItem(app, app.actor('ops'), agent, item)).toBe('stored');
    expect(await pollsStored()).toBe(polls);
    expect(await minutes()).toEqual(before);
    expect(before.filter((m) => m.site === 'RP1').map((m) => m.sweeps)).toEqual([1, 1, 1, 1]);
    expect(await fanAlerts()).toHaveLength(1);
    const sweeps = await sql<{ n: bigint }>`select count(*) as n from fleet_sweeps`.execute(app.db);
    expect(Number(sweeps.rows[0]!.n)).toBe(4);
  });

  it("makes the fleet's minute the sum of its sites, as the fleet's own sweep does", async () => {
    // RP1 swept twice in the minute 10:10, RP2 once: each site's minute is its own mean.
    await sweepInto('RP1', 600);
    await sweepInto('RP2', 610);
    await sweepInto('RP1', 640);
    await forwardSpool();
    // The fleet's own sweep of both sites in the minute 10:12.
    app.clock.set(at(720).toISOString());
    await sweepFleet(app, app.actor('ops'));
    const series = async (site?: string) =>
      (await measuredHashrateSeries(app, { site, from: at(600), to: at(780) })).points;
    const [fleet, rp1, rp2] = [await series(), await series('RP1'), await series('RP2')];
    expect(fleet.map((p) => p.at)).toEqual([at(600), at(720)]);
    for (const [i, p] of fleet.entries()) {
      expect(p.hashrateThs).toBeCloseTo(rp1[i]!.hashrateThs + rp2[i]!.hashrateThs, 2);
      expect(p.machines).toBe(8);
      expect(p.reporting).toBe(rp1[i]!.reporting + rp2[i]!.reporting);
    }
    expect(fleet[0]!.hashrateThs).toBeGreaterThan(0);
    const rows = (await minutes()).filter((m) => m.minute.getTime() === at(600).getTime());
    expect(rows.map((m) => [m.site, m.sweeps])).toEqual([
      ['*', 2],
      ['RP1', 2],
      ['RP2', 1],
    ]);
  });
});
