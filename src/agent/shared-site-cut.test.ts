/**
 * Link cuts at a site two agents share, with real processes on loopback against the PostgreSQL
 * server: b1 serves SH1 (with b2) and EX1 (alone); each reaches the database through a proxy of its
 * own, which the test cuts. The names are drawn so that b1 wins SH1's rendezvous.
 *
 * First b1 alone is cut: b2 takes SH1 over its lease, b1 goes on sweeping SH1 (and EX1) into its
 * spool; on replay b1's off-lease sweeps of SH1 that overlap b2's are dropped, naming them. Then
 * the database is cut from both at once (a full outage): b2 leaves SH1 to b1, b1 sweeps it, and once
 * both spools have replayed SH1's sweeps run on with no gap longer than a lease and an interval, no
 * two of them overlap, and each machine of SH1 has exactly one reading per stored sweep.
 *
 * Simulated miners on 127.210.1-2.x, the proxies on 127.210.0.1-2. A sweep every 2 s, a lease of 8 s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { type CuttableLink, cuttableLink } from '../testing/cuttable-link.js';
import { testConfig } from '../testing/index.js';
import { type BinProcess, sleep, startBin, until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { rendezvousPick } from './model.js';
import { type SpoolWitness, spoolWitness } from './testing-witness.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const INTERVAL = 2;
const LEASE = 8;
const MINERS = 8;
/** How long the full outage lasts: longer than a lease and an interval, the longest gap allowed. */
const OUTAGE_SECONDS = 20;

