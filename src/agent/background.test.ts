/**
 * The agents' upkeep: the forwarded parts' keys pruned once no spool could hand them over again,
 * and the measurements' partitions kept while agents poll, by a task that runs once across every
 * `serve` (two job engines on one server here, as two processes have).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/db.js';
import { inProcess, type Periodic, serverJobs } from '../jobs/boss.js';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { sleep } from '../testing/processes.js';
import { startAgentUpkeep } from './background.js';
import { AWAY_AFTER_SECONDS } from './links.js';
import { FORWARDED_KEEP_HOURS } from './model.js';
import { markPresent } from './store.js';

const HOUR = 3600_000;

describe('the upkeep of what agents write', () => {
  let app: TestApp;
  const quiet = pino({ level: 'silent' });
  /** Parts read this many hours before the app's clock. */
  const parts = async (hoursAgo: number[]) => {
    await sql`delete from agent_forwarded`.execute(app.db);
    for (const h of hoursAgo)
      await sql`insert into agent_forwarded (key, agent, site, at, readings)
        values (${`a1:NA1:${h}h#0`}, 'a1', 'NA1', ${new Date(app.clock.now().getTime() - h * HOUR)}, 200)`.execute(
        app.db,
      );
  };
  const keys = async () =>
    (await sql<{ key: string }>`select key from agent_forwarded order by at`.execute(app.db)).rows.map(
      (r) => r.key,
    );
  /** The jobs of one process, each run of a task counted. */
  let runs = 0;
  const counted = (jobs: Periodic): Periodic => ({
    every: (name, o, work) =>
      jobs.every(name, o, async () => {
        runs++;
        await work();
      }),
    work: (name, o, handle) => jobs.work(name, o, handle),
    close: () => jobs.close(),
  });
  const pruned = () => keys().then((k) => k.length === 2);
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await sleep(100);
  };

  /** Whether the telemetry partition of the day after tomorrow (the clock's) is made. */
  const madeAhead = async () =>
    (
      await sql<{
        made: string | null;
      }>`select to_regclass('fleet_telemetry_20310312')::text as made`.execute(app.db)
    ).rows[0]!.made !== null;

  beforeEach(async () => {
    app ??= await testApp();
    app.clock.set('2031-03-10T12:00:00Z');
    runs = 0;
    await parts([FORWARDED_KEEP_HOURS + 1, FORWARDED_KEEP_HOURS + 30, FORWARDED_KEEP_HOURS - 1, 1]);
  });
  afterAll(async () => app?.close());

  it('forgets the keys of parts read before any spool could still hold them, and keeps the rest', async () => {
    const stop = startAgentUpkeep(app, counted(inProcess(quiet)));
    await until(pruned);
    await stop();
    expect(runs).toBe(1);
    expect(await keys()).toEqual([`a1:NA1:${FORWARDED_KEEP_HOURS - 1}h#0`, 'a1:NA1:1h#0']);
    // No agent serving: the partitions are serve's own sweep's to keep.
    expect(await madeAhead()).toBe(false);
  });

  it("keeps the measurements' partitions while agents poll (serve's own sweep stands aside then)", async () => {
    await markPresent(app.db, { agent: 'a1', host: 'site', pid: 1, sites: ['NA1'] }, AWAY_AFTER_SECONDS);
    const stop = startAgentUpkeep(app, counted(inProcess(quiet)));
    await until(madeAhead);
    await stop();
    expect(await madeAhead()).toBe(true);
  });

  const target = testConfig.database;
  it.skipIf(target.kind !== 'server')('runs once across two processes on one PostgreSQL', async () => {
    if (target.kind !== 'server') return;
    const schema = `prune${randomBytes(4).toString('hex')}`;
    const engines = [
      counted(await serverJobs({ ...target, schema }, quiet)),
      counted(await serverJobs({ ...target, schema }, quiet)),
    ];
    try {
      const stops = await Promise.all(engines.map((jobs) => startAgentUpkeep(app, jobs)));
      await until(pruned);
      // Both offered the hour's run at once; a second run would have come within seconds.
      await sleep(3000);
      for (const stop of stops) await stop();
      expect(runs).toBe(1);
      expect(await keys()).toHaveLength(2);
    } finally {
      for (const jobs of engines) await jobs.close();
      const { db } = await openDatabase({ ...target, pool: 1 });
      await sql`drop schema if exists ${sql.id(`${schema}_jobs`)} cascade`.execute(db);
      await db.destroy();
    }
  });
});
