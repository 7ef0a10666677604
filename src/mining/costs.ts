/** What the sites' power costs, day by day. */
import type { AppContext } from '../app/context.js';
import type { Day } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import { machineDailyEnergyCents } from '../market/model.js';
import { measuredPowerByDay } from './fleet-link.js';
import { checkRange, type HashrateDay, hashrateSeries } from './hashrate.js';
import { priceOn } from './model.js';
import { requireSiteFilter } from './registry.js';
import * as store from './store.js';

export type EnergyBasis = 'measured' | 'nominal' | 'mixed' | 'none';

export interface SiteDayEnergy {
  site: string;
  day: Day;
  installedMachines: number;
  /** Machines whose measured power the fleet recorded that day. */
  measuredMachines: number;
  /** Mean power drawn over the day, W. */
  watts: number;
  kwh: number;
  usdPerKwh: number | null;
  energyCents: Cents;
  basis: EnergyBasis;
}

/**
 * Energy per site per day. Machines that reported power count at their mean measured power; the
 * rest of the machines installed there count at the mean nominal W of the site's installed
 * machines (the fleet's power figures come per machine, the nominal ones per model). A day before
 * the site's first price costs nothing and says so (usdPerKwh null).
 */
export async function energyByDay(
  ctx: AppContext,
  q: { from: Day; to: Day; site?: string | undefined },
  hashrate?: HashrateDay[],
): Promise<SiteDayEnergy[]> {
  checkRange(q.from, q.to);
  await requireSiteFilter(ctx.db, q.site);
  return energySeries(ctx, q, hashrate);
}

/** energyByDay over a range of any length (the caller bounds it); `hashrate` when the caller has read it. */
async function energySeries(
  ctx: AppContext,
  q: { from: Day; to: Day; site?: string | undefined },
  hashrate?: HashrateDay[],
): Promise<SiteDayEnergy[]> {
  const days = hashrate ?? (await hashrateSeries(ctx, q));
  const power = await measuredPowerByDay(ctx.db, q.from, q.to);
  const prices = await store.pricesBySite(ctx.db);
  const out: SiteDayEnergy[] = [];
  for (const d of days) {
    for (const s of d.sites) {
      const measured = power.get(s.site)?.get(d.day) ?? { watts: 0, machines: 0 };
      const unmeasured = Math.max(0, s.installedMachines - measured.machines);
      const nominalMean = s.installedMachines > 0 ? s.installedW / s.installedMachines : 0;
      const watts = measured.watts + unmeasured * nominalMean;
      const usdPerKwh = priceOn(prices.get(s.site) ?? [], d.day) ?? null;
      const basis: EnergyBasis =
        watts === 0 ? 'none' : measured.machines === 0 ? 'nominal' : unmeasured === 0 ? 'measured' : 'mixed';
      out.push({
        site: s.site,
        day: d.day,
        installedMachines: s.installedMachines,
        measuredMachines: measured.machines,
        watts,
        kwh: (watts * 24) / 1000,
        usdPerKwh,
        energyCents: usdPerKwh === null ? 0n : machineDailyEnergyCents(watts, usdPerKwh),
        basis,
      });
    }
  }
  return out;
}

/**
 * The energy cost of all sites over a range, in cents: one series over the whole range (the machines
 * grouped once), so its cost grows with the days and sites, not with the machines. The caller bounds
 * the range by the books' span.
 */
export async function energyCostCents(ctx: AppContext, from: Day, to: Day): Promise<Cents> {
  let total = 0n;
  for (const e of await energySeries(ctx, { from, to })) total += e.energyCents;
  return total;
}

/** What all mining cost in energy from the first machine installed to the end of `day`. */
export async function miningCostUpTo(
  ctx: AppContext,
  day: Day,
): Promise<{ cents: Cents; since: Day | null }> {
  const since = await store.firstInstalledOn(ctx.db);
  if (!since || since > day) return { cents: 0n, since };
  return { cents: await energyCostCents(ctx, since, day), since };
}
