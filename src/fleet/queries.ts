/** What the fleet looks like: machines, one machine's history, hashrate series, summary, events. */
import { type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { invalid, notFound } from '../kernel/errors.js';
import { containing } from '../kernel/like.js';
import { requireSiteFilter } from '../mining/registry.js';
import { FLEET_SCOPE, type MachineStatus, notAsAsked } from './model.js';
import type {
  EventsQueryInput,
  MachinePageInput,
  MachineQueryInput,
  MachineSort,
  SummaryQueryInput,
} from './schemas.js';
import { countedThs, fleetDb, hashingNowThs } from './store.js';

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
  /** What the totals count (`countedThs`): 0 while offline or protocol-error. */
  hashrateThs: number | null;
  /** The last good measured TH/s, kept whatever the status: what it hashed when it last answered. */
  lastGoodThs: number | null;
  lastSeenAt: Date | null;
  lastPolledAt: Date | null;
  consecutiveFailures: number;
  lastFailure: string | null;
  /** How long the last poll took, retries included: a slow answerer shows here before it fails. */
  lastPollMs: number | null;
}

export interface MachineListPage {
  machines: MachineView[];
  /** Pass as `cursor` for the next page; null on the last page, and for a sorted list. */
  nextCursor: number | null;
  /** Machines matching the filters and search. */
  total: number;
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
  countedThs.as('hashrate_ths'),
  's.hashrate_ths as last_good_ths',
  's.last_seen_at',
  's.last_polled_at',
  's.consecutive_failures',
  's.last_failure',
  's.last_poll_ms',
] as const;

/** Machines that match the filters and search, before their state is joined (so also counted). */
function matching(ctx: AppContext, f: MachineQueryInput = {}) {
  let q = fleetDb(ctx.db).selectFrom('fleet_machines as m');
  if (f.site) q = q.where('m.site', '=', f.site);
  if (f.status) q = q.where('m.status', '=', f.status);
  if (f.model) q = q.where('m.model', '=', f.model);
  if (f.search) {
    const like = containing(f.search);
    q = q.where((eb) =>
      eb.or(['m.serial', 'm.address', 'm.mac', 'm.dna', 'm.model'].map((c) => eb(sql.ref(c), 'ilike', like))),
    );
  }
  return q;
}

const withState = (q: ReturnType<typeof matching>) =>
  q.leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id').select(machineColumns);

const baseQuery = (ctx: AppContext) => withState(matching(ctx));

/** What each sort key orders by; the id breaks ties, so pages never repeat or skip a machine. */
const SORTED_BY = {
  id: sql.ref('m.id'),
  serial: sql.ref('m.serial'),
  model: sql.ref('m.model'),
  site: sql.ref('m.site'),
  status: sql.ref('m.status'),
  // As shown: an offline machine by the 0 the totals count, not its last good figure.
  hashrate: countedThs,
} as const satisfies Record<MachineSort, RawBuilder<unknown>>;

/** The matching machines in the asked order (id unless asked), machines never seen last. */
function sortedMachines(ctx: AppContext, f: MachineQueryInput) {
  const sort = f.sort ?? 'id';
  const desc = sort.startsWith('-');
  const by = SORTED_BY[sort.replace(/^-/, '') as MachineSort];
  return withState(matching(ctx, f))
    .orderBy(by, (o) => (desc ? o.desc() : o.asc()).nullsLast())
    .orderBy('m.id', desc ? 'desc' : 'asc');
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
    lastGoodThs: r.last_good_ths ?? null,
    lastSeenAt: r.last_seen_at ?? null,
    lastPolledAt: r.last_polled_at ?? null,
    consecutiveFailures: r.consecutive_failures ?? 0,
    lastFailure: r.last_failure ?? null,
    lastPollMs: r.last_poll_ms ?? null,
  };
}

