/**
 * A link cut at a site two agents share, with real processes on loopback against the PostgreSQL
 * server: b1 serves SH1 (with b2) and EX1 (alone) and reaches the database through a proxy this
 * test cuts in the middle of b1's sweep of SH1. The sweep under way ends in b1's spool; b1 starts no
 * other sweep of SH1 (b2 takes it once b1's lease has expired) and keeps sweeping EX1, which nobody
 * else can take, into its spool. Once the link is back and the spool replayed, no two sweeps of SH1
 * overlap, and every reading either agent took is stored once.
 *
 * Simulated miners on 127.195.1-2.x, the proxy on 127.195.0.1. A sweep every 2 s, a lease of 8 s.
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
import { type SpoolWitness, spoolWitness } from './testing-witness.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const INTERVAL = 2;
const LEASE = 8;
const MINERS = 8;

describe('a link cut at a site two agents share', { timeout: 150_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): agents share sites through pg-boss on PostgreSQL', () => {});
    return;
  }
  const run = `c${randomBytes(3).toString('hex')}`;
  const [b1, b2] = [`${run}-b1`, `${run}-b2`];
  const dir = mkdtempSync(join(tmpdir(), 'hf-cut-'));
  const sims = new Map<string, Simulator>();
  const agents = new Map<string, BinProcess>();
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let link: CuttableLink;
  let witness: SpoolWitness;

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

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
    });
    const ctx = opened.ctx;
    const actor = { id: 'test:ops', role: 'admin' } as const;
    for (const [i, site] of ['SH1', 'EX1'].entries()) {
      // Each sweep of SH1 takes a while (8 miners, 4 at a time, 0.7 s each once slowed).
      const sim = await startSimulator({
        count: MINERS,
        base: `127.195.${i + 1}.1`,
        seed: site,
        slowMs: 700,
      });
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
    link = await cuttableLink({ host: db.hostname, port: Number(db.port || 5432) }, '127.195.0.1');
  }, 90_000);

  afterAll(async () => {
    // HASHFORGE_TEST_LOGS=dir keeps every agent's output there, to read after a failure.
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep)
      for (const [name, p] of agents) writeFileSync(join(keep, `${name}.log`), p.stdout() + p.stderr());
    for (const p of agents.values())
      if (p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await witness?.close();
    await link?.close();
    for (const sim of sims.values()) await sim.stop();
    await opened?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the cut agent finishes its sweep of the shared site, leaves it to the other, and spools the one it serves alone', async () => {
    startAgent(b1, 'SH1,EX1', fresh.url.replace(/@[^/]+\//, `@${link.host}:${link.port}/`));
    startAgent(b2, 'SH1', fresh.url);
    for (const site of ['SH1', 'EX1'])
      await until(
        `a first sweep of ${site}`,
        45_000,
        async () => (await sweepsOf(site)).some((w) => w.finished_at !== null) || undefined,
      );
    const sh = sims.get('SH1')!;
    for (const a of sh.addresses) await sh.setFault(a, 'slow');

    // Cut as soon as b1 has started a sweep of SH1 and its polls reach the miners: it holds the lease.
    const agent = agents.get(b1)!;
    const inFlight = await until('b1 sweeping SH1', 60_000, async () => {
      const mark = agent.stdout().length;
      const m = await until(
        'a sweep of SH1 by b1',
        30_000,
        () => /site SH1: sweep (\S+) started/.exec(agent.stdout().slice(mark)) ?? undefined,
      );
      const requests = sh.stats().requests;
      await until('its polls', 5_000, () => sh.stats().requests > requests || undefined);
      // b1's sweep, not yet over: otherwise wait for its next one.
      return agent.stdout().slice(mark).includes('site SH1 swept') ? undefined : m[1]!;
    });
    const cutAt = Date.now();
    link.cut();
    const lost = await until(
      'b1 noticing',
      15_000,
      () =>
        /link to the database lost: [^\n"]*/.exec(agent.stdout().slice(agent.stdout().indexOf(inFlight))) ??
        undefined,
    );
    expect(lost[0]).toContain(`polling EX1 into the spool; leaving SH1 to ${b2}`);

    // b2 takes SH1 once b1's lease has run out; b1 meanwhile spools EX1.
    await until(
      'b2 sweeping SH1',
      40_000,
      async () =>
        (await sweepsOf('SH1')).some(
          (w) => w.agent_key.startsWith(`${b2}:`) && w.started_at.getTime() > cutAt && w.finished_at,
        ) || undefined,
    );
    const exWhileCut = () =>
      witness
        .parts()
        .filter((p) => p.agent === b1 && p.site === 'EX1' && p.kind === 'end' && p.at.getTime() > cutAt);
    await until('three sweeps of EX1 spooled', 30_000, () => exWhileCut().length >= 3 || undefined);
    // A few sweeps of SH1 by b2 while b1 is still cut off, where b1 would have swept it too.
    await sleep(3 * INTERVAL * 1000);
    const restoredAt = Date.now();
    link.restore();

    const b1Parts = witness.parts().filter((p) => p.agent === b1);
    await until(
      'b1 forwarding its spool',
      30_000,
      async () => (await witness.waiting(b1)) === 0 || undefined,
    );
    // Of SH1, b1 spooled the sweep under way at the cut, to its end, and started none after it.
    const sh1 = b1Parts.filter((p) => p.site === 'SH1' && p.at.getTime() > cutAt - LEASE * 1000);
    expect(sh1.filter((p) => p.at.getTime() >= cutAt)).toEqual([]);
    expect(sh1.filter((p) => p.sweep === inFlight && p.kind === 'end')).toHaveLength(1);
    expect(exWhileCut().filter((p) => p.at.getTime() < restoredAt).length).toBeGreaterThanOrEqual(3);

    // No two sweeps of SH1 at once, the one b1 finished while cut off (replayed) included.
    const rows = (await sweepsOf('SH1')).filter((w) => w.finished_at !== null);
    expect(rows.map((w) => w.agent_key)).toContain(inFlight);
    for (let i = 1; i < rows.length; i++)
      expect(
        rows[i]!.started_at.getTime(),
        `${rows[i]!.agent_key} started before ${rows[i - 1]!.agent_key} finished`,
      ).toBeGreaterThanOrEqual(rows[i - 1]!.finished_at!.getTime());
    const taken = rows.find((w) => w.agent_key.startsWith(`${b2}:`) && w.started_at.getTime() > cutAt)!;
    console.info(
      `b1 cut ${((restoredAt - cutAt) / 1000).toFixed(1)} s: SH1 swept by b2 ${((taken.started_at.getTime() - cutAt) / 1000).toFixed(1)} s after the cut (lease ${LEASE} s), ${exWhileCut().length} sweeps of EX1 spooled by b1`,
    );
  });

  it('every reading either agent took is stored once', async () => {
    for (const p of agents.values()) p.child.kill('SIGTERM');
    for (const [name, p] of agents)
      expect((await p.exited).code, `${name}: ${p.stderr().slice(-500)}`).toBe(0);
    const parts = witness.parts();
    const db = opened.ctx.db;
    const stored = await sql<{ key: string }>`select key from agent_forwarded`.execute(db);
    expect(stored.rows.map((r) => r.key).sort()).toEqual(parts.map((p) => p.key).sort());
    const read = new Map<number, number>();
    for (const p of parts) for (const m of p.machines) read.set(m, (read.get(m) ?? 0) + 1);
    const telemetry = await sql<{ machine_id: bigint; polls: bigint }>`
      select machine_id, sum(polls)::int8 as polls from fleet_telemetry group by machine_id`.execute(db);
    expect(new Map(telemetry.rows.map((r) => [Number(r.machine_id), Number(r.polls)]))).toEqual(read);
  });
});
