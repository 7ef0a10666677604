/**
 * The poller's measurements are partitioned by time (migration 0830): the per-machine telemetry by
 * UTC day, the per-site minute totals by UTC month. This file keeps the partitions: made ahead of
 * the readings, rows the default partition caught moved into their own, and retention by dropping
 * whole partitions — through the owner's two functions of migration 0831, since on a server the
 * application's role owns no table (src/db/roles.ts). It runs after every sweep (the background
 * tick that already ran the pruning), so no scheduler of its own and no extension: declarative
 * partitioning is all PGlite and the server share. A telemetry day's partition keeps half its pages
 * free while the day is written (1330); once closed it is repacked full off the sweep's path (1390,
 * `repackInBackground`).
 */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';

/** A partitioned measurement table: its partition key and the period one partition covers. */
interface Partitioned {
  table: 'fleet_telemetry' | 'fleet_hashrate_minutes';
  column: 'bucket' | 'minute';
  period: 'day' | 'month';
}

const TELEMETRY: Partitioned = { table: 'fleet_telemetry', column: 'bucket', period: 'day' };
const MINUTES: Partitioned = { table: 'fleet_hashrate_minutes', column: 'minute', period: 'month' };

/** Partitions made ahead of the clock: a tick can be late by a day without readings reaching the default. */
const AHEAD = { day: 2, month: 1 } as const;

export interface Retention {
  telemetryDays: number;
  totalsDays: number;
}

/** The start of the UTC period holding `at`, `steps` periods on. */
export function periodStart(at: Date, period: 'day' | 'month', steps = 0): Date {
  return period === 'day'
    ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + steps))
    : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + steps, 1));
}

/** `fleet_telemetry_20210115`, `fleet_hashrate_minutes_202101`. */
export function partitionName(t: Pick<Partitioned, 'table' | 'period'>, start: Date): string {
  const ymd = start.toISOString().slice(0, 10).replaceAll('-', '');
  return `${t.table}_${t.period === 'day' ? ymd : ymd.slice(0, 6)}`;
}

/** One partition and the range it holds. */
export interface Partition {
  name: string;
  from: Date;
  to: Date;
}

/** The table's partitions other than the default, oldest first. */
export async function listPartitions(db: Db, table: Partitioned['table']): Promise<Partition[]> {
  const r = await sql<{ name: string; from: Date; to: Date }>`
    select c.relname as name,
           substring(b.bound from 'FROM \\(''([^'']+)''\\)')::timestamptz as "from",
           substring(b.bound from 'TO \\(''([^'']+)''\\)')::timestamptz as "to"
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
    where i.inhparent = to_regclass(${table}) and b.bound <> 'DEFAULT'
    order by 2`.execute(db);
  return r.rows;
}

/** Makes the partition of the period starting at `start`, moving in what the default held for it. */
async function attach(db: Db, t: Partitioned, start: Date): Promise<boolean> {
  const end = periodStart(start, t.period, 1);
  const r = await sql<{ made: boolean }>`
    select fleet_make_partition(${t.table}::regclass, ${partitionName(t, start)}, ${start}::timestamptz,
      ${end}::timestamptz) as made`.execute(db);
  return r.rows[0]!.made;
}

/**
 * The periods the default partition holds rows for. It is empty unless readings came for a period
 * before its partition (a late tick, a replay of old readings, a copy by `ledger rebuild`).
 */
async function periodsInDefault(db: Db, t: Partitioned): Promise<Date[]> {
  const r = await sql<{ start: Date }>`
    select distinct date_trunc(${t.period}, ${sql.ref(t.column)} at time zone 'UTC') at time zone 'UTC' as start
    from ${sql.table(`${t.table}_default`)}`.execute(db);
  return r.rows.map((x) => x.start);
}

/** What one round of upkeep did to one table. */
export interface Upkeep {
  made: number;
  dropped: number;
}

/**
 * Keeps one table's partitions: the current period's and the next ones exist, rows caught by the
 * default go to their own partition (or, past retention already, are deleted — the only rows ever
 * deleted one by one, and normally none), and partitions wholly older than `keepDays` are dropped.
 */