/**
 * Machines a page at a time: in id order by cursor (keyset paging: each page costs the same however
 * deep, so 50,000 machines page through without any request loading them all), or sorted and paged
 * by offset as the dashboard's table asks. `total` counts every machine that matches.
 */
export async function listMachines(ctx: AppContext, q: MachinePageInput): Promise<MachineListPage> {
  await requireSiteFilter(ctx.db, q.site);
  const limit = q.limit ?? 100;
  let rows = sortedMachines(ctx, q).limit(limit + 1);
  if (q.cursor !== undefined) rows = rows.where('m.id', '>', BigInt(q.cursor));
  if (q.offset) rows = rows.offset(q.offset);
  const [found, counted] = await Promise.all([
    rows.execute(),
    matching(ctx, q)
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const machines = found.slice(0, limit).map(toView);
  // A cursor only continues a list in id order; a sorted one is paged by offset.
  const byId = (q.sort ?? 'id') === 'id' && !q.offset;
  return {
    machines,
    nextCursor: byId && found.length > limit ? machines.at(-1)!.id : null,
    total: Number(counted.n),
  };
}

const CSV_PAGE = 1000;

/** Every matching machine in the asked order, a page at a time: what the whole-list CSV streams. */
export async function* machinePages(ctx: AppContext, q: MachineQueryInput): AsyncGenerator<MachineView[]> {
  for (let offset = 0; ; offset += CSV_PAGE) {
    const rows = await sortedMachines(ctx, q).limit(CSV_PAGE).offset(offset).execute();
    yield rows.map(toView);
    if (rows.length < CSV_PAGE) return;
  }
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
  const series = await machineSeries(ctx.db, id, start, end);
  const intent = await f
    .selectFrom('fleet_power_intent')
    .select(['wanted', 'requested_at', 'actor', 'control_id'])
    .where('machine_id', '=', BigInt(id))
    .executeTakeFirst();
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
    power: {
      wanted: intent?.wanted ?? null,
      askedAt: intent?.requested_at ?? null,
      askedBy: intent?.actor ?? null,
      controlId: intent ? Number(intent.control_id) : null,
      notAsAsked: notAsAsked(intent?.wanted, machine) ?? null,
    },
    from: start,
    to: end,
    series,
    statusChanges: changes.map((c) => ({ at: c.at, from: c.from_status, to: c.to_status, reason: c.reason })),
  };
}

/** One machine's 5-minute series over [start, end): what its history draws. */
export async function machineSeries(db: Db, id: number, start: Date, end: Date) {
  const rows = await fleetDb(db)
    .selectFrom('fleet_telemetry')
    .selectAll()
    .where('machine_id', '=', BigInt(id))
    .where('bucket', '>=', start)
    .where('bucket', '<', end)
    .orderBy('bucket')
    .execute();
  return rows.map((r) => ({
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
  }));
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
  await requireSiteFilter(ctx.db, q.site);
  if (end.getTime() - start.getTime() > 366 * 86_400_000) {
    throw invalid('to', 'A hashrate series covers at most 366 days; ask for a shorter period.');
  }
  const every = q.every ?? 'minute';
  // UTC hours and days, whatever the session's time zone.
  const bucket = sql<Date>`date_trunc(${sql.lit(every)}, minute, 'UTC')`;
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

/**
 * Machines by status and measured TH/s per site and in total (of one site with `site`), from each
 * machine's latest state.
 */
export async function fleetSummary(ctx: AppContext, q: SummaryQueryInput = {}): Promise<FleetSummary> {
  await requireSiteFilter(ctx.db, q.site);
  const f = fleetDb(ctx.db);
  let machines = f
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select(['m.site', 'm.status', sql<bigint>`count(*)::int8`.as('n'), hashingNowThs.as('ths')]);
  if (q.site) machines = machines.where('m.site', '=', q.site);
  const rows = await machines.groupBy(['m.site', 'm.status']).orderBy('m.site').execute();
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
  await requireSiteFilter(ctx.db, q.site);
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