describe('link cuts at a site two agents share', { timeout: 240_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): agents share sites through pg-boss on PostgreSQL', () => {});
    return;
  }
  const run = `c${randomBytes(3).toString('hex')}`;
  const [b1, b2] =
    rendezvousPick('SH1', [`${run}-x`, `${run}-y`]) === `${run}-x`
      ? [`${run}-x`, `${run}-y`]
      : [`${run}-y`, `${run}-x`];
  const dir = mkdtempSync(join(tmpdir(), 'hf-cut-'));
  const sims = new Map<string, Simulator>();
  const agents = new Map<string, BinProcess>();
  const links = new Map<string, CuttableLink>();
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let witness: SpoolWitness;
  let outage: { from: number; to: number };

  const startAgent = (name: string, sites: string, databaseUrl: string) => {
    const p = startBin(
      dir,
      [
        'agent',
        '--sites',
        sites,
        '--name',
        name,
        '--nats',
        NATS,
        '--interval',
        `${INTERVAL}`,
        '--lease',
        `${LEASE}`,
      ],
      { LOG_LEVEL: 'info', DATABASE_URL: databaseUrl, HASHFORGE_FLEET_CONCURRENCY: '4' },
    );
    agents.set(name, p);
    return p;
  };
  const sweepsOf = async (site: string) =>
    (
      await sql<{ agent_key: string; started_at: Date; finished_at: Date | null }>`
        select agent_key, started_at, finished_at from fleet_sweeps where site = ${site}
        order by started_at`.execute(opened.ctx.db)
    ).rows;
  /** The agent's log from `mark` on: its line saying the link was lost. */
  const lostLine = (name: string, mark: number) =>
    until(
      `${name} noticing the cut`,
      20_000,
      () => /link to the database lost: [^\n"]*/.exec(agents.get(name)!.stdout().slice(mark))?.[0],
    );
  const offLeaseEnds = (agent: string, site: string, after: number) =>
    witness
      .parts()
      .filter(
        (p) =>
          p.agent === agent && p.site === site && p.kind === 'end' && p.offLease && p.at.getTime() > after,
      );
  /** Every part either agent spooled before `at` has reached the database (live ones go on spooling). */
  const forwardedBefore = async (at: number) => {
    const keys = witness
      .parts()
      .filter((p) => p.at.getTime() < at)
      .map((p) => p.key);
    await until('the spools replayed', 90_000, async () => {
      const r = await sql<{ n: number }>`
        select count(*)::int4 as n from agent_forwarded where key = any(${keys}::text[])`.execute(
        opened.ctx.db,
      );
      return r.rows[0]!.n === keys.length || undefined;
    });
  };

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
    });
    const ctx = opened.ctx;
    const actor = { id: 'test:ops', role: 'admin' } as const;
    for (const [i, site] of ['SH1', 'EX1'].entries()) {
      const sim = await startSimulator({ count: MINERS, base: `127.210.${i + 1}.1`, seed: site });
      sims.set(site, sim);
      await addTestSite(ctx, actor, site);
      await scanRange(ctx, actor, {
        range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`,
        site,
        port: 4028,
      });
    }
    witness = await spoolWitness(NATS, [b1, b2]);
    const db = new URL(fresh.url);
    for (const [i, name] of [b1, b2].entries())
      links.set(
        name,
        await cuttableLink({ host: db.hostname, port: Number(db.port || 5432) }, `127.210.0.${i + 1}`),
      );
  }, 90_000);

  afterAll(async () => {
    // HASHFORGE_TEST_LOGS=dir keeps every agent's output there, to read after a failure.
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep)
      for (const [name, p] of agents) writeFileSync(join(keep, `${name}.log`), p.stdout() + p.stderr());
    for (const p of agents.values())
      if (p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await witness?.close();
    for (const link of links.values()) await link.close();
    for (const sim of sims.values()) await sim.stop();
    await opened?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('one agent cut: the live one sweeps the shared site, and the cut one’s overlapping sweeps are dropped on replay', async () => {
    const through = (name: string) =>
      fresh.url.replace(/@[^/]+\//, `@${links.get(name)!.host}:${links.get(name)!.port}/`);
    startAgent(b1, 'SH1,EX1', through(b1));
    startAgent(b2, 'SH1', through(b2));
    for (const site of ['SH1', 'EX1'])
      await until(
        `a first sweep of ${site}`,
        60_000,
        async () => (await sweepsOf(site)).some((w) => w.finished_at !== null) || undefined,
      );
    // Both have marked their presence since the other's first: each knows the other shares SH1.
    await sleep(3 * INTERVAL * 1000);

    const mark = agents.get(b1)!.stdout().length;
    const cutAt = Date.now();
    links.get(b1)!.cut();
    const lost = await lostLine(b1, mark);
    expect(lost).toContain(`polling SH1 (shared with ${b2}: ours by rendezvous`);
    expect(lost).toContain('EX1');
    await until(
      'b2 sweeping SH1',
      60_000,
      async () =>
        (await sweepsOf('SH1')).some(
          (w) => w.agent_key.startsWith(`${b2}:`) && w.started_at.getTime() > cutAt && w.finished_at,
        ) || undefined,
    );
    await until(
      'b1 sweeping SH1 too, off lease',
      30_000,
      () => offLeaseEnds(b1, 'SH1', cutAt).length >= 3 || undefined,
    );
    links.get(b1)!.restore();
    await forwardedBefore(Date.now());

    const dropped = await sql<{ sweep: string; met: string }>`
      select sweep, met from agent_dropped_sweeps where agent = ${b1} and site = 'SH1'`.execute(
      opened.ctx.db,
    );
    expect(dropped.rows.length).toBeGreaterThanOrEqual(2);
    for (const d of dropped.rows) {
      expect(d.met.startsWith(`${b2}:`), d.met).toBe(true);
      expect(agents.get(b1)!.stdout()).toContain(`spooled sweep ${d.sweep} dropped`);
    }
    // EX1, which nobody else serves, was spooled through the cut and replayed.
    expect(offLeaseEnds(b1, 'EX1', cutAt).length).toBeGreaterThanOrEqual(3);
    console.info(
      `b1 cut alone: ${offLeaseEnds(b1, 'SH1', cutAt).length} off-lease sweeps of SH1 spooled, ${dropped.rows.length} dropped on replay as b2's`,
    );
  });

  it('the database cut from both at once: the shared site goes on being swept, by the agent the rendezvous picked', async () => {
    // Both back in step: b1's link up again and sweeps of SH1 stored since.
    await until(
      'b1 back',
      30_000,
      () => agents.get(b1)!.stdout().includes('link to the database back') || undefined,
    );
    await sleep(3 * INTERVAL * 1000);
    const marks = new Map([b1, b2].map((name) => [name, agents.get(name)!.stdout().length]));
    const from = Date.now();
    for (const link of links.values()) link.cut();
    const [lost1, lost2] = [await lostLine(b1, marks.get(b1)!), await lostLine(b2, marks.get(b2)!)];
    expect(lost1).toContain(`polling SH1 (shared with ${b2}: ours by rendezvous`);
    expect(lost2).toContain(`leaving SH1 to ${b1}`);
    await sleep(Math.max(0, from + OUTAGE_SECONDS * 1000 - Date.now()));
    for (const link of links.values()) link.restore();
    outage = { from, to: Date.now() };
    await forwardedBefore(outage.to);
    expect(offLeaseEnds(b1, 'SH1', from).length).toBeGreaterThanOrEqual(3);
    expect(offLeaseEnds(b2, 'SH1', from)).toEqual([]);
  });

  it('after replay, the shared site’s sweeps run on with no gap and no overlap, and every reading is stored once', async () => {
    for (const p of agents.values()) p.child.kill('SIGTERM');
    for (const [name, p] of agents)
      expect((await p.exited).code, `${name}: ${p.stderr().slice(-500)}`).toBe(0);
    const db = opened.ctx.db;
    const rows = (await sweepsOf('SH1')).filter((w) => w.finished_at !== null);
    for (let i = 1; i < rows.length; i++)
      expect(
        rows[i]!.started_at.getTime(),
        `${rows[i]!.agent_key} started before ${rows[i - 1]!.agent_key} finished`,
      ).toBeGreaterThanOrEqual(rows[i - 1]!.finished_at!.getTime());
    // Across the outage, from the last sweep before it to the first after: the longest wait is the
    // lease (whoever held a sweep then has ended it) and an interval, not the outage's length.
    const around = rows.filter(
      (w) => w.started_at.getTime() > outage.from - 10_000 && w.started_at.getTime() < outage.to + 5_000,
    );
    const gaps = around.slice(1).map((w, i) => w.started_at.getTime() - around[i]!.started_at.getTime());
    const longest = Math.max(...gaps);
    expect(longest).toBeLessThanOrEqual((LEASE + 2 * INTERVAL + 4) * 1000);

    // The per-machine series: each machine of SH1 read once by every sweep of it that was stored.
    const perMachine = await sql<{ machine_id: bigint; polls: number }>`
      select t.machine_id, sum(t.polls)::int4 as polls from fleet_telemetry t
      join fleet_machines m on m.id = t.machine_id where m.site = 'SH1' group by t.machine_id`.execute(db);
    const stored = (await sweepsOf('SH1')).length;
    expect(perMachine.rows).toHaveLength(MINERS);
    for (const r of perMachine.rows) expect(r.polls, `machine ${r.machine_id}`).toBe(stored);

    // No agent started two sweeps of a site within half an interval, whichever way each came (a
    // job, or its own timer through a cut): after a reconnect one agent once started three in 3 s.
    const parts = witness.parts();
    for (const agent of [b1, b2])
      for (const site of ['SH1', 'EX1']) {
        const starts = parts
          .filter((p) => p.agent === agent && p.site === site && p.kind === 'end')
          .map((p) => p.at.getTime())
          .sort((a, b) => a - b);
        const close = starts.slice(1).filter((t, i) => t - starts[i]! < (INTERVAL * 1000) / 2);
        expect(
          close.map((t) => new Date(t).toISOString()),
          `${agent} at ${site}`,
        ).toEqual([]);
      }

    // Every part either agent spooled was taken; every reading of a sweep not dropped is counted once.
    const keys = await sql<{ key: string }>`select key from agent_forwarded`.execute(db);
    expect(keys.rows.map((r) => r.key).sort()).toEqual(parts.map((p) => p.key).sort());
    const droppedSweeps = new Set(
      (await sql<{ sweep: string }>`select sweep from agent_dropped_sweeps`.execute(db)).rows.map(
        (r) => r.sweep,
      ),
    );
    const read = new Map<number, number>();
    for (const p of parts.filter((x) => !droppedSweeps.has(x.sweep)))
      for (const m of p.machines) read.set(m, (read.get(m) ?? 0) + 1);
    const telemetry = await sql<{ machine_id: bigint; polls: bigint }>`
      select machine_id, sum(polls)::int8 as polls from fleet_telemetry group by machine_id`.execute(db);
    expect(new Map(telemetry.rows.map((r) => [Number(r.machine_id), Number(r.polls)]))).toEqual(read);
    console.info(
      `full outage ${((outage.to - outage.from) / 1000).toFixed(1)} s: SH1's longest wait between sweeps around it ${(longest / 1000).toFixed(1)} s (lease ${LEASE} s, interval ${INTERVAL} s); ${stored} sweeps of SH1 stored, ${droppedSweeps.size} dropped`,
    );
  });
});
