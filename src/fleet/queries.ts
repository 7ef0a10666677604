/** What the fleet looks like: machines, one machine's history, hashrate series, summary, events. */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import { invalid, notFound } from '../kernel/errors.js';
import { FLEET_SCOPE, type MachineStatus } from './model.js';
import type { EventsQueryInput, MachineFilterInput } from './schemas.js';
import { fleetDb } from './store.js';

export interface MachineView {
  id: number;
  serial: string;
  dna: string | null;
  mac: string | null;
  model: string | null;
  firmware: string | null;
  site: string;
  address: string;
  port: number;
  registeredAt: Date;
  status: MachineStatus;
  statusSince: Date;
  statusReason: string | null;
  /** The last good measured hashrate; kept (not zeroed) while the machine is stale or offline. */
  hashrateThs: number | null;
  lastSeenAt: Date | null;
  lastPolledAt: Date | null;
  consecutiveFailures: number;
  lastFailure: string | null;
  /** How long the last poll took, retries included: a slow answerer shows here before it fails. */
  lastPollMs: number | null;
}

export interface MachineListPage {
  machines: MachineView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

const machineColumns = [
  'm.id',
  'm.serial',
  'm.dna',
  'm.mac',
  'm.model',
  'm.firmware',
  'm.site',
  'm.address',
  'm.port',
  'm.registered_at',
  'm.status',
  'm.status_since',
  'm.status_reason',
  's.hashrate_ths',
  's.last_seen_at',
  's.last_polled_at',
  's.consecutive_failures',
  's.last_failure',
  's.last_poll_ms',
] as const;

function baseQuery(ctx: AppContext) {
  return fleetDb(ctx.db)
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select(machineColumns);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row): MachineView {
  return {
    id: Number(r.id),
    serial: r.serial,
    dna: r.dna,
    mac: r.mac,
    model: r.model,
    firmware: r.firmware,
    site: r.site,
    address: r.address,
    port: r.port,
    registeredAt: r.registered_at,
    status: r.status as MachineStatus,
    statusSince: r.status_since,
    statusReason: r.status_reason,
    hashrateThs: r.hashrate_ths ?? null,
    lastSeenAt: r.last_seen_at ?? null,
    lastPolledAt: r.last_polled_at ?? null,
    consecutiveFailures: r.consecutive_failures ?? 0,
    lastFailure: r.last_failure ?? null,
    lastPollMs: r.last_poll_ms ?? null,
  };
}

/**
 * Machines in id order, a page at a time (keyset paging: each page costs the same however deep,
 * so 50,000 machines page through without any request loading them all).
 */
export async function listMachines(
  ctx: AppContext,
  filter: MachineFilterInput & { cursor?: number | undefined; limit?: number | undefined } = {},
): Promise<MachineListPage> {
  const limit = filter.limit ?? 100;
  let q = baseQuery(ctx)
    .where('m.id', '>', BigInt(filter.cursor ?? 0))
    .orderBy('m.id')
    .limit(limit + 1);
  if (filter.site) q = q.where('m.site', '=', filter.site);
  if (filter.status) q = q.where('m.status', '=', filter.status);
  if (filter.model) q = q.where('m.model', '=', filter.model);
  const rows = await q.execute();
  const machines = rows.slice(0, limit).map(toView);
  return { machines, nextCursor: rows.length > limit ? machines.at(-1)!.id : null };
}

export async function getMachine(ctx: AppContext, id: number): Promise<MachineView & { telemetry: unknown }> {
  const row = await baseQuery(ctx).select('s.telemetry').where('m.id', '=', BigInt(id)).executeTakeFirst();
  if (!row) throw notFound('Machine', id, 'id');
  return { ...toView(row), telemetry: row.telemetry ?? null };
}

function range(from: string | undefined, to: string | undefined, now: Date, defaultHours: number) {
  // Without an end the history runs up to now inclusive: what happened this very instant shows.
  const end = to ? new Date(to) : new Date(now.getTime() + 1);
  const start = from ? new Date(from) : new Date(end.getTime() - defaultHours * 3_600_000);
  if (start.getTime() >= end.getTime()) throw invalid('from', 'from must come before to.');
  return { start, end };
}

/** One machine with its 5-minute series and its status changes over a period (default 24 h). */
export async function machineHistory(
  ctx: AppContext,
  id: number,
  period: { from?: string | undefined; to?: string | undefined } = {},
) {
  const machine = await getMachine(ctx, id);
  const { start, end } = range(period.from, period.to, ctx.clock.now(), 24);
  const f = fleetDb(ctx.db);
  const series = await f
    .selectFrom('fleet_telemetry')
    .selectAll()
    .where('machine_id', '=', BigInt(id))
    .where('bucket', '>=', start)
    .where('bucket', '<', end)
    .orderBy('bucket')
    .execute();
  const changes = await f
    .selectFrom('fleet_status_changes')
    .select(['at', 'from_status', 'to_status', 'reason'])
    .where('machine_id', '=', BigInt(id))
    .where('at', '>=', start)
    .where('at', '<', end)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    machine,
    from: start,
    to: end,
    series: series.map((r) => ({
      at: r.bucket,
      polls: r.polls,
      answered: r.samples,
      hashrateThs: r.samples > 0 ? round(r.ths_sum / r.samples) : null,
      minThs: r.ths_min,
      maxThs: r.ths_max,
      hottestChipC: r.chip_max_c,
      inletC: r.inlet_c,
      powerW: r.power_w,
      health: r.health,
    })),
    statusChanges: changes.map((c) => ({ at: c.at, from: c.from_status, to: c.to_status, reason: c.reason })),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export interface HashratePoint {
  at: Date;
  hashrateThs: number;
  machines: number;
  reporting: number;
  stale: number;
  offline: number;
}

/** Minutes a point of the series stands for: a week at one point a minute would be 10,080 points. */
export const HASHRATE_STEPS = { minute: 1, hour: 60, day: 1440 } as const;
export type HashrateStep = keyof typeof HASHRATE_STEPS;

/**
 * Measured hashrate for one site or (no site) the whole fleet, a point a minute, or averaged over
 * each hour or day (`every`) for longer ranges: the mean of every sweep in it, counts at their last.
 */
export async function measuredHashrateSeries(
  ctx: AppContext,
  q: { site?: string | undefined; from: Date | string; to: Date | string; every?: HashrateStep | undefined },
): Promise<{ site: string | null; from: Date; to: Date; points: HashratePoint[] }> {
  const start = new Date(q.from);
  const end = new Date(q.to);
  if (start.getTime() >= end.getTime()) throw invalid('from', 'from must come before to.');
  if (end.getTime() - start.getTime() > 366 * 86_400_000) {
    throw invalid('to', 'A hashrate series covers at most 366 days; ask for a shorter period.');
  }
  const every = q.every ?? 'minute';
  const bucket = sql<Date>`date_trunc(${sql.lit(every)}, minute)`;
  const rows = await fleetDb(ctx.db)
    .selectFrom('fleet_hashrate_minutes')
    .select([
      bucket.as('minute'),
      sql<number>`sum(sweeps)::int`.as('sweeps'),
      sql<number>`sum(ths_sum)`.as('ths_sum'),
      sql<number>`max(machines)`.as('machines'),
      sql<number>`(array_agg(reporting order by minute desc))[1]`.as('reporting'),
      sql<number>`(array_agg(stale order by minute desc))[1]`.as('stale'),
      sql<number>`(array_agg(offline order by minute desc))[1]`.as('offline'),
    ])
    .where('site', '=', q.site ?? FLEET_SCOPE)
    .where('minute', '>=', start)
    .where('minute', '<', end)
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();
  return {
    site: q.site ?? null,
    from: start,
    to: end,
    points: rows.map((r) => ({
      at: r.minute,
      hashrateThs: round(Number(r.ths_sum) / Number(r.sweeps)),
      machines: Number(r.machines),
      reporting: Number(r.reporting),
      stale: Number(r.stale),
      offline: Number(r.offline),
    })),
  };
}

export interface FleetSummary {
  machines: number;
  byStatus: Record<string, number>;
  /** Measured TH/s of machines not offline (last good value for one that missed a poll or two). */
  measuredThs: number;
  sites: { site: string; machines: number; byStatus: Record<string, number>; measuredThs: number }[];
  lastSweep: { at: Date; seconds: number | null; answered: number | null; failed: number | null } | null;
}

/** Machines by status and measured TH/s per site and in total, from each machine's latest state. */
export async function fleetSummary(ctx: AppContext): Promise<FleetSummary> {
  const f = fleetDb(ctx.db);
  const rows = await f
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select([
      'm.site',
      'm.status',
      sql<bigint>`count(*)::int8`.as('n'),
      sql<number>`coalesce(sum(s.hashrate_ths) filter (where m.status <> 'offline'), 0)::float8`.as('ths'),
    ])
    .groupBy(['m.site', 'm.status'])
    .orderBy('m.site')
    .execute();
  const sites = new Map<string, FleetSummary['sites'][number]>();
  const summary: FleetSummary = { machines: 0, byStatus: {}, measuredThs: 0, sites: [], lastSweep: null };
  for (const r of rows) {
    const n = Number(r.n);
    const s = sites.get(r.site) ?? { site: r.site, machines: 0, byStatus: {}, measuredThs: 0 };
    sites.set(r.site, s);
    s.machines += n;
    s.byStatus[r.status] = n;
    s.measuredThs += r.ths;
    summary.machines += n;
    summary.byStatus[r.status] = (summary.byStatus[r.status] ?? 0) + n;
    summary.measuredThs += r.ths;
  }
  summary.sites = [...sites.values()].map((s) => ({ ...s, measuredThs: round(s.measuredThs) }));
  summary.measuredThs = round(summary.measuredThs);
  const last = await f
    .selectFrom('fleet_sweeps')
    .selectAll()
    .where('outcome', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last) {
    summary.lastSweep = {
      at: last.started_at,
      seconds: last.finished_at ? (last.finished_at.getTime() - last.started_at.getTime()) / 1000 : null,
      answered: last.answered,
      failed: last.failed,
    };
  }
  return summary;
}

/** Status changes, newest first, a page at a time. */
export async function listStatusEvents(ctx: AppContext, q: EventsQueryInput) {
  let query = fleetDb(ctx.db)
    .selectFrom('fleet_status_changes as c')
    .innerJoin('fleet_machines as m', 'm.id', 'c.machine_id')
    .select([
      'c.id',
      'c.at',
      'c.machine_id',
      'm.serial',
      'm.site',
      'm.address',
      'c.from_status',
      'c.to_status',
      'c.reason',
      'c.event_id',
    ])
    .orderBy('c.id', 'desc')
    .limit(q.limit + 1);
  if (q.cursor) query = query.where('c.id', '<', BigInt(q.cursor));
  if (q.machine) query = query.where('c.machine_id', '=', BigInt(q.machine));
  if (q.site) query = query.where('m.site', '=', q.site);
  if (q.status) query = query.where('c.to_status', '=', q.status);
  const rows = await query.execute();
  const events = rows.slice(0, q.limit).map((r) => ({
    id: Number(r.id),
    at: r.at,
    machineId: Number(r.machine_id),
    serial: r.serial,
    site: r.site,
    address: r.address,
    from: r.from_status,
    to: r.to_status,
    reason: r.reason,
    eventId: r.event_id,
  }));
  return { events, nextCursor: rows.length > q.limit ? events.at(-1)!.id : null };
}
