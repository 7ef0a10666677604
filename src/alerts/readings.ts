/**
 * What the evaluator reads of the fleet: each machine's latest reading a page at a time, its median
 * hashrate over the last day, which machines were told to be idle, and the poller's last sweep.
 */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { HASHING_STATUSES, type MachineStatus } from '../fleet/model.js';
import type { NormalisedTelemetry } from '../fleet/protocol/telemetry.js';
import { fleetDb, machinesMeantOff } from '../fleet/store.js';
import type { MachineReading, PollerState } from './model.js';

/** A median needs this many 5-minute buckets (half an hour) to mean anything. */
const MEDIAN_MIN_BUCKETS = 6;
/** A reboot or work-mode change is given this long to come back before its silence ends. */
export const RESTART_GRACE_MS = 5 * 60_000;

/**
 * Which machines are meant to be idle: the curtailed ones (their latest soft off or on was a soft
 * off, however long ago: a site curtailed for a week is still meant to be off), and the ones told
 * to restart (a reboot or work mode within the grace).
 */
export interface IdleIntent {
  curtailed: Map<number, Date>;
  restarting: Map<number, string>;
}

export async function idleIntent(db: Db, now: Date): Promise<IdleIntent> {
  const rows = await fleetDb(db)
    .selectFrom('fleet_controls')
    .select(['requested_at', 'action', 'machine_ids'])
    .where('requested_at', '>', new Date(now.getTime() - RESTART_GRACE_MS))
    // As of `now`: a replayed sweep is judged by the controls sent before it read, not after.
    .where('requested_at', '<=', now)
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  const restarting = new Map<number, string>();
  for (const r of rows) {
    const kind = (r.action as { kind?: string } | null)?.kind ?? '';
    const restart = kind === 'reboot' || kind === 'work-mode';
    for (const id of (r.machine_ids as number[] | null) ?? []) {
      if (restart)
        restarting.set(Number(id), `${kind} requested ${r.requested_at.toISOString()} (restarting)`);
      else restarting.delete(Number(id));
    }
  }
  return { curtailed: await machinesMeantOff(db, now), restarting };
}

/**
 * Why a machine is meant to be idle now, if it is. A curtailed machine found hashing is not: it does
 * not match what was asked (the reconciler sends the soft off again), its readings are real, and
 * its rules judge them as any hashing machine's.
 */
function meantIdle(idle: IdleIntent, id: number, status: string): string | undefined {
  const restarting = idle.restarting.get(id);
  if (restarting !== undefined) return restarting;
  const off = idle.curtailed.get(id);
  if (off === undefined || (HASHING_STATUSES as readonly string[]).includes(status)) return undefined;
  return `soft off requested ${off.toISOString()} (curtailed)`;
}

/** One page of readings in id order, after `afterId` (of one site's machines, with `site`). */
export async function readingsPage(
  db: Db,
  page: { afterId: number; limit: number; now: Date; idle: IdleIntent; site?: string | undefined },
): Promise<MachineReading[]> {
  const rows = await fleetDb(db)
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select([
      'm.id',
      'm.serial',
      'm.site',
      'm.model',
      'm.status',
      's.consecutive_failures',
      's.last_failure',
      's.last_seen_at',
      's.telemetry',
    ])
    .where('m.id', '>', BigInt(page.afterId))
    .$if(page.site !== undefined, (q) => q.where('m.site', '=', page.site!))
    .orderBy('m.id')
    .limit(page.limit)
    .execute();
  if (rows.length === 0) return [];
  const medians = await medianHashrates(
    db,
    rows.map((r) => r.id),
    page.now,
  );
  return rows.map((r) => {
    const id = Number(r.id);
    return {
      machineId: id,
      serial: r.serial,
      site: r.site,
      model: r.model,
      status: r.status as MachineStatus,
      consecutiveFailures: r.consecutive_failures ?? 0,
      lastFailure: r.last_failure ?? undefined,
      lastSeenAt: r.last_seen_at ?? undefined,
      telemetry: (r.telemetry as NormalisedTelemetry | null) ?? undefined,
      medianThs: medians.get(id),
      meantIdle: meantIdle(page.idle, id, r.status),
    };
  });
}

async function medianHashrates(db: Db, ids: bigint[], now: Date): Promise<Map<number, number>> {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const r = await sql<{ machine_id: bigint; median: number; buckets: bigint }>`
    select machine_id,
           percentile_cont(0.5) within group (order by ths_sum / samples) as median,
           count(*) as buckets
    from fleet_telemetry
    where machine_id = any(${ids.map(String)}::int8[]) and bucket >= ${since} and samples > 0
    group by machine_id`.execute(db);
  return new Map(
    r.rows
      .filter((x) => Number(x.buckets) >= MEDIAN_MIN_BUCKETS)
      .map((x) => [Number(x.machine_id), Number(x.median)]),
  );
}

/** The poller's last finished sweep and how many machines there are to sweep. */
export async function pollerState(db: Db): Promise<PollerState> {
  const r = await sql<{ finished_at: Date | null; machines: bigint; first_registered_at: Date | null }>`
    select (select max(finished_at) from fleet_sweeps where outcome = 'done') as finished_at,
           (select count(*) from fleet_machines) as machines,
           (select min(registered_at) from fleet_machines) as first_registered_at`.execute(db);
  const row = r.rows[0]!;
  return {
    finishedAt: row.finished_at ?? undefined,
    machines: Number(row.machines),
    firstRegisteredAt: row.first_registered_at ?? undefined,
  };
}

/**
 * Whether any of a site's machines has a poll stored later than `at`: then their state is no longer
 * what a sweep of `at` read (another agent swept the site since), and that sweep cannot be judged.
 */
export async function siteReadAfter(db: Db, site: string, at: Date): Promise<boolean> {
  const r = await sql<{ later: boolean }>`
    select exists (
      select 1 from fleet_machines m join fleet_machine_state s on s.machine_id = m.id
      where m.site = ${site} and s.last_polled_at > ${at}::timestamptz) as later`.execute(db);
  return r.rows[0]?.later === true;
}
