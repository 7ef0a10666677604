/**
 * The demo company's self-mining: sites (two approved, one waiting for its permit: "legal is most
 * important"), and each month's self-mining machines shipped to the approved site with room for
 * them and installed ten days later. Pure.
 */
import { addDays, type Day, type Month } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { DemoSupply } from './supply-plan.js';

export const SITES = [
  {
    code: 'NA1',
    name: 'Texas North',
    country: 'US',
    capacityMw: 60,
    usdPerKwh: 0.035,
    priceFrom: '2020-11-15',
    status: 'approved' as const,
    permitRef: 'TX-ERCOT-2020-1142',
    permitFrom: '2020-11-15',
  },
  {
    code: 'KZ1',
    name: 'Ekibastuz',
    country: 'KZ',
    capacityMw: 150,
    usdPerKwh: 0.028,
    priceFrom: '2021-06-01',
    status: 'approved' as const,
    permitRef: 'KZ-MEN-2021-0457',
    permitFrom: '2021-06-01',
  },
  {
    code: 'SG1',
    name: 'Jurong pilot',
    country: 'SG',
    capacityMw: 5,
    usdPerKwh: 0.11,
    priceFrom: '2021-03-01',
    status: 'pending' as const,
    permitRef: 'SG-EMA-APPL-2021-031',
  },
];

/** Power got dearer in Texas in 2022. */
export const PRICE_CHANGES = [{ site: 'NA1', usdPerKwh: 0.045, effectiveFrom: '2022-01-01' }];

export const TARGET = {
  byDay: '2021-12-31',
  low: '2 EH',
  high: '4 EH',
  sharePercent: 10,
  // Set for 2021 as the year began; the 2020Q4 call announced it. A 2020 report does not show it.
  setOn: '2021-01-01',
  note: '2020Q4 call: end of year reach 2-4 EH, keep using 10% of production capacity',
};

export interface DemoDeployment {
  key: string;
  site: string;
  productId: string;
  units: number;
  shippedOn: Day;
  installedOn: Day;
  serialPrefix: string;
}

const SHIP_DAY = 12;
const INSTALL_AFTER_DAYS = 10;

export function planDeployments(
  selfMining: DemoSupply['selfMining'],
  watts: ReadonlyMap<string, number>,
): DemoDeployment[] {
  const free = new Map(SITES.map((s) => [s.code, s.capacityMw * 1_000_000]));
  const out: DemoDeployment[] = [];
  const byMonth = [...selfMining].sort((a, b) =>
    a.month < b.month ? -1 : a.month > b.month ? 1 : a.productId < b.productId ? -1 : 1,
  );
  for (const m of byMonth) {
    const shippedOn = `${m.month}-${String(SHIP_DAY).padStart(2, '0')}`;
    const w = watts.get(m.productId);
    if (!w) throw invalid('productId', `${m.productId} has no power rating in the catalogue.`);
    let left = m.units;
    for (const site of SITES) {
      if (left === 0) break;
      if (site.status !== 'approved' || site.permitFrom > shippedOn) continue;
      const fits = Math.min(left, Math.floor(free.get(site.code)! / w));
      if (fits === 0) continue;
      free.set(site.code, free.get(site.code)! - fits * w);
      out.push({
        key: `${site.code}-${m.productId}-${m.month}`,
        site: site.code,
        productId: m.productId,
        units: fits,
        shippedOn,
        installedOn: addDays(shippedOn, INSTALL_AFTER_DAYS),
        serialPrefix: `${m.productId}-${m.month.replace('-', '')}-${site.code}-`,
      });
      left -= fits;
    }
    if (left > 0)
      throw invalid('units', `No approved site has room for ${left} ${m.productId} in ${m.month as Month}.`);
  }
  return out;
}