async function keep(db: Db, t: Partitioned, now: Date, keepDays: number): Promise<Upkeep> {
  const cutoff = new Date(now.getTime() - keepDays * 86_400_000);
  let made = 0;
  for (const start of await periodsInDefault(db, t)) {
    if (periodStart(start, t.period, 1) > cutoff) {
      if (await attach(db, t, start)) made++;
    } else {
      await sql`delete from ${sql.table(`${t.table}_default`)}
        where ${sql.ref(t.column)} >= ${start} and ${sql.ref(t.column)} < ${periodStart(start, t.period, 1)}`.execute(
        db,
      );
    }
  }
  const existing = new Set((await listPartitions(db, t.table)).map((p) => p.name));
  for (let step = 0; step <= AHEAD[t.period]; step++) {
    const start = periodStart(now, t.period, step);
    if (!existing.has(partitionName(t, start)) && (await attach(db, t, start))) made++;
  }
  let dropped = 0;
  for (const p of await listPartitions(db, t.table)) {
    if (p.to > cutoff) break;
    const r = await sql<{ done: boolean }>`select fleet_drop_partition(${p.name}) as done`.execute(db);
    if (r.rows[0]!.done) dropped++;
  }
  return { made, dropped };
}

/**
 * A telemetry day is closed this long after its end: its last bucket's updates and the polls
 * carried past the midnight sweep are in. A reading that comes later still (an agent's spool
 * replayed after a long cut) is stored all the same, only no longer updated in place.
 */
const CLOSED_AFTER_MS = 60 * 60_000;

/**
 * Repacks the newest closed day's telemetry partition still keeping room for updates (fillfactor
 * 50): copied at fillfactor 100, about half its size, and swapped in for it (`fleet_repack_partition`,
 * migration 1390). One a round, so that a database upgraded with months of closed days copies one a
 * round, not all of them at once; the newest first, as it has the longest left to be kept. Answers
 * how many it repacked: 0 when none was left, or when a lock was not had within a second (the next
 * round tries again).
 */
export async function repackClosedDay(db: Db, now: Date): Promise<number> {
  const r = await sql<{ done: boolean }>`
    select fleet_repack_partition(name) as done from (
      select c.relname as name
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
      where i.inhparent = to_regclass('fleet_telemetry') and b.bound <> 'DEFAULT'
        and substring(b.bound from 'TO \\(''([^'']+)''\\)')::timestamptz
          <= ${new Date(now.getTime() - CLOSED_AFTER_MS)}::timestamptz
        and not coalesce('fillfactor=100' = any(c.reloptions), false)
      order by c.relname desc limit 1) newest`.execute(db);
  return r.rows.filter((x) => x.done).length;
}

/**
 * One round of upkeep of the measurements' partitions, run after each sweep: partitions made ahead,
 * the default emptied into its partitions, and retention by dropping whole partitions (a day of
 * telemetry goes once all of it is older than its retention; a month of minute totals likewise).
 * The closed days' repack is not part of it: `repackInBackground`.
 */
export async function keepMeasurements(
  db: Db,
  now: Date,
  retention: Retention,
): Promise<{ telemetry: Upkeep; minutes: Upkeep }> {
  return {
    telemetry: await keep(db, TELEMETRY, now, retention.telemetryDays),
    minutes: await keep(db, MINUTES, now, retention.totalsDays),
  };
}

/** The repack under way on each database handle: one at a time per process. */
const repacking = new WeakMap<Db, Promise<void>>();

/**
 * Starts `repackClosedDay` unless one is already under way on this database, and returns at once:
 * at 50,000 machines a day's copy takes minutes, which the sweep (and so the next one) and the
 * agents' upkeep must not wait for. Its failure is logged, never thrown: the next round tries again.
 * Whoever closes the database first waits for it (`repacksDone`).
 */
export function repackInBackground(ctx: Pick<AppContext, 'db' | 'log'>, now: Date): void {
  if (repacking.has(ctx.db)) return;
  const run = repackClosedDay(ctx.db, now)
    .then(
      (repacked) => {
        if (repacked > 0) ctx.log.info('a closed day of telemetry repacked at fillfactor 100');
      },
      (error: unknown) => ctx.log.error({ err: error }, 'repacking a closed day of telemetry failed'),
    )
    .finally(() => repacking.delete(ctx.db));
  repacking.set(ctx.db, run);
}

/** Settles once no repack is under way on this database (for a process that stops). */
export async function repacksDone(db: Db): Promise<void> {
  await repacking.get(db);
}
