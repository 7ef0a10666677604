/**
 * Controls at an agent-served site go through the agent, with real processes on loopback against
 * the PostgreSQL server: one `serve`, one agent serving CT1 that reaches the database through a
 * proxy this test cuts, simulated miners in this process for CT1 (127.198.1.x, agent-served) and
 * CT2 (127.198.2.x, no agent: `serve` controls it directly, as before there were agents).
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
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { type CuttableLink, cuttableLink } from '../testing/cuttable-link.js';
import { testConfig } from '../testing/index.js';
import { type BinProcess, startBin, until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { AWAY_AFTER_SECONDS } from './links.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const SITES = [
  { code: 'CT1', base: '127.198.1.1', count: 3 },
  { code: 'CT2', base: '127.198.2.1', count: 2 },
] as const;

describe('controls through the site agent', { timeout: 120_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): agents take controls through pg-boss', () => {});
    return;
  }
  const agentName = `k${randomBytes(3).toString('hex')}-agent`;
  const dir = mkdtempSync(join(tmpdir(), 'hf-control-'));
  const sims = new Map<string, Simulator>();
  const processes: BinProcess[] = [];
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let link: CuttableLink;
  let api = '';
  let token = '';
  let agent: BinProcess;

  const control = async (body: unknown) => {
    const res = await fetch(`${api}/api/fleet/control?stream=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const lines =
      res.status === 200
        ? text
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [];
    return { status: res.status, lines, body: res.status === 200 ? undefined : JSON.parse(text) };
  };

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
    });
    const ctx = opened.ctx;
    const actor = { id: 'test:ops', role: 'admin' } as const;
    for (const s of SITES) {
      const sim = await startSimulator({ count: s.count, base: s.base, seed: s.code });
      sims.set(s.code, sim);
      await addTestSite(ctx, actor, s.code);
      await scanRange(ctx, actor, {
        range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`,
        site: s.code,
        port: 4028,
      });
    }
    token = (await createToken(ctx, actor, { name: agentName, role: 'admin' })).token;
    const db = new URL(fresh.url);
    link = await cuttableLink({ host: db.hostname, port: Number(db.port || 5432) }, '127.198.0.1');
    const serve = startBin(dir, ['serve'], { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: fresh.url });
    processes.push(serve);
    api = (await serve.waitFor(/HashForge is up at (http:\/\/\S+?) /, 60_000))[1]!;
    agent = startBin(
      dir,
      ['agent', '--sites', 'CT1', '--name', agentName, '--nats', NATS, '--interval', '30', '--lease', '40'],
      {
        LOG_LEVEL: 'info',
        DATABASE_URL: fresh.url.replace(/@[^/]+\//, `@${link.host}:${link.port}/`),
      },
    );
    processes.push(agent);
    await agent.waitFor(/serving CT1/, 60_000);
  }, 120_000);

  afterAll(async () => {
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep)
      for (const [i, p] of processes.entries())
        writeFileSync(
          join(keep, `control-${i}.log`),
          `${p.child.spawnargs.join(' ')}\n${p.stdout()}\n${p.stderr()}`,
        );
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await link?.close();
    for (const sim of sims.values()) await sim.stop();
    await opened?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a reboot at both sites: CT1 through its agent, CT2 directly, each machine’s result streamed', async () => {
    const machines = await sql<{ id: bigint; site: string }>`select id, site from fleet_machines`.execute(
      opened.ctx.db,
    );
    const r = await control({
      selector: { machines: machines.rows.map((m) => Number(m.id)) },
      action: { kind: 'reboot' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const controlId = r.lines[0].started.controlId as number;
    const results = r.lines.filter((l) => l.result).map((l) => l.result);
    expect(results).toHaveLength(5);
    for (const x of results) expect(x.outcome, x.detail).toBe('done');
    expect(r.lines.at(-1)).toMatchObject({ status: 200, report: { succeeded: 5, requested: 5 } });

    // CT1's machines were acted on by the agent (its rows, its log); CT2's by `serve`, with no row.
    const ct1 = machines.rows.filter((m) => m.site === 'CT1').map((m) => Number(m.id));
    const rows = await sql<{ machine_id: bigint; agent: string }>`
      select machine_id, agent from agent_control_results where control_id = ${controlId}
      order by machine_id`.execute(opened.ctx.db);
    expect(rows.rows.map((x) => Number(x.machine_id))).toEqual(ct1.sort((a, b) => a - b));
    expect(new Set(rows.rows.map((x) => x.agent))).toEqual(new Set([agentName]));
    expect(agent.stdout()).toContain(`control ${controlId} (`);
    expect(agent.stdout()).toMatch(
      new RegExp(`control ${controlId} \\([^)]*\\): sending to 3 machines of CT1`),
    );
  });

  it('with the agent’s link cut, a control at its site is refused and nothing reaches the miners', async () => {
    link.cut();
    await until('the agent silent', 40_000, async () => {
      const r = await sql<{ ago: number }>`
        select extract(epoch from now() - seen_at)::float8 as ago from agent_presence
        where agent = ${agentName}`.execute(opened.ctx.db);
      return r.rows[0]!.ago > AWAY_AFTER_SECONDS + 1 || undefined;
    });
    const requests = sims.get('CT1')!.stats().requests;
    const refused = await control({ selector: { site: 'CT1' }, action: { kind: 'reboot' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('fleet.agent-not-connected');
    expect(refused.body.error.message).toContain(agentName);
    // The agent, cut off, still polls on its own timer: give it no chance to count here.
    expect(sims.get('CT1')!.stats().requests - requests).toBeLessThanOrEqual(3);
    link.restore();
  });
});
