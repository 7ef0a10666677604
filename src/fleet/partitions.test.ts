import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measuredThsByDay } from '../mining/fleet-link.js';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { emptyTally } from './model.js';
import {
  keepMeasurements,
  listPartitions,
  partitionName,
  periodStart,
  repackClosedDay,
  repacksDone,
} from './partitions.js';
import { machineHistory } from './queries.js';
import { addSweepTotals, type PollRecord, writePolls } from './series-store.js';
import { insertMachines } from './store.js';
import { sweepFleet } from './sweep.js';

const at = (iso: string) => new Date(iso);
const ok: PollRecord = { machineId: 1, answered: true, durationMs: 100, failures: 0, health: 'ok', ths: 90 };

/** Which partition holds each row of a table, with how many. */
async function rowsByPartition(app: TestApp, table: string): Promise<[string, number][]> {
  const r = await sql<{ part: string; n: bigint }>`
    select tableoid::regclass::text as part, count(*)::int8 as n from ${sql.table(table)} group by 1 order by 1`.execute(
    app.db,
  );
  return r.rows.map((x) => [x.part, Number(x.n)]);
}

const names = async (app: TestApp, table: 'fleet_telemetry' | 'fleet_hashrate_minutes') =>
  (await listPartitions(app.db, table)).map((p) => p.name);

