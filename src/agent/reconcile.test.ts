/**
 * A site an agent sweeps stays curtailed: a real agent process against the PostgreSQL server, its
 * site's simulated miners on 127.27.1.x, a sweep every 2 s. The site was curtailed (a soft off 11
 * minutes ago, past the reconciler's rate limit) and its miners came back from a power cut hashing,
 * the soft off forgotten: once the agent's sweep that finds them so is home, the soft off is sent
 * again by `system:reconciler` through the agent, and the next sweeps find them idle. Before, only
 * `serve`'s sweep reconciled, and `serve` leaves agent-served sites' sweeps to the agents.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { controlMachines } from '../fleet/control.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../fleet/protocol/simulator.js';
import { RECONCILER, RESEND_AFTER_MS } from '../fleet/reconcile.js';
import { SettableClock } from '../kernel/clock.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { testConfig } from '../testing/index.js';
import { type BinProcess, sleep, startBin, until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const INTERVAL = 2;
const SITE = 'RC1';
const MINERS = { count: 3, base: '127.27.1.1', seed: SITE, faultRate: 0 } satisfies SimulatorOptions;

describe('a curtailed site its agent sweeps', { timeout: 120_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the agent takes its sweeps from pg-boss', () => {});
    return;
  }
  const agent = `r${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'hf-reconcile-'));
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let sim: Simulator;
  let p: BinProcess | undefined;

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    // The operator's soft off was sent past the rate limit: the first sweep finding them hashing acts.
    const clock = new SettableClock(new Date(Date.now() - RESEND_AFTER_MS - 60_000).toISOString());
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
      clock,
    });
    const actor = { id: 'test:ops', role: 'admin' } as const;
    sim = await startSimulator(MINERS);
    await addTestSite(opened.ctx, actor, SITE);
    await scanRange(opened.ctx, actor, {
      range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`,
      site: SITE,
      port: 4028,
    });
    const off = await controlMachines(opened.ctx, actor, {
      selector: { site: SITE },
      action: { kind: 'soft-off' },
    });
    expect(off.succeeded).toBe(MINERS.count);
    // A power cut: the miners come back fresh, hashing, the soft off forgotten.
    await sim.stop();
    sim = await startSimulator(MINERS);
  }, 90_000);

  afterAll(async () => {
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep && p) writeFileSync(join(keep, `${agent}.log`), p.stdout() + p.stderr());
    if (p && p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await sim?.stop();
    await opened?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('sends the soft off again through the agent once its sweep finds the machines hashing', async () => {
    const db = opened.ctx.db;
    const reconcilerControls = async () =>
      (
        await sql<{ id: bigint; machines: number; succeeded: number | null; completed: boolean }>`
          select id, jsonb_array_length(machine_ids) as machines, succeeded,
            completed_at is not null as completed
          from fleet_controls where actor = ${RECONCILER.id} order by id`.execute(db)
      ).rows;
    p = startBin(
      dir,
      [
        'agent',
        '--sites',
        SITE,
        '--name',
        agent,
        '--nats',
        NATS,
        '--interval',
        `${INTERVAL}`,
        '--lease',
        '8',
      ],
      { LOG_LEVEL: 'info', DATABASE_URL: fresh.url },
    );
    const [control] = await until('the reconciler’s soft off done', 60_000, async () => {
      const rows = await reconcilerControls();
      return rows.length > 0 && rows.every((r) => r.completed) ? rows : undefined;
    });
    expect(control).toMatchObject({ machines: MINERS.count, succeeded: MINERS.count });
    // Sent through the agent, which acted on each machine (its rows), and said why in its log.
    const acted = await sql<{ agent: string }>`
      select agent from agent_control_results where control_id = ${control!.id}`.execute(db);
    expect(acted.rows.map((r) => r.agent)).toEqual(Array(MINERS.count).fill(agent));
    expect(p.stdout()).toMatch(/soft off sent again to 3 machine\(s\) at RC1/);
    // The next sweeps home find them idle, and nothing more is sent (the rate limit holds too).
    await until('the site idle', 30_000, async () => {
      const r = await sql<{ status: string }>`select status from fleet_machines where site = ${SITE}`.execute(
        db,
      );
      return r.rows.every((m) => m.status === 'idle') || undefined;
    });
    await sleep(3 * INTERVAL * 1000);
    expect(await reconcilerControls()).toHaveLength(1);
  });
});
