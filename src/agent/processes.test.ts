/**
 * Site agents and API processes as they run in production, every one a real `hashforge` process on
 * loopback against the PostgreSQL server: two `serve` started at once on a fresh database, three
 * agents (a1 and a2 share NA1 and KZ1; a3 alone holds SG1 and reaches the database through a proxy
 * this test cuts), simulated miners for the three sites in this process (127.180.1-3.x).
 *
 * kill -9 of the agent in the middle of a KZ1 sweep → the other takes its sites within 60 s; a3's
 * link cut → controls at SG1 refused on both APIs, sweeps spooled to NATS and replayed in order once
 * it is back. What the database holds in the end is checked against what the agents read, heard
 * on their spool subjects as they published: every reading stored once, none lost.
 *
 * Intervals are the agents' own options, shortened: a sweep every 2 s, a lease of 8 s.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { createToken } from '../auth/tokens.js';
import type { Db } from '../db/db.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { modules } from '../modules.js';
import { type CuttableLink, cuttableLink } from '../testing/cuttable-link.js';
import { testConfig } from '../testing/index.js';
import { type BinProcess, sleep, startBin, until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { AWAY_AFTER_SECONDS } from './links.js';
import { type SpoolWitness, spoolWitness, type WitnessedPart } from './testing-witness.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const INTERVAL = 2;
const LEASE = 8;
const MINERS = 12;
const SITES = [
  { code: 'NA1', country: 'US', base: '127.180.1.1' },
  { code: 'KZ1', country: 'KZ', base: '127.180.2.1' },
  { code: 'SG1', country: 'SG', base: '127.180.3.1' },
] as const;

describe('site agents and API processes, as real processes', { timeout: 120_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): agents share sites through pg-boss on PostgreSQL', () => {});
    return;
  }
  const run = `p${randomBytes(3).toString('hex')}`;
  const [a1, a2, a3] = ['a1', 'a2', 'a3'].map((n) => `${run}-${n}`) as [string, string, string];
  const dir = mkdtempSync(join(tmpdir(), 'hf-agents-'));
  const processes: BinProcess[] = [];
  const sims = new Map<string, Simulator>();
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let link: CuttableLink;
  let witness: SpoolWitness;
  let opened: OpenedContext;
  let db: Db;
  let apis: string[] = [];
  let token = '';
  const agents = new Map<string, BinProcess>();

  const start = (args: string[], env: Record<string, string>) => {
    const p = startBin(dir, args, { LOG_LEVEL: 'info', DATABASE_URL: fresh.url, ...env });
    processes.push(p);
    return p;
  };
  const startAgent = (name: string, sites: string, databaseUrl = fresh.url) => {
    const p = start(
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
      { DATABASE_URL: databaseUrl, HASHFORGE_FLEET_CONCURRENCY: '4' },
    );
    agents.set(name, p);
    return p;
  };
  const call = async (api: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const sweepsOf = async (site: string) =>
    (
      await sql<{ agent_key: string; started_at: Date; finished_at: Date | null; machines: number | null }>`
        select agent_key, started_at, finished_at, machines from fleet_sweeps
        where site = ${site} order by started_at`.execute(db)
    ).rows;
  const forwarded = async (agent: string) =>
    (
      await sql<{ key: string; at: Date; forwarded_at: Date }>`
        select key, at, forwarded_at from agent_forwarded where agent = ${agent}
        order by forwarded_at, key`.execute(db)
    ).rows;

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    for (const s of SITES)
      sims.set(s.code, await startSimulator({ count: MINERS, base: s.base, seed: s.code, slowMs: 1000 }));
    witness = await spoolWitness(NATS, [a1, a2, a3]);
    const db = new URL(fresh.url);
    link = await cuttableLink({ host: db.hostname, port: Number(db.port || 5432) }, '127.180.0.1');
  }, 60_000);

  afterAll(async () => {
    // HASHFORGE_TEST_LOGS=dir keeps every process's output there, to read after a failure.
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep)
      for (const [i, p] of processes.entries())
        writeFileSync(
          join(keep, `${i}-${p.child.pid}.log`),
          `${p.child.spawnargs.join(' ')}\n${p.stdout()}\n${p.stderr()}`,
        );
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await opened?.close();
    await witness?.close();
    await link?.close();
    for (const sim of sims.values()) await sim.stop();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('two API processes start at once on a fresh database (one migrates, the other waits) and answer alike', async () => {
    const serves = [0, 1].map(() => start(['serve'], { PORT: '0', LOG_LEVEL: 'silent' }));
    apis = await Promise.all(
      serves.map(async (p) => (await p.waitFor(/HashForge is up at (http:\/\/\S+?) /, 60_000))[1]!),
    );
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
    });
    db = opened.ctx.db;
    token = (await createToken(opened.ctx, { id: 'test:admin', role: 'admin' }, { name: run, role: 'admin' }))
      .token;
    // Writes through either API, each read back through the other.
    for (const [i, s] of SITES.entries()) {
      const [one, other] = i % 2 === 0 ? apis : [...apis].reverse();
      const site = await call(one!, 'POST', '/api/mining/sites', {
        code: s.code,
        name: `${s.code} lab`,
        country: s.country,
        capacityMw: 1,
        usdPerKwh: 0.05,
      });
      expect(site.status, JSON.stringify(site.body)).toBe(201);
      const sim = sims.get(s.code)!;
      const range = `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`;
      const scan = await call(other!, 'POST', '/api/fleet/scans', { range, site: s.code });
      expect(scan.status, JSON.stringify(scan.body)).toBe(201);
      expect(scan.body.registered).toHaveLength(MINERS);
      const summary = await call(one!, 'GET', '/api/fleet/summary');
      expect(summary.body.sites.find((x: { site: string }) => x.site === s.code)?.machines).toBe(MINERS);
    }
  });

  let victim = '';
  it('kill -9 of an agent in the middle of a sweep: its sites move to the other within 60 s', async () => {
    startAgent(a1, 'NA1,KZ1');
    startAgent(a2, 'NA1,KZ1');
    startAgent(a3, 'SG1', fresh.url.replace(/@[^/]+\//, `@${link.host}:${link.port}/`));
    for (const s of SITES)
      await until(
        `a first sweep of ${s.code}`,
        45_000,
        async () => (await sweepsOf(s.code)).some((w) => w.finished_at !== null) || undefined,
      );

    // KZ1's miners turn slow (a sweep: 12 miners, 4 at a time, 1 s each); whoever sweeps it next dies in it.
    const kz = sims.get('KZ1')!;
    for (const a of kz.addresses) await kz.setFault(a, 'slow');
    const requests = kz.stats().requests;
    const marks = new Map([a1, a2].map((a) => [a, agents.get(a)!.stdout().length]));
    // Killed as soon as a sweep of KZ1 has started and polls reach the miners: 3 s before its end.
    const started = await until('a slow sweep of KZ1 under way', 30_000, () => {
      if (kz.stats().requests === requests) return undefined;
      for (const [agent, mark] of marks) {
        const m = /site KZ1: sweep (\S+) started/.exec(agents.get(agent)!.stdout().slice(mark));
        if (m) return { agent, sweep: m[1]!, from: mark + m.index };
      }
      return undefined;
    });
    victim = started.agent;
    const survivor = victim === a1 ? a2 : a1;
    // Not finished when it dies: no "swept" after its start.
    expect(agents.get(victim)!.stdout().slice(started.from)).not.toMatch(/site KZ1 swept/);
    await agents.get(victim)!.crash();
    const killedAt = Date.now();
    for (const a of kz.addresses) await kz.setFault(a, null);

    const takenOver = await until('the survivor sweeping KZ1', 60_000, async () =>
      (await sweepsOf('KZ1')).find(
        (w) => w.agent_key.startsWith(`${survivor}:`) && w.started_at.getTime() > killedAt && w.finished_at,
      ),
    );
    const seconds = (takenOver.started_at.getTime() - killedAt) / 1000;
    expect(seconds).toBeLessThan(60);
    await until(
      'the survivor sweeping NA1',
      30_000,
      async () =>
        (await sweepsOf('NA1')).some(
          (w) => w.agent_key.startsWith(`${survivor}:`) && w.started_at.getTime() > killedAt,
        ) || undefined,
    );
    // The sweep killed half-way reached neither the spool nor the database: nothing of it to count.
    expect((await sweepsOf('KZ1')).map((w) => w.agent_key)).not.toContain(started.sweep);
    expect(witness.parts().filter((p) => p.sweep === started.sweep)).toEqual([]);
    console.info(`KZ1 taken over ${seconds.toFixed(1)} s after the kill -9 of ${victim} (lease ${LEASE} s)`);
  });

  it('an agent cut off from the database spools, is refused controls meanwhile, and replays in order', async () => {
    const agent = agents.get(a3)!;
    const mark = agent.stdout().length;
    const cutAt = Date.now();
    link.cut();
    await until(
      'a3 noticing',
      15_000,
      () => agent.stdout().slice(mark).includes('link to the database lost') || undefined,
    );

    // Once a3 has been silent for longer than an agent may be, both APIs refuse a control at SG1,
    // naming it (a control let through would reboot the miners: it is sent only then).
    await until('a3 silent', 30_000, async () => {
      const r = await sql<{ ago: number }>`
        select extract(epoch from now() - seen_at)::float8 as ago from agent_presence where agent = ${a3}`.execute(
        db,
      );
      return r.rows[0]!.ago > AWAY_AFTER_SECONDS + 1 || undefined;
    });
    const before = await sql<{ n: bigint }>`select count(*)::int8 as n from events`.execute(db);
    for (const api of apis) {
      const refused = await call(api, 'POST', '/api/fleet/control', {
        selector: { site: 'SG1' },
        action: { kind: 'reboot' },
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('fleet.agent-not-connected');
      expect(refused.body.error.message).toMatch(
        new RegExp(`^Site SG1's agent is not connected: ${a3} \\(.+\\) last reached the database at `),
      );
    }
    expect(await sql<{ n: bigint }>`select count(*)::int8 as n from events`.execute(db)).toEqual(before);
    const spooled = () =>
      witness.parts().filter((p) => p.agent === a3 && p.kind === 'end' && p.at.getTime() > cutAt + 1000);
    await until('three sweeps spooled while cut off', 30_000, () => spooled().length >= 3 || undefined);
    // Polled live: the miners answered the agent whose link home was down.
    for (const p of witness
      .parts()
      .filter((x) => x.agent === a3 && x.kind === 'polls' && x.at.getTime() > cutAt))
      expect(p.answered).toBe(p.machines.length);
    expect(await witness.waiting(a3)).toBeGreaterThan(0);

    const restoredAt = Date.now();
    link.restore();
    const whileCut = witness.parts().filter((p) => p.agent === a3 && p.at.getTime() < restoredAt);
    await until('the spool replayed', 30_000, async () => {
      const keys = new Set((await forwarded(a3)).map((f) => f.key));
      return whileCut.every((p) => keys.has(p.key)) || undefined;
    });
    const rows = await forwarded(a3);
    // In reading order: one site, one agent, so its parts' reading times never go back.
    const ats = rows.map((r) => r.at.getTime());
    expect(ats).toEqual([...ats].sort((x, y) => x - y));
    // Those read during the cut were forwarded after it, not before.
    const replayed = rows.filter((r) => r.at.getTime() > cutAt && r.at.getTime() < restoredAt);
    expect(replayed.length).toBeGreaterThanOrEqual(6);
    for (const r of replayed) expect(r.forwarded_at.getTime()).toBeGreaterThanOrEqual(restoredAt - 1000);
    // And the site's series has no hole: a sweep every interval through the cut.
    const starts = (await sweepsOf('SG1')).map((w) => w.started_at.getTime());
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.max(...gaps) / 1000).toBeLessThan(15);
    console.info(
      `a3 cut off ${((restoredAt - cutAt) / 1000).toFixed(1)} s: ${replayed.length} parts replayed in order; longest gap between SG1 sweeps ${(Math.max(...gaps) / 1000).toFixed(1)} s`,
    );
  });

  it('every reading the agents took is stored once: none lost, none doubled', async () => {
    // The killed agent comes back under its name: what its spool held goes home too.
    await startAgent(victim, 'NA1,KZ1').waitFor(/serving/, 30_000);
    await sleep(INTERVAL * 1000);
    const running = [...agents].filter(([, p]) => p.child.exitCode === null && p.child.signalCode === null);
    for (const [, p] of running) p.child.kill('SIGTERM');
    for (const [name, p] of running)
      expect((await p.exited).code, `${name}: ${p.stderr().slice(-500)}`).toBe(0);
    for (const name of [a1, a2, a3]) expect(await witness.waiting(name)).toBe(0);
    // Stopped on purpose, the agents took their presence with them.
    const present = await sql<{ agent: string }>`select agent from agent_presence`.execute(db);
    expect(present.rows).toEqual([]);

    const parts = witness.parts();
    const stored = await sql<{ key: string }>`select key from agent_forwarded`.execute(db);
    expect(stored.rows.map((r) => r.key).sort()).toEqual(parts.map((p) => p.key).sort());

    const read = new Map<number, number>();
    for (const p of parts) for (const m of p.machines) read.set(m, (read.get(m) ?? 0) + 1);
    const telemetry = await sql<{ machine_id: bigint; polls: bigint }>`
      select machine_id, sum(polls)::int8 as polls from fleet_telemetry group by machine_id`.execute(db);
    const counted = new Map(telemetry.rows.map((r) => [Number(r.machine_id), Number(r.polls)]));
    expect(counted).toEqual(read);

    const machinesAt = await sql<{ id: bigint; site: string }>`select id, site from fleet_machines`.execute(
      db,
    );
    for (const s of SITES) {
      const ids = machinesAt.rows
        .filter((m) => m.site === s.code)
        .map((m) => Number(m.id))
        .sort((x, y) => x - y);
      // Each finished sweep read every machine of its site exactly once…
      const sweeps = new Map<string, WitnessedPart[]>();
      for (const p of parts.filter((x) => x.site === s.code))
        sweeps.set(p.sweep, [...(sweeps.get(p.sweep) ?? []), p]);
      const finished = [...sweeps.values()].filter((ps) => ps.some((p) => p.kind === 'end'));
      expect(finished.length).toBeGreaterThan(3);
      for (const ps of finished) expect(ps.flatMap((p) => p.machines).sort((x, y) => x - y)).toEqual(ids);
      // …and no two sweeps of a site ran at once.
      const rows = (await sweepsOf(s.code)).filter((w) => w.finished_at !== null);
      for (let i = 1; i < rows.length; i++)
        expect(rows[i]!.started_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.finished_at!.getTime());
    }
  });
});
