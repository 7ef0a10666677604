import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.js';
import { measuredPowerByDay, measuredThsByDay } from '../mining/fleet-link.js';
import { type TestApp, testApp } from '../testing/index.js';
import { databaseMigratedBefore } from '../testing/migrated-before.js';
import { listPartitions } from './partitions.js';
import { machineSeries, measuredHashrateSeries } from './queries.js';
import { insertMachines } from './store.js';

const PARTITIONING = '0830_fleet_telemetry_partitions.sql';

/** Per site and day as sorted lists: the maps' order follows the database's grouping, not their meaning. */
const sorted = <T>(m: Map<string, Map<string, T>>) =>
  [...m.entries()].map(([site, days]) => [site, [...days.entries()].sort()] as const).sort();

/** What the API and the dashboard read from the measurements, for two machines over two days. */
async function answers(ctx: TestApp) {
  const from = '2021-01-30T00:00:00Z';
  const to = '2021-02-02T00:00:00Z';
  return {
    // The series alone: a machine's page also reads tables made after 0830 (its wanted power).
    history: await Promise.all([1, 2].map((id) => machineSeries(ctx.db, id, new Date(from), new Date(to)))),
    byMinute: await measuredHashrateSeries(ctx, { site: 'MG1', from, to }),
    fleetByHour: await measuredHashrateSeries(ctx, { from, to, every: 'hour' }),
    thsByDay: sorted(await measuredThsByDay(ctx.db, '2021-01-30', '2021-02-01')),
    powerByDay: sorted(await measuredPowerByDay(ctx.db, '2021-01-30', '2021-02-01')),
  };
}

describe('migration 0830: the measurements move into day and month partitions', () => {
  let app: TestApp;
  let before: Awaited<ReturnType<typeof databaseMigratedBefore>>;
  let ctx: TestApp;
  beforeAll(async () => {
    app = await testApp();
    before = await databaseMigratedBefore(PARTITIONING);
    ctx = { ...app, db: before.db };
    // The machines' site, registered as self-mining's table then had it (the series asks for it).
    await sql`
      insert into mining_sites (code, name, country, capacity_w, compliance_status, status_since, created_at, updated_at)
      values ('MG1', 'Migration One', 'SG', 1000000, 'approved', '2021-01-01', now(), now())`.execute(
      before.db,
    );
    await insertMachines(
      before.db,
      [1, 2].map((id) => ({
        id,
        serial: `m${id}`,
        dna: `m${id}`,
        site: 'MG1',
        address: `10.1.0.${id}`,
        port: 4028,
      })),
      new Date('2021-01-01T00:00:00Z'),
    );
    // Two days across a month's end in the tables as they were: every 5 minutes per machine (machine 2
    // failing one poll in three), and the site's and the fleet's minutes.
    await sql`
      insert into fleet_telemetry (machine_id, bucket, polls, samples, ths_sum, ths_min, ths_max, chip_max_c, inlet_c, power_w, health)
      select m, b, 3, case when m = 2 then 2 else 3 end, (80 + m + extract(minute from b)) * 3, 80, 90 + m, 70, 25, 3300 + m, 'ok'
      from generate_series(1, 2) m,
           generate_series('2021-01-31T00:00:00Z'::timestamptz, '2021-02-01T23:55:00Z', interval '5 minutes') b`.execute(
      before.db,
    );
    await sql`
      insert into fleet_hashrate_minutes (site, minute, sweeps, ths_sum, machines, reporting, stale, offline)
      select s, t, 6, 6 * (170 + extract(hour from t)), 2, 2, 0, 0
      from unnest(array['MG1', '*']) s,
           generate_series('2021-01-31T00:00:00Z'::timestamptz, '2021-02-01T23:59:00Z', interval '1 minute') t`.execute(
      before.db,
    );
  });
  afterAll(async () => {
    await before?.close();
    await app?.close();
  });

  it('keeps every row in its own partition, and the API answers as before on the same data', async () => {
    const was = await answers(ctx);
    expect(was.history[1]!).toHaveLength(2 * 288);
    expect(was.byMinute.points).toHaveLength(2 * 1440);

    expect(await migrate(before.db)).toContain(PARTITIONING);
    expect(await answers(ctx)).toEqual(was);

    expect((await listPartitions(before.db, 'fleet_telemetry')).map((p) => p.name)).toEqual([
      'fleet_telemetry_20210131',
      'fleet_telemetry_20210201',
    ]);
    expect((await listPartitions(before.db, 'fleet_hashrate_minutes')).map((p) => p.name)).toEqual([
      'fleet_hashrate_minutes_202101',
      'fleet_hashrate_minutes_202102',
    ]);
    const where = await sql<{ part: string; n: bigint }>`
      select tableoid::regclass::text as part, count(*)::int8 as n from fleet_telemetry group by 1 order by 1`.execute(
      before.db,
    );
    expect(where.rows.map((r) => [r.part, Number(r.n)])).toEqual([
      ['fleet_telemetry_20210131', 576],
      ['fleet_telemetry_20210201', 576],
    ]);
    const minutes = await sql<{ part: string; n: bigint }>`
      select tableoid::regclass::text as part, count(*)::int8 as n from fleet_hashrate_minutes group by 1 order by 1`.execute(
      before.db,
    );
    expect(minutes.rows.map((r) => [r.part, Number(r.n)])).toEqual([
      ['fleet_hashrate_minutes_202101', 2880],
      ['fleet_hashrate_minutes_202102', 2880],
    ]);
  });
});
