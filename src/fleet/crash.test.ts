/**
 * kill -9 in the middle of a sweep of the fleet, then polling again: the dead sweeper's claim on
 * the running-sweep slot ends with it, so the next sweep starts at once rather than meeting
 * "Another sweep of the fleet is running" until a timeout. Once for a `hashforge fleet poll` (serve
 * picks up), once for serve's own poller (the CLI picks up). Real processes, simulated miners on
 * loopback.
 */
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readLocalAdminToken } from '../auth/local-admin.js';
import { openDatabase } from '../db/db.js';
import { runBinAsync, startBin, stopStarted, tempDataDir } from '../testing/processes.js';
import { type Simulator, startSimulator } from './protocol/simulator.js';

const MINERS = 40;
/** Few polls in flight and slow miners: a sweep takes MINERS / 4 × 1.5 s, long enough to die in. */
const SLOW_SWEEP = { HASHFORGE_FLEET_CONCURRENCY: '4' };

describe('a crash in the middle of a sweep', { timeout: 90_000 }, () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let sim: Simulator;
  beforeAll(async () => {
    data = await tempDataDir('hf-fleet-crash-');
    sim = await startSimulator({ count: MINERS, base: '127.93.0.1', seed: 'crash', slowMs: 1500 });
  });
  // Failed before its kill, the test left serve or `fleet poll` running: killed before the miners stop.
  afterEach(stopStarted);
  afterAll(async () => {
    await sim.stop();
    data.remove();
  });

  const slow = async (fault: 'slow' | null) => {
    for (const a of sim.addresses) await sim.setFault(a, fault);
  };
  /** Resolves once `n` more polls than `from` have reached the miners: a sweep is under way. */
  const polled = async (n: number, from = sim.stats().requests) => {
    while (sim.stats().requests < from + n) await new Promise((r) => setTimeout(r, 25));
  };

  it('frees the running-sweep slot with the process, for serve and for the CLI alike', async () => {
    const site = await runBinAsync(data.dir, [
      'mining',
      'site',
      'add',
      ...['--code', 'CR1', '--name', 'Crash lab', '--country', 'SG'],
      ...['--capacity-mw', '1', '--usd-per-kwh', '0.05'],
    ]);
    expect(site.status, site.stderr).toBe(0);
    const scan = await runBinAsync(data.dir, [
      'fleet',
      'scan',
      `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`,
      '--site',
      'CR1',
    ]);
    expect(scan.status, scan.stderr).toBe(0);

    // 1. `fleet poll` dies mid-sweep; serve, started next with its poller on, sweeps at once.
    await slow('slow');
    const poller = startBin(data.dir, ['fleet', 'poll'], SLOW_SWEEP);
    await polled(8);
    await poller.crash();
    await slow(null);
    const restarted = Date.now();
    const asked = sim.stats().requests;
    const serve = startBin(data.dir, ['serve'], { PORT: '0', HASHFORGE_POLL_INTERVAL: '1', ...SLOW_SWEEP });
    const [, url] = await serve.waitFor(/HashForge is up at (http:\/\/\S+?) /);
    const summaryUrl = `${url!.replace('localhost', '127.0.0.1')}/api/fleet/summary`;
    const token = readLocalAdminToken(data.dir);
    // Every miner asked by serve's sweep before its summary is read: then read from serve itself
    // (a `fleet summary` process a read cost a second of CPU or more, several times over).
    await polled(MINERS, asked);
    let summary: { lastSweep?: { answered: number } } = {};
    for (;;) {
      const r = await fetch(summaryUrl, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      summary = (await r.json()) as typeof summary;
      if (summary.lastSweep?.answered === MINERS) break;
      expect(Date.now() - restarted).toBeLessThan(60_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    const resumedBySeconds = (Date.now() - restarted) / 1000;

    // 2. serve dies mid-sweep; a `fleet poll --once` right after it sweeps.
    await slow('slow');
    await polled(8);
    await serve.crash();
    await slow(null);
    const started = Date.now();
    const once = await runBinAsync(data.dir, ['fleet', 'poll', '--once', '--json']);
    expect(once.status, once.stderr).toBe(0);
    expect(JSON.parse(once.stdout)).toMatchObject({ machines: MINERS, answered: MINERS });
    const onceSeconds = (Date.now() - started) / 1000;

    const { db, close } = await openDatabase({ kind: 'embedded', dataDir: data.dir });
    try {
      const sweeps = await sql<{ outcome: string; running: boolean }>`
        select outcome, running from fleet_sweeps order by id`.execute(db);
      const outcomes = sweeps.rows.map((s) => s.outcome);
      expect(sweeps.rows.filter((s) => s.running)).toEqual([]);
      expect(outcomes).toContain(`abandoned: pid ${poller.child.pid} on ${hostname()} is gone`);
      expect(outcomes).toContain(`abandoned: pid ${serve.child.pid} on ${hostname()} is gone`);
      expect(outcomes.at(-1)).toBe('done');
    } finally {
      await close();
    }
    console.info(
      `serve swept ${resumedBySeconds} s after the crash of fleet poll (its start included); fleet poll --once after serve's crash took ${onceSeconds} s`,
    );
  });
});