describe('the measurements partitioned by day (telemetry) and by month (minute totals)', () => {
  let app: TestApp;
  const keep = { telemetryDays: 3, totalsDays: 40 };
  beforeAll(async () => {
    app = await testApp();
    await insertMachines(
      app.db,
      [{ id: 1, serial: 'p1', dna: 'p1', site: 'PT1', address: '10.2.0.1', port: 4028 }],
      app.clock.now(),
    );
  });
  afterAll(async () => app?.close());

  it('names periods in UTC', () => {
    expect(periodStart(at('2021-01-31T23:59:59Z'), 'day', 1)).toEqual(at('2021-02-01T00:00:00Z'));
    expect(periodStart(at('2021-12-15T10:00:00Z'), 'month', 1)).toEqual(at('2022-01-01T00:00:00Z'));
    const day = { table: 'fleet_telemetry', period: 'day' } as const;
    expect(partitionName(day, at('2021-02-01T00:00:00Z'))).toBe('fleet_telemetry_20210201');
  });

  it('catches a reading for a day with no partition in the default, then moves it to the partition it makes', async () => {
    await writePolls(app.db, [ok], {
      sweep: 1,
      at: at('2021-03-01T10:00:10Z'),
      bucket: at('2021-03-01T10:00:00Z'),
    });
    expect(await rowsByPartition(app, 'fleet_telemetry')).toEqual([['fleet_telemetry_default', 1]]);

    const done = await keepMeasurements(app.db, at('2021-03-01T10:01:00Z'), keep);
    // The reading's day, and today and the two days ahead (today is the reading's day); this month and next.
    expect(done.telemetry).toEqual({ made: 3, dropped: 0 });
    expect(await names(app, 'fleet_telemetry')).toEqual([
      'fleet_telemetry_20210301',
      'fleet_telemetry_20210302',
      'fleet_telemetry_20210303',
    ]);
    expect(await names(app, 'fleet_hashrate_minutes')).toEqual([
      'fleet_hashrate_minutes_202103',
      'fleet_hashrate_minutes_202104',
    ]);
    expect(await rowsByPartition(app, 'fleet_telemetry')).toEqual([['fleet_telemetry_20210301', 1]]);
    // A partition made is given the default's room for updates in place (migration 1330); the minutes' none.
    const options = await sql<{ part: string; options: string[] | null }>`
      select relname as part, reloptions as options from pg_class
      where relname in ('fleet_telemetry_20210303', 'fleet_hashrate_minutes_202104') order by 1`.execute(
      app.db,
    );
    expect(options.rows).toEqual([
      { part: 'fleet_hashrate_minutes_202104', options: null },
      { part: 'fleet_telemetry_20210303', options: ['fillfactor=50'] },
    ]);
    // The moved row keeps its reading time: writing it again is still skipped.
    await writePolls(app.db, [ok], {
      sweep: 1,
      at: at('2021-03-01T10:00:10Z'),
      bucket: at('2021-03-01T10:00:00Z'),
    });
    const history = await machineHistory(app, 1, {
      from: '2021-03-01T00:00:00Z',
      to: '2021-03-02T00:00:00Z',
    });
    expect(history.series.map((p) => [p.polls, p.hashrateThs])).toEqual([[1, 90]]);
  });

  it('writes each reading into the partition of its day, a second upkeep making nothing twice', async () => {
    await writePolls(app.db, [ok], {
      sweep: 2,
      at: at('2021-03-02T00:00:00Z'),
      bucket: at('2021-03-02T00:00:00Z'),
    });
    await writePolls(app.db, [ok], {
      sweep: 3,
      at: at('2021-03-02T23:59:50Z'),
      bucket: at('2021-03-02T23:55:00Z'),
    });
    await addSweepTotals(
      app.db,
      at('2021-03-31T23:59:00Z'),
      new Map([['PT1', { ...emptyTally(), ths: 90 }]]),
      'fleet:1',
    );
    expect(await rowsByPartition(app, 'fleet_telemetry')).toEqual([
      ['fleet_telemetry_20210301', 1],
      ['fleet_telemetry_20210302', 2],
    ]);
    expect(await rowsByPartition(app, 'fleet_hashrate_minutes')).toEqual([
      ['fleet_hashrate_minutes_202103', 2],
    ]);
    expect(await keepMeasurements(app.db, at('2021-03-02T12:00:00Z'), keep)).toEqual({
      telemetry: { made: 1, dropped: 0 }, // 2021-03-04 made
      minutes: { made: 0, dropped: 0 },
    });
  });

  it('drops whole partitions past retention and keeps the rest; the minute totals outlive the telemetry', async () => {
    await writePolls(app.db, [ok], {
      sweep: 4,
      at: at('2021-03-04T08:00:00Z'),
      bucket: at('2021-03-04T08:00:00Z'),
    });
    // Five days on with three days kept: the 1st and the 2nd are wholly older than the 3rd 00:00.
    const done = await keepMeasurements(app.db, at('2021-03-06T00:00:00Z'), keep);
    expect(done.telemetry).toEqual({ made: 3, dropped: 2 });
    expect(await names(app, 'fleet_telemetry')).toEqual([
      'fleet_telemetry_20210303',
      'fleet_telemetry_20210304',
      'fleet_telemetry_20210306',
      'fleet_telemetry_20210307',
      'fleet_telemetry_20210308',
    ]);
    expect(await rowsByPartition(app, 'fleet_telemetry')).toEqual([['fleet_telemetry_20210304', 1]]);
    // The 31st's minute totals still answer for self-mining though that day's telemetry is gone.
    expect([...(await measuredThsByDay(app.db, '2021-03-31', '2021-03-31')).entries()].sort()).toEqual([
      ['*', new Map([['2021-03-31', 90]])],
      ['PT1', new Map([['2021-03-31', 90]])],
    ]);
    // Minute totals go by month, once the whole month is older than their retention.
    const later = await keepMeasurements(app.db, at('2021-05-11T00:00:00Z'), keep);
    expect(later.minutes.dropped).toBe(1);
    expect(await names(app, 'fleet_hashrate_minutes')).toEqual([
      'fleet_hashrate_minutes_202104',
      'fleet_hashrate_minutes_202105',
      'fleet_hashrate_minutes_202106',
    ]);
  });

  it('deletes what the default caught past retention instead of making a partition for it', async () => {
    await writePolls(app.db, [ok], {
      sweep: 5,
      at: at('2021-01-10T00:00:00Z'),
      bucket: at('2021-01-10T00:00:00Z'),
    });
    expect(await rowsByPartition(app, 'fleet_telemetry')).toContainEqual(['fleet_telemetry_default', 1]);
    await keepMeasurements(app.db, at('2021-05-11T00:00:00Z'), keep);
    expect(await rowsByPartition(app, 'fleet_telemetry')).toEqual([]);
    expect(await names(app, 'fleet_telemetry')).not.toContain('fleet_telemetry_20210110');
  });
});

