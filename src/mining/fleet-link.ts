/**
 * Everything self-mining reads from or asks of the fleet module, in one place. The fleet keeps a
 * machine's site as the code of one of our sites (fleet_machines.site = mining_sites.code).
 *
 * Measured hashrate a day is read straight from the fleet's per-minute site totals in SQL rather
 * than through `measuredHashrateSeries`, which returns every minute: a year of one site is half a
 * million points where we need 365 daily means.
 */
import { sql } from 'kysely';
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { FLEET_SCOPE } from '../fleet/model.js';
import { type ControlReport, controlMachines } from '../fleet/service.js';
import { countedThs, fleetDb } from '../fleet/store.js';
import { addDays, type Day } from '../kernel/calendar.js';
import type { FleetMachineRef } from './model.js';

export type { ControlReport } from '../fleet/service.js';

/** The fleet's machines at one site (or all), with their hashrate as the fleet's totals count it. */
export async function fleetMachines(db: Db, site?: string): Promise<FleetMachineRef[]> {
  let q = fleetDb(db)
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select(['m.id', 'm.serial', 'm.dna', 'm.mac', 'm.site', 'm.status', countedThs.as('hashrate_ths')])
    .orderBy('m.id');
  if (site) q = q.where('m.site', '=', site);
  return (await q.execute()).map((r) => ({
    id: Number(r.id),
    serial: r.serial,
    dna: r.dna,
    mac: r.mac,
    site: r.site,
    status: r.status,
    // An offline machine, or one answering garbage, is not hashing now: 0, as the machine list says.
    hashrateThs: r.hashrate_ths,
  }));
}

/**
 * The instants of the UTC days `from` to `to`: from the first one's UTC midnight up to the one after
 * the last, worked out here. In SQL, `+ interval '1 day'` is a day of the session's time zone: 25
 * hours where the clocks go back that day, which took in the next day's first hour.
 */
function utcSpan(from: Day, to: Day): { start: Date; end: Date } {
  return { start: new Date(`${from}T00:00:00Z`), end: new Date(`${addDays(to, 1)}T00:00:00Z`) };
}

/** The mean measured TH/s of each day that has measurements, per site code (`*` = whole fleet). */
export async function measuredThsByDay(db: Db, from: Day, to: Day): Promise<Map<string, Map<Day, number>>> {
  const span = utcSpan(from, to);
  const rows = await fleetDb(db)
    .selectFrom('fleet_hashrate_minutes')
    .select([
      'site',
      sql<string>`to_char(minute at time zone 'UTC', 'YYYY-MM-DD')`.as('day'),
      sql<number>`avg(ths_sum / sweeps)::float8`.as('ths'),
    ])
    .where('minute', '>=', span.start)
    .where('minute', '<', span.end)
    .groupBy(['site', sql`2`])
    .execute();
  const out = new Map<string, Map<Day, number>>();
  for (const r of rows) {
    const site = out.get(r.site) ?? new Map<Day, number>();
    site.set(r.day, r.ths);
    out.set(r.site, site);
  }
  return out;
}

/**
 * The first and last UTC day the fleet measured anything on, or null before its first sweep: read
 * from the whole fleet's row of each minute, the ends of its primary key (site, minute).
 */
export async function measuredDaySpan(db: Db): Promise<{ first: Day; last: Day } | null> {
  const r = await fleetDb(db)
    .selectFrom('fleet_hashrate_minutes')
    .select([
      sql<string | null>`to_char(min(minute) at time zone 'UTC', 'YYYY-MM-DD')`.as('first'),
      sql<string | null>`to_char(max(minute) at time zone 'UTC', 'YYYY-MM-DD')`.as('last'),
    ])
    .where('site', '=', FLEET_SCOPE)
    .executeTakeFirstOrThrow();
  return r.first && r.last ? { first: r.first, last: r.last } : null;
}

/**
 * Measured power per site and day: the sum over the machines that reported power that day of each
 * one's mean power, and how many they were. The energy of the day is that sum × 24 h.
 */
export async function measuredPowerByDay(
  db: Db,
  from: Day,
  to: Day,
): Promise<Map<string, Map<Day, { watts: number; machines: number }>>> {
  const span = utcSpan(from, to);
  const perMachine = fleetDb(db)
    .selectFrom('fleet_telemetry as t')
    .innerJoin('fleet_machines as m', 'm.id', 't.machine_id')
    .select([
      'm.site',
      sql<string>`to_char(t.bucket at time zone 'UTC', 'YYYY-MM-DD')`.as('day'),
      sql<number>`avg(t.power_w)`.as('watts'),
    ])
    .where('t.power_w', 'is not', null)
    .where('t.bucket', '>=', span.start)
    .where('t.bucket', '<', span.end)
    .groupBy(['t.machine_id', 'm.site', sql`2`])
    .as('pm');
  const rows = await fleetDb(db)
    .selectFrom(perMachine)
    .select([
      'pm.site',
      'pm.day',
      sql<number>`sum(pm.watts)::float8`.as('watts'),
      sql<bigint>`count(*)::int8`.as('machines'),
    ])
    .groupBy(['pm.site', 'pm.day'])
    .execute();
  const out = new Map<string, Map<Day, { watts: number; machines: number }>>();
  for (const r of rows) {
    const site = out.get(r.site) ?? new Map<Day, { watts: number; machines: number }>();
    site.set(r.day, { watts: r.watts, machines: Number(r.machines) });
    out.set(r.site, site);
  }
  return out;
}

/** Soft off for the given fleet machines, through the fleet's audited control. */
export async function softOff(
  ctx: AppContext,
  actor: Actor,
  machineIds: number[],
  idempotencyKey?: string,
): Promise<ControlReport> {
  return controlMachines(
    ctx,
    actor,
    { selector: { machines: machineIds }, action: { kind: 'soft-off' } },
    idempotencyKey ? { idempotencyKey } : {},
  );
}
