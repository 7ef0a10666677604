/** Installed (nominal) and measured hashrate per site and in total, day by day. */
import type { AppContext } from '../app/context.js';
import { type Day, dayRange, daysBetween } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import { measuredThsByDay } from './fleet-link.js';
import { requireSiteFilter } from './registry.js';
import type { FleetDay } from './store.js';
import * as store from './store.js';

export const MAX_SERIES_DAYS = 366;

export interface SiteDay {
  site: string;
  /** Nameplate TH/s of the machines installed by the end of the day. */
  installedThs: number;
  installedMachines: number;
  installedW: number;
  /** Shipped, not yet installed. */
  inTransitThs: number;
  inTransitW: number;
  /** The mean TH/s the fleet poller measured that day; null when it measured nothing there. */
  measuredThs: number | null;
}

export interface HashrateDay {
  day: Day;
  sites: SiteDay[];
  installedThs: number;
  installedPh: number;
  measuredThs: number | null;
  measuredPh: number | null;
}

export function checkRange(from: Day, to: Day, max = MAX_SERIES_DAYS): void {
  if (from > to) throw invalid('from', `from (${from}) must not be after to (${to}).`);
  if (daysBetween(from, to) >= max)
    throw invalid('to', `A series covers at most ${max} days; ask for a shorter period.`);
}

/** The earlier of two days. */
export const earlierDay = (a: Day, b: Day): Day => (a < b ? a : b);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Every day of the range, every site (or one): installed TH from the deployments, measured TH from
 * the fleet's per-minute totals. The total's measured figure sums the sites that were measured.
 */
export async function hashrateByDay(
  ctx: AppContext,
  q: { from: Day; to: Day; site?: string | undefined },
): Promise<HashrateDay[]> {
  checkRange(q.from, q.to);
  await requireSiteFilter(ctx.db, q.site);
  return hashrateSeries(ctx, q);
}

/**
 * hashrateByDay over a range of any length, for sums over the books' span (the caller bounds it):
 * read from the fleet's running totals (a few rows per deployment), each site summed afresh only on
 * the days it changes.
 */
export async function hashrateSeries(
  ctx: AppContext,
  q: { from: Day; to: Day; site?: string | undefined },
): Promise<HashrateDay[]> {
  const [sites, changes, measured] = await Promise.all([
    store.selectSites(ctx.db),
    store.fleetDays(ctx.db, { site: q.site, to: q.to }),
    measuredThsByDay(ctx.db, q.from, q.to),
  ]);
  const codes = sites.filter((s) => !q.site || s.code === q.site).map((s) => s.code);
  return hashrateDays(codes, changes, measured, q.from, q.to);
}

type SiteFigures = Omit<SiteDay, 'site' | 'measuredThs'>;
const NOTHING: SiteFigures = {
  installedThs: 0,
  installedMachines: 0,
  installedW: 0,
  inTransitThs: 0,
  inTransitW: 0,
};

/**
 * Each day of the range, each site: the machines shipped and installed by the day, counted per
 * model from the running totals (`changes`, oldest first), times the model's nominal TH/s and W.
 * Pure.
 */
export function hashrateDays(
  sites: readonly string[],
  changes: readonly FleetDay[],
  measured: Map<string, Map<Day, number>>,
  from: Day,
  to: Day,
): HashrateDay[] {
  const models = new Map<
    string,
    Map<string, { ths: number; watts: number; shipped: number; installed: number }>
  >();
  const figures = new Map<string, SiteFigures>();
  const sumUp = (site: string): SiteFigures => {
    const at = { ...NOTHING };
    for (const m of models.get(site)?.values() ?? []) {
      at.installedMachines += m.installed;
      at.installedThs += m.installed * m.ths;
      at.installedW += m.installed * m.watts;
      at.inTransitThs += (m.shipped - m.installed) * m.ths;
      at.inTransitW += (m.shipped - m.installed) * m.watts;
    }
    return at;
  };
  let next = 0;
  return dayRange(from, to).map((day) => {
    const changed = new Set<string>();
    for (; next < changes.length && changes[next]!.day <= day; next++) {
      const c = changes[next]!;
      const site = models.get(c.site) ?? new Map();
      models.set(c.site, site);
      const key = `${c.productId}|${c.ths}|${c.watts}`;
      const m = site.get(key) ?? { ths: c.ths, watts: c.watts, shipped: 0, installed: 0 };
      m.shipped += c.shipped;
      m.installed += c.installed;
      site.set(key, m);
      changed.add(c.site);
    }
    for (const site of changed) figures.set(site, sumUp(site));
    const siteDays = sites.map(
      (code): SiteDay => ({
        site: code,
        ...(figures.get(code) ?? NOTHING),
        measuredThs: measured.get(code)?.get(day) ?? null,
      }),
    );
    const installedThs = sum(siteDays.map((s) => s.installedThs));
    const measuredSites = siteDays.filter((s) => s.measuredThs !== null);
    const measuredThs = measuredSites.length > 0 ? sum(measuredSites.map((s) => s.measuredThs!)) : null;
    return {
      day,
      sites: siteDays,
      installedThs,
      installedPh: installedThs / TH_PER_PH,
      measuredThs,
      measuredPh: measuredThs === null ? null : measuredThs / TH_PER_PH,
    };
  });
}
