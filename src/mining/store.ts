import { type ColumnType, sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import { countryCodeOf } from '../kernel/countries.js';
import { toWireJson } from '../kernel/json.js';
import type { Compliance, ComplianceFrom, ComplianceStatus, HashrateTarget, SitePrice } from './model.js';

/** jsonb: read back parsed, written as JSON text. */
type Jsonb = ColumnType<unknown, string, string>;

export type MiningTables = {
  mining_sites: {
    code: string;
    name: string;
    country: string;
    capacity_w: bigint;
    compliance_status: ComplianceStatus;
    permit_ref: string | null;
    permit_from: string | null;
    permit_until: string | null;
    status_since: string;
    created_at: Date;
    updated_at: Date;
  };
  mining_site_prices: { site_code: string; effective_from: string; usd_per_kwh: string; event_id: bigint };
  mining_site_compliance: {
    event_id: bigint;
    site_code: string;
    effective_on: string;
    status: ComplianceStatus;
    permit_ref: string | null;
    permit_from: string | null;
    permit_until: string | null;
    reason: string | null;
    recorded_at: Date;
  };
  mining_deployments: {
    id: number;
    site_code: string;
    product_id: string;
    units: number;
    shipped_on: string;
    allocation_month: string | null;
    note: string | null;
    event_id: bigint;
    recorded_at: Date;
  };
  mining_machines: {
    serial: string;
    deployment_id: number;
    site_code: string;
    product_id: string;
    ths: number;
    watts: number;
    mac: string | null;
    shipped_on: string;
    installed_on: string | null;
  };
  mining_fleet_days: {
    site_code: string;
    product_id: string;
    ths: number;
    watts: number;
    day: string;
    shipped: number;
    installed: number;
    first_installed_serial: string | null;
  };
  mining_curtailment_flags: {
    site_code: string;
    serial: string;
    reason: string;
    flagged_on: string;
    cleared_on: string | null;
    event_id: bigint;
  };
  mining_targets: {
    id: number;
    by_day: string;
    low_ths: number;
    high_ths: number;
    share_bp: number;
    note: string | null;
    set_at: Date;
    set_on: string | null;
  };
  mining_curtailments: {
    event_id: bigint;
    advice_day: string;
    applied_at: Date;
    actor: string;
    machines: number;
    saved_cents_per_day: bigint;
    groups: Jsonb;
    control: Jsonb;
  };
};

export const miningDb = (db: Db) => db.withTables<MiningTables>();
const BATCH = 500;

// ------------------------------------------------------------------------------------------ sites

export interface Site {
  code: string;
  name: string;
  country: string;
  capacityW: number;
  compliance: Compliance;
  statusSince: Day;
}

/** A site as its events carry it: the whole site after the change, so a replay needs nothing else. */
export type SiteFact = Site;

type SiteRow = MiningTables['mining_sites'];

const toSite = (r: SiteRow): Site => ({
  code: r.code,
  name: r.name,
  country: r.country,
  capacityW: Number(r.capacity_w),
  compliance: {
    status: r.compliance_status,
    permitRef: r.permit_ref,
    permitFrom: r.permit_from,
    permitUntil: r.permit_until,
  },
  statusSince: r.status_since,
});

export async function findSite(db: Db, code: string): Promise<Site | undefined> {
  const row = await miningDb(db)
    .selectFrom('mining_sites')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  return row && toSite(row);
}

/** The site whose code is `code` in any case ("lab" finds LAB): codes differ by more than case. */
export async function findSiteAnyCase(db: Db, code: string): Promise<Site | undefined> {
  const row = await miningDb(db)
    .selectFrom('mining_sites')
    .selectAll()
    .where(sql`lower(code)`, '=', code.toLowerCase())
    .executeTakeFirst();
  return row && toSite(row);
}

export async function selectSites(db: Db): Promise<Site[]> {
  return (await miningDb(db).selectFrom('mining_sites').selectAll().orderBy('code').execute()).map(toSite);
}

export async function upsertSite(db: Db, s: SiteFact, at: Date): Promise<void> {
  const row = {
    code: s.code,
    name: s.name,
    // Sites added before migration 0920 named their country; their events replay to its code.
    country: countryCodeOf(s.country) ?? s.country,
    capacity_w: BigInt(s.capacityW),
    compliance_status: s.compliance.status,
    permit_ref: s.compliance.permitRef,
    permit_from: s.compliance.permitFrom,
    permit_until: s.compliance.permitUntil,
    status_since: s.statusSince,
    updated_at: at,
  };
  await miningDb(db)
    .insertInto('mining_sites')
    .values({ ...row, created_at: at })
    .onConflict((oc) => oc.column('code').doUpdateSet(row))
    .execute();
}

export async function insertCompliance(
  db: Db,
  eventId: bigint,
  at: Date,
  c: { site: string; effectiveOn: Day; compliance: Compliance; reason: string | null },
): Promise<void> {
  await miningDb(db)
    .insertInto('mining_site_compliance')
    .values({
      event_id: eventId,
      site_code: c.site,
      effective_on: c.effectiveOn,
      status: c.compliance.status,
      permit_ref: c.compliance.permitRef,
      permit_from: c.compliance.permitFrom,
      permit_until: c.compliance.permitUntil,
      reason: c.reason,
      recorded_at: at,
    })
    .execute();
}

/** Every site's compliance history, by site code, in effective order (as recorded within a day). */
export async function complianceBySite(db: Db): Promise<Map<string, ComplianceFrom[]>> {
  const rows = await miningDb(db)
    .selectFrom('mining_site_compliance')
    .select(['site_code', 'effective_on', 'status', 'permit_ref', 'permit_from', 'permit_until'])
    .orderBy('site_code')
    .orderBy('effective_on')
    .orderBy('event_id')
    .execute();
  const out = new Map<string, ComplianceFrom[]>();
  for (const r of rows) {
    const list = out.get(r.site_code) ?? [];
    list.push({
      effectiveOn: r.effective_on,
      compliance: {
        status: r.status,
        permitRef: r.permit_ref,
        permitFrom: r.permit_from,
        permitUntil: r.permit_until,
      },
    });
    out.set(r.site_code, list);
  }
  return out;
}

export async function complianceHistory(db: Db, code: string) {
  const rows = await miningDb(db)
    .selectFrom('mining_site_compliance')
    .selectAll()
    .where('site_code', '=', code)
    .orderBy('effective_on')
    .orderBy('event_id')
    .execute();
  return rows.map((r) => ({
    effectiveOn: r.effective_on,
    status: r.status,
    permitRef: r.permit_ref,
    permitFrom: r.permit_from,
    permitUntil: r.permit_until,
    reason: r.reason,
    recordedAt: r.recorded_at,
  }));
}

export async function upsertPrice(db: Db, eventId: bigint, site: string, p: SitePrice): Promise<void> {
  const row = { usd_per_kwh: String(p.usdPerKwh), event_id: eventId };
  await miningDb(db)
    .insertInto('mining_site_prices')
    .values({ site_code: site, effective_from: p.effectiveFrom, ...row })
    .onConflict((oc) => oc.columns(['site_code', 'effective_from']).doUpdateSet(row))
    .execute();
}

/** Every site's (or one site's) price changes, by site code, in effective order. */
export async function pricesBySite(db: Db, site?: string): Promise<Map<string, SitePrice[]>> {
  let q = miningDb(db)
    .selectFrom('mining_site_prices')
    .select(['site_code', 'effective_from', 'usd_per_kwh'])
    .orderBy('site_code')
    .orderBy('effective_from');
  if (site) q = q.where('site_code', '=', site);
  const rows = await q.execute();
  const out = new Map<string, SitePrice[]>();
  for (const r of rows) {
    const list = out.get(r.site_code) ?? [];
    list.push({ effectiveFrom: r.effective_from, usdPerKwh: Number(r.usd_per_kwh) });
    out.set(r.site_code, list);
  }
  return out;
}

// ----------------------------------------------------------------------------------- deployments

export interface DeploymentFact {
  id: number;
  site: string;
  productId: string;
  ths: number;
  watts: number;
  shippedOn: Day;
  allocationMonth: string | null;
  note: string | null;
  machines: { serial: string; mac: string | null }[];
}

export async function insertDeployment(db: Db, d: DeploymentFact, eventId: bigint, at: Date): Promise<void> {
  await miningDb(db)
    .insertInto('mining_deployments')
    .values({
      id: d.id,
      site_code: d.site,
      product_id: d.productId,
      units: d.machines.length,
      shipped_on: d.shippedOn,
      allocation_month: d.allocationMonth,
      note: d.note,
      event_id: eventId,
      recorded_at: at,
    })
    .execute();
  for (let i = 0; i < d.machines.length; i += BATCH) {
    await miningDb(db)
      .insertInto('mining_machines')
      .values(
        d.machines.slice(i, i + BATCH).map((m) => ({
          serial: m.serial,
          deployment_id: d.id,
          site_code: d.site,
          product_id: d.productId,
          ths: d.ths,
          watts: d.watts,
          mac: m.mac,
          shipped_on: d.shippedOn,
          installed_on: null,
        })),
      )
      .execute();
  }
  await sql`insert into mining_fleet_days (site_code, product_id, ths, watts, day, shipped)
    values (${d.site}, ${d.productId}, ${d.ths}, ${d.watts}, ${d.shippedOn}, ${d.machines.length})
    on conflict (site_code, product_id, ths, watts, day)
    do update set shipped = mining_fleet_days.shipped + excluded.shipped`.execute(db);
}

export async function markInstalled(
  db: Db,
  installedOn: Day,
  machines: { serial: string; mac: string | null }[],
): Promise<void> {
  // One statement per thousand machines: the demo installs tens of thousands at a time, and a row
  // at a time made that the slowest step of its load. A null MAC keeps the one already known.
  for (let i = 0; i < machines.length; i += 1000) {
    const chunk = machines.slice(i, i + 1000);
    const serials = chunk.map((c) => c.serial);
    await sql`update mining_machines m
      set installed_on = ${installedOn}, mac = coalesce(x.mac, m.mac)
      from unnest(${serials}::text[], ${chunk.map((c) => c.mac)}::text[]) as x(serial, mac)
      where m.serial = x.serial`.execute(db);
    // The running totals: these machines counted as installed on the day, by site and model.
    await sql`insert into mining_fleet_days (site_code, product_id, ths, watts, day, installed, first_installed_serial)
      select site_code, product_id, ths, watts, ${installedOn}::date, count(*)::int, min(serial)
      from mining_machines where serial = any(${serials}::text[])
      group by site_code, product_id, ths, watts
      on conflict (site_code, product_id, ths, watts, day) do update
      set installed = mining_fleet_days.installed + excluded.installed,
        first_installed_serial = least(mining_fleet_days.first_installed_serial, excluded.first_installed_serial)`.execute(
      db,
    );
  }
}

export interface MachineRow {
  serial: string;
  deploymentId: number;
  site: string;
  productId: string;
  ths: number;
  watts: number;
  mac: string | null;
  shippedOn: Day;
  installedOn: Day | null;
}

export interface MachineFilter {
  site?: string | undefined;
  productId?: string | undefined;
  serials?: readonly string[] | undefined;
  /** Shipped on or before this day (deployed by then). */
  shippedBy?: Day | undefined;
  /** The page after this serial, in (site, serial) order. */
  after?: string | undefined;
  limit?: number | undefined;
}

const toMachineRow = (r: MiningTables['mining_machines']): MachineRow => ({
  serial: r.serial,
  deploymentId: r.deployment_id,
  site: r.site_code,
  productId: r.product_id,
  ths: r.ths,
  watts: r.watts,
  mac: r.mac,
  shippedOn: r.shipped_on,
  installedOn: r.installed_on,
});

export async function selectMachines(db: Db, f: MachineFilter = {}): Promise<MachineRow[]> {
  let q = miningDb(db).selectFrom('mining_machines').selectAll().orderBy('site_code').orderBy('serial');
  if (f.site) q = q.where('site_code', '=', f.site);
  if (f.productId) q = q.where('product_id', '=', f.productId);
  if (f.shippedBy) q = q.where('shipped_on', '<=', f.shippedBy);
  if (f.serials) {
    if (f.serials.length === 0) return [];
    q = q.where('serial', '=', sql<string>`any(${[...f.serials]}::text[])`);
  }
  if (f.after !== undefined)
    q = q.where(
      sql<boolean>`(site_code, serial) > (select m.site_code, m.serial from mining_machines m where m.serial = ${f.after})`,
    );
  if (f.limit !== undefined) q = q.limit(f.limit);
  return (await q.execute()).map(toMachineRow);
}

export async function machineExists(db: Db, serial: string): Promise<boolean> {
  const r = await miningDb(db)
    .selectFrom('mining_machines')
    .select('serial')
    .where('serial', '=', serial)
    .executeTakeFirst();
  return r !== undefined;
}

/** Machines shipped and installed by a day at a site (or all) and of a model (or all), from the running totals. */
export async function machineCounts(
  db: Db,
  f: { site?: string | undefined; productId?: string | undefined; on: Day },
): Promise<{ shipped: number; installed: number }> {
  let q = miningDb(db)
    .selectFrom('mining_fleet_days')
    .select([
      sql<bigint>`coalesce(sum(shipped), 0)::int8`.as('shipped'),
      sql<bigint>`coalesce(sum(installed), 0)::int8`.as('installed'),
    ])
    .where('day', '<=', f.on);
  if (f.site) q = q.where('site_code', '=', f.site);
  if (f.productId) q = q.where('product_id', '=', f.productId);
  const r = await q.executeTakeFirstOrThrow();
  return { shipped: Number(r.shipped), installed: Number(r.installed) };
}

export async function countSerialsWithPrefix(db: Db, prefix: string): Promise<number> {
  const r = await miningDb(db)
    .selectFrom('mining_machines')
    .select(sql<bigint>`count(*)::int8`.as('n'))
    .where(sql<boolean>`starts_with(serial, ${prefix})`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A site and model's machines shipped and installed on one day: the fleet's running totals. */
export interface FleetDay {
  site: string;
  productId: string;
  /** Nominal TH/s and W of one machine of the model, as deployed. */
  ths: number;
  watts: number;
  day: Day;
  shipped: number;
  installed: number;
}

/**
 * The days up to `to` on which machines shipped to or were installed at a site (or any), by site
 * and model, oldest first: a few rows per deployment, whatever the fleet's size.
 */
export async function fleetDays(db: Db, f: { site?: string | undefined; to: Day }): Promise<FleetDay[]> {
  let q = miningDb(db)
    .selectFrom('mining_fleet_days')
    .select(['site_code', 'product_id', 'ths', 'watts', 'day', 'shipped', 'installed'])
    .where('day', '<=', f.to)
    .orderBy('day')
    .orderBy('site_code')
    .orderBy('product_id')
    .orderBy('ths')
    .orderBy('watts');
  if (f.site) q = q.where('site_code', '=', f.site);
  return (await q.execute()).map((r) => ({
    site: r.site_code,
    productId: r.product_id,
    ths: r.ths,
    watts: r.watts,
    day: r.day,
    shipped: r.shipped,
    installed: r.installed,
  }));
}

/** Machines installed by a day, by site and model (product, TH/s, W); a site's models in the order of their first serial. */
export interface InstalledModel {
  site: string;
  productId: string;
  ths: number;
  watts: number;
  machines: number;
}

export async function installedModels(db: Db, day: Day): Promise<InstalledModel[]> {
  // A machine is installed on or after the day it shipped, so the installations up to the day are
  // the machines shipped and installed by it.
  const rows = await miningDb(db)
    .selectFrom('mining_fleet_days')
    .select([
      'site_code',
      'product_id',
      'ths',
      'watts',
      sql<bigint>`sum(installed)::int8`.as('n'),
      sql<string>`min(first_installed_serial)`.as('first_serial'),
    ])
    .where('day', '<=', day)
    .groupBy(['site_code', 'product_id', 'ths', 'watts'])
    .having(sql<boolean>`sum(installed) > 0`)
    .orderBy('site_code')
    .orderBy(sql`min(first_installed_serial)`)
    .execute();
  return rows.map((r) => ({
    site: r.site_code,
    productId: r.product_id,
    ths: r.ths,
    watts: r.watts,
    machines: Number(r.n),
  }));
}

/**
 * The machines installed by a day whose serial or MAC is one of the given identities (lower case):
 * the candidates for matching against the fleet, without reading every machine.
 */
export async function installedMachinesKnownAs(
  db: Db,
  day: Day,
  identities: readonly string[],
  macs: readonly string[],
): Promise<MachineRow[]> {
  if (identities.length === 0 && macs.length === 0) return [];
  const rows = await miningDb(db)
    .selectFrom('mining_machines')
    .selectAll()
    .where('shipped_on', '<=', day)
    .where('installed_on', '<=', day)
    .where((eb) =>
      eb.or([
        eb(sql<string>`lower(serial)`, '=', sql<string>`any(${[...identities]}::text[])`),
        eb(sql<string>`lower(mac)`, '=', sql<string>`any(${[...macs]}::text[])`),
      ]),
    )
    .orderBy('site_code')
    .orderBy('serial')
    .execute();
  return rows.map(toMachineRow);
}

export async function firstInstalledOn(db: Db): Promise<Day | null> {
  const r = await miningDb(db)
    .selectFrom('mining_fleet_days')
    .select((eb) => eb.fn.min('day').as('first'))
    .where('installed', '>', 0)
    .executeTakeFirstOrThrow();
  return r.first ?? null;
}

/** The first and last day a machine was shipped to or installed at a site, or null before any. */
export async function deployedDaySpan(db: Db): Promise<{ first: Day; last: Day } | null> {
  const r = await miningDb(db)
    .selectFrom('mining_fleet_days')
    .select((eb) => [eb.fn.min('day').as('first'), eb.fn.max('day').as('last')])
    .executeTakeFirstOrThrow();
  return r.first && r.last ? { first: r.first, last: r.last } : null;
}

/** Nominal W of the machines deployed at a site (in transit or installed). */
export async function deployedWatts(db: Db, site: string): Promise<number> {
  const r = await miningDb(db)
    .selectFrom('mining_fleet_days')
    .select(sql<bigint>`coalesce(sum(shipped::int8 * watts), 0)::int8`.as('w'))
    .where('site_code', '=', site)
    .executeTakeFirstOrThrow();
  return Number(r.w);
}

export async function existingSerialsOrMacs(
  db: Db,
  serials: readonly string[],
  macs: readonly string[],
): Promise<{ serial: string; mac: string | null }[]> {
  return miningDb(db)
    .selectFrom('mining_machines')
    .select(['serial', 'mac'])
    .where((eb) =>
      eb.or([
        eb('serial', '=', sql<string>`any(${[...serials]}::text[])`),
        ...(macs.length > 0 ? [eb('mac', '=', sql<string>`any(${[...macs]}::text[])`)] : []),
      ]),
    )
    .execute();
}

export async function selectDeployments(
  db: Db,
  f: { site?: string | undefined; after?: number | undefined; limit: number },
) {
  let q = miningDb(db).selectFrom('mining_deployments').selectAll().orderBy('id').limit(f.limit);
  if (f.site) q = q.where('site_code', '=', f.site);
  if (f.after !== undefined) q = q.where('id', '>', f.after);
  return (await q.execute()).map((r) => ({
    id: r.id,
    site: r.site_code,
    productId: r.product_id,
    units: r.units,
    shippedOn: r.shipped_on,
    allocationMonth: r.allocation_month,
    note: r.note,
    recordedAt: r.recorded_at,
  }));
}

/** Units deployed against each (allocation month, model). */
export async function deployedAgainstAllocation(
  db: Db,
  fromMonth: string,
  toMonth: string,
): Promise<{ month: string; productId: string; units: number }[]> {
  const rows = await miningDb(db)
    .selectFrom('mining_deployments')
    .select(['allocation_month', 'product_id', sql<bigint>`sum(units)::int8`.as('units')])
    .where('allocation_month', '>=', fromMonth)
    .where('allocation_month', '<=', toMonth)
    .groupBy(['allocation_month', 'product_id'])
    .execute();
  return rows.map((r) => ({ month: r.allocation_month!, productId: r.product_id, units: Number(r.units) }));
}

/** Units shipped per month and model between two days. */
export async function shippedByMonth(
  db: Db,
  from: Day,
  to: Day,
): Promise<{ month: string; productId: string; units: number }[]> {
  const rows = await miningDb(db)
    .selectFrom('mining_deployments')
    .select([
      sql<string>`to_char(shipped_on, 'YYYY-MM')`.as('month'),
      'product_id',
      sql<bigint>`sum(units)::int8`.as('units'),
    ])
    .where('shipped_on', '>=', from)
    .where('shipped_on', '<=', to)
    .groupBy([sql`1`, 'product_id'])
    .execute();
  return rows.map((r) => ({ month: r.month, productId: r.product_id, units: Number(r.units) }));
}

// ---------------------------------------------------------------------------------- curtailment

export async function insertFlags(
  db: Db,
  eventId: bigint,
  site: string,
  flaggedOn: Day,
  reason: string,
  serials: readonly string[],
): Promise<void> {
  for (let i = 0; i < serials.length; i += BATCH) {
    await miningDb(db)
      .insertInto('mining_curtailment_flags')
      .values(
        serials.slice(i, i + BATCH).map((serial) => ({
          site_code: site,
          serial,
          reason,
          flagged_on: flaggedOn,
          cleared_on: null,
          event_id: eventId,
        })),
      )
      .execute();
  }
}

export async function clearFlags(db: Db, site: string, clearedOn: Day): Promise<void> {
  await miningDb(db)
    .updateTable('mining_curtailment_flags')
    .set({ cleared_on: clearedOn })
    .where('site_code', '=', site)
    .where('cleared_on', 'is', null)
    .execute();
}

/** Machines flagged for curtailment and not yet cleared, by serial. */
export async function openFlags(db: Db, site?: string) {
  let q = miningDb(db)
    .selectFrom('mining_curtailment_flags')
    .select(['site_code', 'serial', 'reason', 'flagged_on'])
    .where('cleared_on', 'is', null)
    .orderBy('site_code')
    .orderBy('serial');
  if (site) q = q.where('site_code', '=', site);
  return (await q.execute()).map((r) => ({
    site: r.site_code,
    serial: r.serial,
    reason: r.reason,
    flaggedOn: r.flagged_on,
  }));
}

export async function insertCurtailment(
  db: Db,
  row: {
    eventId: bigint;
    adviceDay: Day;
    appliedAt: Date;
    actor: string;
    machines: number;
    savedCentsPerDay: bigint;
    groups: unknown;
    control: unknown;
  },
): Promise<void> {
  await miningDb(db)
    .insertInto('mining_curtailments')
    .values({
      event_id: row.eventId,
      advice_day: row.adviceDay,
      applied_at: row.appliedAt,
      actor: row.actor,
      machines: row.machines,
      saved_cents_per_day: row.savedCentsPerDay,
      groups: toWireJson(row.groups),
      control: toWireJson(row.control),
    })
    .execute();
}

export async function selectCurtailments(db: Db, f: { after?: bigint | undefined; limit: number }) {
  let q = miningDb(db).selectFrom('mining_curtailments').selectAll().orderBy('event_id').limit(f.limit);
  if (f.after !== undefined) q = q.where('event_id', '>', f.after);
  const rows = await q.execute();
  return rows.map((r) => ({
    eventId: r.event_id,
    adviceDay: r.advice_day,
    appliedAt: r.applied_at,
    actor: r.actor,
    machines: r.machines,
    savedCentsPerDay: r.saved_cents_per_day,
    groups: r.groups,
    control: r.control,
  }));
}

// -------------------------------------------------------------------------------------- targets

export interface TargetRow extends HashrateTarget {
  id: number;
  note: string | null;
  /** The day it was set (a business date); null for a target recorded before days were given. */
  setOn: Day | null;
  setAt: Date;
}

export async function insertTarget(
  db: Db,
  t: HashrateTarget & { id: number; note: string | null; setOn?: Day },
  at: Date,
) {
  await miningDb(db)
    .insertInto('mining_targets')
    .values({
      id: t.id,
      by_day: t.byDay,
      low_ths: t.lowThs,
      high_ths: t.highThs,
      share_bp: t.shareBp,
      note: t.note,
      set_at: at,
      set_on: t.setOn ?? null,
    })
    .execute();
}

/** Targets, latest set first. */
export async function selectTargets(db: Db): Promise<TargetRow[]> {
  const rows = await miningDb(db).selectFrom('mining_targets').selectAll().orderBy('id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    byDay: r.by_day,
    lowThs: r.low_ths,
    highThs: r.high_ths,
    shareBp: r.share_bp,
    note: r.note,
    setOn: r.set_on,
    setAt: r.set_at,
  }));
}
