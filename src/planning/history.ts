/** The market history a scenario is calibrated on, month by month, as of its day. */
import type { AppContext } from '../app/context.js';
import { addMonths, type Day, firstDayOfMonth, monthOf } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';
import { centsToNumber } from '../kernel/money.js';
import type { MarketMonthTotals } from '../market/model.js';
import { marketMonths } from '../market/service.js';
import { CALIBRATION_MONTHS, type MarketMonth } from './market.js';

/**
 * Monthly history from `months` before the as-of day's month to the as-of day itself, read summed
 * by month: a row a month, not a day (a five-year history is some 1,900 days).
 */
export async function marketHistory(ctx: AppContext, asOf: Day, months = CALIBRATION_MONTHS + 1) {
  const from = firstDayOfMonth(addMonths(monthOf(asOf), -months));
  const totals = await marketMonths(ctx, from, asOf);
  if (totals.at(-1)?.month !== monthOf(asOf)) {
    throw ruleBroken(
      'planning.no-market',
      `There is no market history up to ${asOf}; a scenario's as-of date must be within the market data (hashforge market import).`,
      'asOf',
    );
  }
  return monthly(totals);
}

/** The months' figures from their days' totals: the last price, the mean difficulty, fees and spot price. */
export function monthly(totals: readonly MarketMonthTotals[]): MarketMonth[] {
  return totals.map((t) => ({
    month: t.month,
    priceUsd: centsToNumber(t.lastBtcUsd),
    difficulty: t.difficulty / t.days,
    feesPerBlockSats: t.feesPerBlockSats / t.days,
    spotUsdPerTh: t.spotDays > 0 ? t.spotUsdPerTh / t.spotDays : null,
  }));
}
