/** The market history a scenario is calibrated on, month by month, as of its day. */
import type { AppContext } from '../app/context.js';
import { addMonths, type Day, firstDayOfMonth, type Month, monthOf } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';
import { centsToNumber } from '../kernel/money.js';
import type { MarketDay } from '../market/model.js';
import { marketRange } from '../market/service.js';
import { CALIBRATION_MONTHS, type MarketMonth } from './market.js';

/** Monthly history from `months` before the as-of day's month to the as-of day itself. */
export async function marketHistory(ctx: AppContext, asOf: Day, months = CALIBRATION_MONTHS + 1) {
  const from = firstDayOfMonth(addMonths(monthOf(asOf), -months));
  const days = await marketRange(ctx, from, asOf);
  if (days.length === 0 || monthOf(days.at(-1)!.day) !== monthOf(asOf)) {
    throw ruleBroken(
      'planning.no-market',
      `There is no market history up to ${asOf}; a scenario's as-of date must be within the market data (hashforge market import).`,
      'asOf',
    );
  }
  return monthly(days);
}

/** Days grouped by month: the last price, the mean difficulty, fees and spot price. */
export function monthly(days: readonly MarketDay[]): MarketMonth[] {
  const byMonth = new Map<Month, MarketDay[]>();
  for (const d of days) {
    const m = monthOf(d.day);
    const list = byMonth.get(m);
    if (list) list.push(d);
    else byMonth.set(m, [d]);
  }
  return [...byMonth].map(([month, ds]) => {
    const spots = ds.filter((d) => d.spotUsdPerTh !== undefined).map((d) => centsToNumber(d.spotUsdPerTh!));
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      month,
      priceUsd: centsToNumber(ds.at(-1)!.btcUsd),
      difficulty: avg(ds.map((d) => d.difficulty)),
      feesPerBlockSats: avg(ds.map((d) => Number(d.feesPerBlockSats))),
      spotUsdPerTh: spots.length > 0 ? avg(spots) : null,
    };
  });
}
