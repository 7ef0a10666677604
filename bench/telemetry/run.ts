/**
 * The telemetry store, partitioned by day (migration 0830) against the one table it replaced, on
 * the same data: D days × N machines of 5-minute buckets (288 a machine a day) made in the
 * database, then
 * - write: `writePolls` (the poller's own statement, batches of 5,000) adding the readings of
 *   several sweeps on top of that history — rows written per second;
 * - series: one machine's 24 hours (`machineHistory`, what the API and the dashboard's machine page
 *   ask), median of 30 machines picked at random; and one whole day's power per site
 *   (`measuredPowerByDay`, self-mining's energy), median of 3;
 * - retention: one day past it removed — a dropped partition, or the old row-by-row DELETE.
 * The unpartitioned schema is the one before 0830 with `last_at` added, so both take the same
 * writer. Runs on DATABASE_URL's server (a new database per variant) or else PGlite in memory.
 *
 *   npx tsx bench/telemetry/run.ts [--machines 10000] [--days 30] [--sweeps 3]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { AppContext } from '../../src/app/context.js';
import type { Db } from '../../src/db/db.js';
import { keepMeasurements } from '../../src/fleet/partitions.js';
import { machineHistory } from '../../src/fleet/queries.js';
import { type PollRecord, writePolls } from '../../src/fleet/series-store.js';
import { insertMachines } from '../../src/fleet/store.js';
import { measuredPowerByDay } from '../../src/mining/fleet-link.js';
import { type TestApp, testApp } from '../../src/testing/index.js';
import { databaseMigratedBefore } from '../../src/testing/migrated-before.js';
import { loadAverage } from '../fleet/run.js';

const PARTITIONING = '0830_fleet_telemetry_partitions.sql';
const DAY = 86_400_000;
const BATCH = 5000;

interface Figures {
  variant: string;
  rows: number;
  fillSeconds: number;
  writeRowsPerSecond: number;
  seriesMs: number;
  dayPowerMs: number;
  retentionMs: number;
  load: string;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

/** D days of history ending at `end`, made by the database itself: the bench measures reads, not this. */
async function fillHistory(db: Db, machines: number, days: number, end: Date): Promise<void> {
  for (let d = days; d >= 1; d--) {
    const from = new Date(end.getTime() - d * DAY);
    await sql`
      insert into fleet_telemetry (machine_id, bucket, polls, samples, ths_sum, ths_min, ths_max, chip_max_c,
        inlet_c, power_w, health, last_at)
      select m, b, 5, 5, 5 * (80 + m % 10), 80, 90, 70, 25, 3300 + m % 50, 'ok', b + interval '4 minutes'
      from generate_series(1, ${machines}::int8) m,
           generate_series(${from}::timestamptz, ${from}::timestamptz + interval '1 day' - interval '5 minutes',
             interval '5 minutes') b`.execute(db);
  }
}

