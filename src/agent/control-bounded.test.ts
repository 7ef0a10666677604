/**
 * A control at an agent's site with more machines than the poller's concurrency, on the PostgreSQL
 * server with real pg-boss between the API's side and the agent's (both in this process) and slow
 * simulated miners on loopback (127.137.1.x): the agent talks to no more machines at once than the
 * setting allows (the poller's), and each machine's result reaches the API as it comes, not with the last.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { controlMachines } from '../fleet/control.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { type Periodic, serverJobs } from '../jobs/boss.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { testConfig } from '../testing/index.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { workControls } from './control-worker.js';
import { markPresent } from './store.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;
const AGENT = 'cb-agent';
const MACHINES = 12;
const AT_ONCE = 3;

describe('a control at an agent’s site, bounded', { timeout: 90_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let jobs: Periodic | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  let sim: Simulator;

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    const config = readConfig({
      DATABASE_URL: fresh.url,
      LOG_LEVEL: 'silent',
      HASHFORGE_FLEET_CONCURRENCY: `${AT_ONCE}`,
    });
    opened = await openContext(config, { command: 'test', modules });
    const ctx = opened.ctx;
    await addTestSite(ctx, actor, 'CB1');
    sim = await startSimulator({ count: MACHINES, base: '127.137.1.1', seed: 'CB1', slowMs: 300 });
    await scanRange(ctx, actor, { range: `127.137.1.1-127.137.1.${MACHINES}`, site: 'CB1', port: 4028 });
    for (const a of sim.addresses) await sim.setFault(a, 'slow');
    if (config.database.kind !== 'server') throw new Error('server expected');
    jobs = await serverJobs(config.database, ctx.log);
    stopWorker = await workControls(ctx, AGENT, jobs, ctx.log);
    await markPresent(ctx.db, { agent: AGENT, host: 'site-host', pid: 1, sites: ['CB1'] }, 30);
  }, 60_000);

  afterAll(async () => {
    await stopWorker?.();
    await jobs?.close();
    await sim?.stop();
    await opened?.close();
    await fresh?.drop();
  });

  it('acts on at most the poller’s concurrency of machines at once, each result told as it comes', async () => {
    const told: number[] = [];
    // Machines under way: turned off by the control and not yet told (their read-back still to come).
    // The miner client bounds the sockets alone; all at once, every machine's command went out first
    // and every read-back after, so that each machine's result came with the last.
    let peak = 0;
    const sample = setInterval(() => {
      const off = sim.addresses.filter((a) => sim.control(a).softOff).length;
      peak = Math.max(peak, off - told.length);
    }, 5);
    const started = performance.now();
    try {
      const report = await controlMachines(
        opened.ctx,
        actor,
        { selector: { site: 'CB1' }, action: { kind: 'soft-off' } },
        { confirmWithinMs: 20_000, onResult: () => told.push(performance.now() - started) },
      );
      expect(report.results.map((r) => r.outcome)).toEqual(Array(MACHINES).fill('done'));
    } finally {
      clearInterval(sample);
    }
    const through = await sql<{ n: number }>`
      select count(*)::int4 as n from fleet_machines where site = 'CB1'`.execute(opened.ctx.db);
    expect(through.rows[0]!.n).toBe(MACHINES);
    expect(sim.addresses.every((a) => sim.control(a).softOff)).toBe(true);
    // As the API hears them: a result reaches it a write and a look after its machine is done, a
    // round late at most (all at once: every one of the twelve).
    expect(peak, 'machines under way at once').toBeLessThanOrEqual(2 * AT_ONCE);
    // Four rounds of three: the first results were told well before the last.
    expect(told).toHaveLength(MACHINES);
    expect(told[AT_ONCE - 1]!).toBeLessThan(told.at(-1)! / 2);
    console.info(
      `${MACHINES} machines, ${AT_ONCE} at once: at most ${peak} under way at once; first result at ${(told[0]! / 1000).toFixed(1)} s, last at ${(told.at(-1)! / 1000).toFixed(1)} s`,
    );
  });
});