describe("a closed day's telemetry repacked without the room for updates it kept while written", () => {
  let app: TestApp;
  const keep = { telemetryDays: 30, totalsDays: 400 };
  const MACHINES = 200;
  const onServer = testConfig.database.kind === 'server';
  /** A partition's heap size and storage parameters. */
  const storage = async (part: string) => {
    const r = await sql<{ bytes: bigint; options: string[] | null }>`
      select pg_relation_size(c.oid)::int8 as bytes, c.reloptions as options from pg_class c
      where c.relname = ${part}`.execute(app.db);
    return { bytes: Number(r.rows[0]!.bytes), options: r.rows[0]!.options };
  };
  /** A day's rows counted and hashed whole, in key order: a repack leaves them as they were. */
  const contents = async (part: string) => {
    const r = await sql<{ n: bigint; hash: string }>`
      select count(*)::int8 as n, md5(string_agg(t::text, ';' order by machine_id, bucket)) as hash
      from ${sql.table(part)} t`.execute(app.db);
    return r.rows[0]!;
  };
  /**
   * What a partition is besides its rows, its own name left out: columns, indexes (each a partition
   * of the parent's), constraints (each the parent's own or not) and triggers.
   */
  const shape = async (part: string) => {
    const r = await sql`
      select
        (select array_agg(format('%s %s %s', attname, format_type(atttypid, atttypmod), attnotnull) order by attnum)
          from pg_attribute where attrelid = c.oid and attnum > 0 and not attisdropped) as columns,
        (select array_agg(replace(pg_get_indexdef(i.indexrelid), c.relname, 'P')
            || (select count(*) from pg_inherits h where h.inhrelid = i.indexrelid)) from pg_index i
          where i.indrelid = c.oid) as indexes,
        (select array_agg(conname || ' ' || pg_get_constraintdef(oid) || ' ' || (conparentid <> 0) order by conname)
          from pg_constraint where conrelid = c.oid) as constraints,
        (select array_agg(tgname || ' ' || tgisinternal order by tgname) from pg_trigger where tgrelid = c.oid
          and not tgname like 'RI_ConstraintTrigger%') as triggers
      from pg_class c where c.relname = ${part}`.execute(app.db);
    return r.rows[0];
  };
  /** Whether some backend waits for a lock on the table (the repack, held up by the test). */
  const waitsOn = async (table: string) => {
    const r = await sql<{ waiting: boolean }>`
      select exists (select 1 from pg_locks where relation = to_regclass(${table}) and not granted) as waiting`.execute(
      app.db,
    );
    return r.rows[0]!.waiting;
  };
  const untilWaiting = async (table: string) => {
    for (let tries = 0; !(await waitsOn(table)); tries++) {
      if (tries > 250) throw new Error(`nothing waited on ${table}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  beforeAll(async () => {
    app = await testApp();
    // On loopback addresses nothing listens on: a sweep here is refused at once, never sent out.
    const machines = Array.from({ length: MACHINES }, (_, i) => ({
      id: i + 1,
      serial: `r${i + 1}`,
      dna: `r${i + 1}`,
      site: 'RK1',
      address: `127.29.0.${i + 1}`,
      port: 4028,
    }));
    await insertMachines(app.db, machines, app.clock.now());
    await keepMeasurements(app.db, at('2021-06-01T00:00:00Z'), keep);
    // Two hours of the 1st, a sweep a minute: each bucket written once and updated four times.
    for (let minute = 0; minute < 120; minute++) {
      const when = new Date(Date.UTC(2021, 5, 1, 22, minute));
      const polls = machines.map((m) => ({ ...ok, machineId: m.id, ths: 90 + (minute % 7) }));
      await writePolls(app.db, polls, {
        sweep: minute + 1,
        at: when,
        bucket: new Date(Date.UTC(2021, 5, 1, 22, minute - (minute % 5))),
      });
    }
    // The same on the 2nd and the 3rd, for the rounds below.
    for (const days of [1, 2])
      await sql`insert into fleet_telemetry select machine_id, bucket + ${`${days} days`}::interval, polls,
          samples, ths_sum, ths_min, ths_max, chip_max_c, inlet_c, power_w, health, last_at + ${`${days} days`}::interval
        from fleet_telemetry_20210601`.execute(app.db);
  }, 120_000);
  afterAll(async () => app?.close());

  it('leaves the day alone within the hour after its end, then repacks it once at fillfactor 100, rows unchanged', async () => {
    const written = await storage('fleet_telemetry_20210601');
    const before = await contents('fleet_telemetry_20210601');
    const open = await storage('fleet_telemetry_20210602');
    const made = await shape('fleet_telemetry_20210601');
    expect(written.options).toEqual(['fillfactor=50']);
    expect(before.n).toBe(BigInt(MACHINES * 24));
    // Half an hour into the 2nd: the 1st may still get its last polls.
    expect(await repackClosedDay(app.db, at('2021-06-02T00:30:00Z'))).toBe(0);
    expect(await storage('fleet_telemetry_20210601')).toEqual(written);
    // An hour after its end the day is closed: repacked, its rows on about half the pages.
    expect(await repackClosedDay(app.db, at('2021-06-02T01:30:00Z'))).toBe(1);
    const packed = await storage('fleet_telemetry_20210601');
    expect(packed.options).toEqual(['fillfactor=100']);
    expect(packed.bytes).toBeLessThan(written.bytes * 0.7);
    expect(await contents('fleet_telemetry_20210601')).toEqual(before);
    expect(await shape('fleet_telemetry_20210601')).toEqual(made);
    expect(await rowsByPartition(app, 'fleet_telemetry')).toContainEqual([
      'fleet_telemetry_20210601',
      MACHINES * 24,
    ]);
    // The day being written keeps its room; a repacked day is not rewritten again.
    expect(await storage('fleet_telemetry_20210602')).toEqual(open);
    expect(await repackClosedDay(app.db, at('2021-06-02T02:00:00Z'))).toBe(0);
    // A late reading for the closed day is stored as any other: the key is the swapped-in table's.
    await writePolls(app.db, [ok], {
      sweep: 999,
      at: at('2021-06-01T23:59:59Z'),
      bucket: at('2021-06-01T23:55:00Z'),
    });
    const late = await sql<{ polls: number }>`
      select polls from fleet_telemetry where machine_id = 1 and bucket = '2021-06-01T23:55:00Z'`.execute(
      app.db,
    );
    expect(late.rows[0]!.polls).toBe(6);
  });

  it.runIf(onServer)(
    "reads the day, a machine's history and the whole table while the repack copies it",
    async () => {
      const later = at('2021-06-03T02:00:00Z');
      const before = await contents('fleet_telemetry_20210602');
      // A machine's change under way holds fleet_machines: the copy, done, waits to add its foreign key.
      await app.db.transaction().execute(async (writer) => {
        await sql`lock table fleet_machines in row exclusive mode`.execute(writer);
        const repack = repackClosedDay(app.db, later);
        await untilWaiting('fleet_machines');
        const history = await machineHistory(app, 1, {
          from: '2021-06-02T00:00:00Z',
          to: '2021-06-03T00:00:00Z',
        });
        expect(history.series).toHaveLength(24);
        expect(await contents('fleet_telemetry_20210602')).toEqual(before);
        expect((await rowsByPartition(app, 'fleet_telemetry')).length).toBeGreaterThan(2);
        // Read while the repack still held the day (the test keeps it waiting until it gives up).
        expect(await waitsOn('fleet_machines')).toBe(true);
        expect(await repack).toBe(0);
      });
      expect((await storage('fleet_telemetry_20210602')).options).toEqual(['fillfactor=50']);
      expect(await repackClosedDay(app.db, later)).toBe(1);
      expect(await contents('fleet_telemetry_20210602')).toEqual(before);
    },
  );

  it('a sweep starts the repack and returns without waiting for it (given up within a second on a day a reader holds)', async () => {
    app.clock.set('2021-06-04T02:00:00Z');
    const sweep = () => sweepFleet(app, app.actor('ops'), { retention: keep });
    const before = await contents('fleet_telemetry_20210603');
    if (onServer) {
      await app.db.transaction().execute(async (reader) => {
        await sql`lock table fleet_telemetry_20210603 in access share mode`.execute(reader);
        await sweep();
        // The sweep is back; the repack it started still waits for the day this reader holds.
        await untilWaiting('fleet_telemetry_20210603');
        await repacksDone(app.db);
      });
      expect((await storage('fleet_telemetry_20210603')).options).toEqual(['fillfactor=50']);
    }
    await sweep();
    await repacksDone(app.db);
    expect((await storage('fleet_telemetry_20210603')).options).toEqual(['fillfactor=100']);
    expect(await contents('fleet_telemetry_20210603')).toEqual(before);
  });
});