async function measure(variant: string, db: Db, app: TestApp, o: Options): Promise<Figures> {
  const end = new Date(Date.UTC(2021, 5, 1));
  const ctx: AppContext = { ...app, db };
  for (let first = 1; first <= o.machines; first += 2000) {
    const ids = Array.from({ length: Math.min(2000, o.machines - first + 1) }, (_, i) => first + i);
    await insertMachines(
      db,
      ids.map((id) => ({
        id,
        serial: `b${id}`,
        dna: `b${id}`,
        site: `S${id % 4}`,
        address: `10.9.${id >> 8}.${id & 255}`,
        port: 4028,
      })),
      end,
    );
  }
  // Each day's partition made ahead, as the tick after each sweep would have made it.
  if (variant === 'partitioned') {
    for (let d = o.days; d >= 0; d--) await keepMeasurements(db, new Date(end.getTime() - d * DAY), KEEP_ALL);
  }
  const fillSeconds =
    (await timed(async () => {
      await fillHistory(db, o.machines, o.days, end);
      await sql`analyze fleet_telemetry`.execute(db);
    })) / 1000;

  // The poller's writes on top of the history: each sweep a new reading of every machine.
  let written = 0;
  const writeMs = await timed(async () => {
    for (let s = 0; s < o.sweeps; s++) {
      const at = new Date(end.getTime() + s * 60_000);
      const bucket = new Date(at.getTime() - (at.getTime() % 300_000));
      for (let first = 1; first <= o.machines; first += BATCH) {
        const records: PollRecord[] = [];
        for (let id = first; id < Math.min(first + BATCH, o.machines + 1); id++) {
          records.push({
            machineId: id,
            answered: true,
            durationMs: 50,
            failures: 0,
            health: 'ok',
            ths: 85,
            powerW: 3300,
          });
        }
        await writePolls(db, records, { sweep: s + 1, at, bucket });
        written += records.length;
      }
    }
  });

  const lastDay = new Date(end.getTime() - DAY);
  const series: number[] = [];
  for (let i = 0; i < 30; i++) {
    const id = 1 + Math.floor(Math.random() * o.machines);
    series.push(await timed(() => machineHistory(ctx, id, { to: end.toISOString() })));
  }
  const day = lastDay.toISOString().slice(0, 10);
  const power: number[] = [];
  for (let i = 0; i < 3; i++) power.push(await timed(() => measuredPowerByDay(db, day, day)));

  // Retention: the oldest day goes.
  const oldest = new Date(end.getTime() - o.days * DAY);
  const retentionMs = await timed(async () => {
    if (variant === 'partitioned') {
      const r = await keepMeasurements(db, end, { telemetryDays: o.days - 1, totalsDays: 36_500 });
      if (r.telemetry.dropped !== 1) throw new Error(`expected one day dropped, got ${r.telemetry.dropped}`);
    } else {
      await sql`delete from fleet_telemetry where bucket < ${new Date(oldest.getTime() + DAY)}`.execute(db);
    }
  });
  return {
    variant,
    rows: o.machines * 288 * o.days,
    fillSeconds: round(fillSeconds),
    writeRowsPerSecond: Math.round(written / (writeMs / 1000)),
    seriesMs: round(median(series)),
    dayPowerMs: round(median(power)),
    retentionMs: round(retentionMs),
    load: loadAverage(),
  };
}

const KEEP_ALL = { telemetryDays: 36_500, totalsDays: 36_500 };
const round = (n: number) => Math.round(n * 10) / 10;

interface Options {
  machines: number;
  days: number;
  sweeps: number;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<Figures[]> {
  const { values } = parseArgs({
    args: argv,
    options: { machines: { type: 'string' }, days: { type: 'string' }, sweeps: { type: 'string' } },
    strict: false,
  });
  const o: Options = {
    machines: Number(values.machines ?? 10_000),
    days: Number(values.days ?? 30),
    sweeps: Number(values.sweeps ?? 3),
  };
  const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite in memory';
  console.log(
    `telemetry store: ${o.days} days × ${o.machines} machines (${o.machines * 288 * o.days} rows), ${where}`,
  );
  const app = await testApp();
  const out: Figures[] = [];
  try {
    const partitioned = await databaseMigratedBefore('9999'); // every migration there is
    try {
      out.push(await measure('partitioned', partitioned.db, app, o));
    } finally {
      await partitioned.close();
    }
    const single = await databaseMigratedBefore(PARTITIONING);
    try {
      await sql`alter table fleet_telemetry add column last_at timestamptz not null`.execute(single.db);
      out.push(await measure('one table', single.db, app, o));
    } finally {
      await single.close();
    }
  } finally {
    await app.close();
  }
  for (const f of out) {
    console.log(
      `  ${f.variant.padEnd(12)} fill ${f.fillSeconds} s; write ${f.writeRowsPerSecond} rows/s; ` +
        `one machine's 24 h ${f.seriesMs} ms (median of 30); a day's power per site ${f.dayPowerMs} ms; ` +
        `one day of retention ${f.retentionMs} ms; load average ${f.load}`,
    );
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
