/**
 * A site agent's sweeps of one site stay half an interval apart when a sweep's read of the site's
 * machines is slow: a real agent process against the PostgreSQL server, its one site's simulated
 * miners on 127.30.1.x, a sweep every 2 s, a lease of 8 s. The test holds the machines' state table
 * locked (access exclusive) across the agent's next read, so that the sweep waits on it 3.5 s
 * while pg-boss queues the site's next job; that job comes the moment the slow sweep ends. The
 * agent judged a sweep's spacing at the turn's start, before the read, and named it after the read:
 * the two sweeps were named 0.1 s apart (as the shared-site cut test saw, by a few ms, after a
 * reconnect).
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
import { testConfig } from '../testing/index.js';
import { type BinProcess, sleep, startBin, until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { type SpoolWitness, spoolWitness } from './testing-witness.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const NATS = 'nats://127.0.0.1:4222';
const INTERVAL = 2;
const SITE = 'SP1';
/** An interval and more than a look at the queue: the site's next job is waiting when the read ends. */
const HOLD_MS = 3_500;

describe('a slow read of a site’s machines', { timeout: 120_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the agent takes its sweeps from pg-boss', () => {});
    return;
  }
  const agent = `s${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'hf-spacing-'));
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let sim: Simulator;
  let witness: SpoolWitness;
  let p: BinProcess | undefined;

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    opened = await openContext(readConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }), {
      command: 'test',
      modules,
    });
    const actor = { id: 'test:ops', role: 'admin' } as const;
    sim = await startSimulator({ count: 4, base: '127.30.1.1', seed: SITE });
    await addTestSite(opened.ctx, actor, SITE);
    await scanRange(opened.ctx, actor, {
      range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`,
      site: SITE,
      port: 4028,
    });
    witness = await spoolWitness(NATS, [agent]);
  }, 90_000);

  afterAll(async () => {
    const keep = process.env.HASHFORGE_TEST_LOGS;
    if (keep && p) writeFileSync(join(keep, `${agent}.log`), p.stdout() + p.stderr());
    if (p && p.child.exitCode === null && p.child.signalCode === null) await p.crash();
    await witness?.close();
    await sim?.stop();
    await opened?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the sweep after one held up by its read waits half an interval from when that one read', async () => {
    const db = opened.ctx.db;
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
    const ends = () =>
      witness
        .parts()
        .filter((x) => x.kind === 'end')
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    /** The last sweep's end once it is home: the agent's next sweep reads the central copy. */
    const lastEndHome = async () => {
      const last = ends().at(-1);
      if (!last) return undefined;
      const r = await sql<{ n: number }>`
        select count(*)::int4 as n from agent_forwarded where key = ${last.key}`.execute(db);
      return r.rows[0]!.n === 1 ? last : undefined;
    };
    /** The agent's read of the site's machines, waiting on the test's lock. */
    const readWaiting = async () => {
      const r = await sql<{ n: number }>`
        select count(*)::int4 as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'
          and query ilike 'select%fleet_machine_state%'`.execute(db);
      return r.rows[0]!.n > 0 || undefined;
    };
    // The lock holds a read only if taken between a sweep's end reaching home and the next sweep's
    // read; taken too late (the read done, the forwarder held instead), the test takes it again.
    let held = false;
    for (let attempt = 0; attempt < 5 && !held; attempt++) {
      await until('a sweep forwarded', 30_000, lastEndHome);
      await db.transaction().execute(async (trx) => {
        await sql`lock table fleet_machine_state in access exclusive mode`.execute(trx);
        held = await until('a read held', 2 * INTERVAL * 1000, readWaiting).then(
          () => true,
          () => false,
        );
        // Long enough for the site's next interval to begin and pg-boss to queue its job.
        if (held) await sleep(HOLD_MS);
      });
    }
    expect(held, 'a sweep held up by its read').toBe(true);
    // The held sweep, and the job taken as it ends.
    await sleep(2 * INTERVAL * 1000);

    const at = ends().map((e) => e.at.getTime());
    const close = at.slice(1).filter((t, i) => t - at[i]! < (INTERVAL * 1000) / 2);
    expect(
      close.map((t) => new Date(t).toISOString()),
      'sweeps started within half an interval',
    ).toEqual([]);
  });
});
