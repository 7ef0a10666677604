/** Installed (nominal) and measured hashrate per site and in total, day by day. */
import type { AppContext } from '../app/context.js';
import { type Day, dayRange, daysBetween } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import { measuredThsByDay } from './fleet-link.js';
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
  const sites = (await store.selectSites(ctx.db)).filter((s) => !q.site || s.code === q.site);
  const groups = await store.machineGroups(ctx.db, { site: q.site, shippedBy: q.to });
  const measured = await measuredThsByDay(ctx.db, q.from, q.to);
  return dayRange(q.from, q.to).map((day) => {
    const siteDays = sites.map((s): SiteDay => {
      let installedThs = 0;
      let installedMachines = 0;
      let installedW = 0;
      let inTransitThs = 0;
      let inTransitW = 0;
      for (const g of groups) {
        if (g.site !== s.code || g.shippedOn > day) continue;
        if (g.installedOn && g.installedOn <= day) {
          installedThs += g.ths;
          installedW += g.watts;
          installedMachines += g.machines;
        } else {
          inTransitThs += g.ths;
          inTransitW += g.watts;
        }
      }
      return {
        site: s.code,
        installedThs,
        installedMachines,
        installedW,
        inTransitThs,
        inTransitW,
        measuredThs: measured.get(s.code)?.get(day) ?? null,
      };
    });
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
