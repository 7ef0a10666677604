/**
 * What the demo's pure parts are computed from, read from the shipped data: the market history,
 * the modelled spot USD/TH and the catalogue's facts. Shared by the loader's plan and the tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addDays, type Day } from '../kernel/calendar.js';
import { parseMarketCsv } from '../market/csv.js';
import type { MarketDay } from '../market/model.js';
import type { ProductFacts } from '../sales/model.js';
import { DATA_DIR } from './paths.js';
import { DEMO_FIRST_DAY, DEMO_LAST_DAY } from './script.js';
import { modelSpotPrices, SPOT_HISTORY_DAYS, type SpotDay } from './spot-model.js';

/** The shipped market days the demo prices from: a history window before its first day, to its last. */
export function demoMarketDays(): MarketDay[] {
  const from = addDays(DEMO_FIRST_DAY, -SPOT_HISTORY_DAYS);
  return parseMarketCsv(readFileSync(join(DATA_DIR, 'market', 'btc_daily.csv'), 'utf8'))
    .rows.filter((d) => d.day >= from && d.day <= DEMO_LAST_DAY)
    .map(({ spotUsdPerTh: _ignored, ...d }) => d);
}

export function demoSpotPrices(days: readonly MarketDay[]): SpotDay[] {
  return modelSpotPrices(days, DEMO_FIRST_DAY, DEMO_LAST_DAY);
}

export const spotMap = (spot: readonly SpotDay[]): Map<Day, bigint> =>
  new Map(spot.map((s) => [s.day, s.usdPerTh]));

export const DEMO_PRODUCT_FACTS: ReadonlyMap<string, ProductFacts> = new Map(
  DEMO_PRODUCTS.map((p) => [
    p.id,
    { id: p.id, kind: p.kind, family: p.family, stage: p.stage, ths: p.kind === 'machine' ? p.ths : null },
  ]),
);
