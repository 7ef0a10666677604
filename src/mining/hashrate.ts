/** Installed (nominal) and measured hashrate per site and in total, day by day. */
import type { AppContext } from '../app/context.js';
import { type Day, dayRange, daysBetween } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import { measuredThsByDay } from './fleet-link.js';
import type { MachineGroup } from './store.js';
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
  return hashrateSeries(ctx, q);
}

/**
 * hashrateByDay over a range of any length, for sums over the books' span (the caller bounds it):
 * the machines are grouped once in SQL, each site summed afresh only on the days it changes.
 */
export async function hashrateSeries(
  ctx: AppContext,
  q: { from: Day; to: Day; site?: string | undefined },
): Promise<HashrateDay[]> {
  const sites = (await store.selectSites(ctx.db)).filter((s) => !q.site || s.code === q.site);
  const groups = await store.machineGroups(ctx.db, { site: q.site, shippedBy: q.to });
  const measured = await measuredThsByDay(ctx.db, q.from, q.to);
  // A site's figures change only on a day some group of it ships or is installed: they are summed
  // afresh on those days (in the same order, so the sums are the same numbers) and carried between.
  const groupsOf = new Map<string, MachineGroup[]>();
  const changesOn = new Map<string, Set<Day>>();
  for (const g of groups) {
    const list = groupsOf.get(g.site);
    if (list) list.push(g);
    else groupsOf.set(g.site, [g]);
    const days = changesOn.get(g.site) ?? new Set<Day>();
    days.add(g.shippedOn);
    if (g.installedOn) days.add(g.installedOn);
    changesOn.set(g.site, days);
  }
  const current = new Map<string, Omit<SiteDay, 'site' | 'measuredThs'>>();
  const siteOn = (site: string, day: Day) => {
    let at = current.get(site);
    if (at && !changesOn.get(site)?.has(day)) return at;
    at = { installedThs: 0, installedMachines: 0, installedW: 0, inTransitThs: 0, inTransitW: 0 };
    for (const g of groupsOf.get(site) ?? []) {
      if (g.shippedOn > day) continue;
      if (g.installedOn && g.installedOn <= day) {
        at.installedThs += g.ths;
        at.installedW += g.watts;
        at.installedMachines += g.machines;
      } else {
        at.inTransitThs += g.ths;
        at.inTransitW += g.watts;
      }
    }
    current.set(site, at);
    return at;
  };
  return dayRange(q.from, q.to).map((day) => {
    const siteDays = sites.map(
      (s): SiteDay => ({
        site: s.code,
        ...siteOn(s.code, day),
        measuredThs: measured.get(s.code)?.get(day) ?? null,
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
