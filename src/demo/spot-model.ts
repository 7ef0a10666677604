/**
 * The spot price of new mining machines (USD per TH/s) for the demo company. There is no free
 * public series of it, so the demo models it: a buyer pays for a machine what it is expected to
 * earn over a payback period, and buyers accept a longer payback when Bitcoin is rising (they
 * expect hashprice to rise too) and a shorter one when it is falling.
 *
 *   spot(d) = mean hashprice over the 30 days to d × payback(d)
 *   payback(d) = PAYBACK_DAYS × momentum(d)^MOMENTUM_EXPONENT, kept within [60, 500] days
 *   momentum(d) = mean BTC price over the 30 days to d ÷ mean BTC price over the 180 days to d
 *
 * The two constants were chosen by `fitSpotModel` against two sets of facts: the notes of the
 * 2020Q4 earnings call ("current price $50-100/TH" at the end of 2021Q1) and the revenue per TH/s
 * Canaan reported for 2020Q1-2022Q2 (data/market/canaan_quarterly.csv). data/demo/README.md shows
 * how close the model comes to each. Hashprice comes from the market model, so the spot price
 * follows the real price and difficulty history the demo loads. Pure: no IO.
 */
import {
  addDays,
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterOf,
} from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { type Cents, parseUsd } from '../kernel/money.js';
import { hashpriceUsdPerThDay, type MarketDay } from '../market/model.js';

export interface SpotModel {
  /** Payback period in days when the BTC price is at its 180-day mean. */
  paybackDays: number;
  /** How strongly the payback period follows momentum (0: not at all). */
  momentumExponent: number;
}

export const SPOT_MODEL: SpotModel = { paybackDays: 160, momentumExponent: 0.4 };

const HASHPRICE_WINDOW = 30;
const SHORT_WINDOW = 30;
const LONG_WINDOW = 180;
const MIN_PAYBACK = 60;
const MAX_PAYBACK = 500;

/** Days of market history the model needs before the first day it prices. */
export const SPOT_HISTORY_DAYS = Math.max(HASHPRICE_WINDOW, SHORT_WINDOW, LONG_WINDOW);

export interface SpotDay {
  day: Day;
  hashpriceUsdPerThDay: number;
  paybackDays: number;
  usdPerTh: Cents;
}

/** Running sums so every window mean is two subtractions, whatever the window. */
function prefixSums(values: readonly number[]): number[] {
  const sums = [0];
  for (const v of values) sums.push(sums.at(-1)! + v);
  return sums;
}

/**
 * The modelled spot USD/TH for every market day from `from` to `to`. `days` must be consecutive
 * market days in date order and reach back SPOT_HISTORY_DAYS before `from`.
 */
export function modelSpotPrices(
  days: readonly MarketDay[],
  from: Day,
  to: Day,
  model: SpotModel = SPOT_MODEL,
): SpotDay[] {
  const first = days.findIndex((d) => d.day >= from);
  if (first < 0) throw invalid('from', `There is no market day on or after ${from}.`);
  const start = first - SPOT_HISTORY_DAYS + 1;
  if (start < 0 || days[start]!.day !== addDays(days[first]!.day, 1 - SPOT_HISTORY_DAYS)) {
    throw invalid(
      'from',
      `The spot model needs ${SPOT_HISTORY_DAYS} consecutive days of market history up to ${from}; the market starts on ${days[0]?.day}.`,
    );
  }
  const hashprice = days.map((d) => hashpriceUsdPerThDay(d));
  const price = days.map((d) => Number(d.btcUsd) / 100);
  const hp = prefixSums(hashprice);
  const px = prefixSums(price);
  const mean = (sums: number[], end: number, window: number) =>
    (sums[end + 1]! - sums[end + 1 - window]!) / window;
  const out: SpotDay[] = [];
  for (let i = first; i < days.length && days[i]!.day <= to; i++) {
    const momentum = mean(px, i, SHORT_WINDOW) / mean(px, i, LONG_WINDOW);
    const payback = Math.min(
      MAX_PAYBACK,
      Math.max(MIN_PAYBACK, model.paybackDays * momentum ** model.momentumExponent),
    );
    const hashpriceMean = mean(hp, i, HASHPRICE_WINDOW);
    out.push({
      day: days[i]!.day,
      hashpriceUsdPerThDay: hashpriceMean,
      paybackDays: payback,
      // A float rate becomes money once, rounded half-even to the cent.
      usdPerTh: parseUsd(Number((hashpriceMean * payback).toFixed(6)), 'usdPerTh'),
    });
  }
  return out;
}

/** A quarter's reported revenue per TH/s sold, in USD (the real company's, for calibration). */
export interface ReportedQuarter {
  quarter: Quarter;
  usdPerTh: number;
}

/**
 * What the real company reports is revenue per TH/s *delivered*; most of it was signed earlier as
 * futures below the spot price. So the model is compared on its mean spot over the quarter and the
 * one before, times the typical share of spot a delivery fetches.
 */
export const DELIVERED_SHARE_OF_SPOT = 0.8;

export function modelledRevenuePerTh(spot: readonly SpotDay[], quarter: Quarter): number {
  const from = firstDayOfQuarter(quarterOf(addDays(firstDayOfQuarter(quarter), -1)));
  const to = lastDayOfQuarter(quarter);
  const inWindow = spot.filter((s) => s.day >= from && s.day <= to);
  if (inWindow.length === 0) throw invalid('quarter', `The spot series does not cover ${quarter}.`);
  const mean = inWindow.reduce((sum, s) => sum + Number(s.usdPerTh), 0) / inWindow.length / 100;
  return mean * DELIVERED_SHARE_OF_SPOT;
}

export interface FitResult {
  model: SpotModel;
  /** Root mean square of log(modelled ÷ reported) over the reported quarters. */
  rmsLogError: number;
}

/** What a fact says the mean spot USD/TH over some days must have been. */
export interface SpotConstraint {
  from: Day;
  to: Day;
  minUsdPerTh: number;
  maxUsdPerTh: number;
  /** The fact it comes from, for the README and for failures. */
  why: string;
}

export function meanSpotUsd(spot: readonly SpotDay[], from: Day, to: Day): number {
  const inRange = spot.filter((s) => s.day >= from && s.day <= to);
  if (inRange.length === 0) throw invalid('from', `The spot series does not cover ${from} to ${to}.`);
  return inRange.reduce((sum, s) => sum + Number(s.usdPerTh), 0) / inRange.length / 100;
}

/**
 * Grid search over the two constants: the smallest log error against the reported quarters among
 * the models that meet every constraint.
 */
export function fitSpotModel(
  days: readonly MarketDay[],
  reported: readonly ReportedQuarter[],
  constraints: readonly SpotConstraint[],
  grid = {
    paybackDays: Array.from({ length: 33 }, (_, i) => 80 + 10 * i),
    momentumExponent: Array.from({ length: 16 }, (_, i) => i / 10),
  },
): FitResult {
  const quarters = reported.map((r) => r.quarter).sort();
  const from = [
    firstDayOfQuarter(quarterOf(addDays(firstDayOfQuarter(quarters[0]!), -1))),
    ...constraints.map((c) => c.from),
  ].sort()[0]!;
  const to = [lastDayOfQuarter(quarters.at(-1)!), ...constraints.map((c) => c.to)].sort().at(-1)!;
  let best: FitResult | undefined;
  for (const paybackDays of grid.paybackDays) {
    for (const momentumExponent of grid.momentumExponent) {
      const model = { paybackDays, momentumExponent };
      const spot = modelSpotPrices(days, from, to, model);
      const meets = constraints.every((c) => {
        const mean = meanSpotUsd(spot, c.from, c.to);
        return mean >= c.minUsdPerTh && mean <= c.maxUsdPerTh;
      });
      if (!meets) continue;
      const squares = reported.map((r) => Math.log(modelledRevenuePerTh(spot, r.quarter) / r.usdPerTh) ** 2);
      const rmsLogError = Math.sqrt(squares.reduce((a, b) => a + b, 0) / squares.length);
      if (!best || rmsLogError < best.rmsLogError - 1e-12) best = { model, rmsLogError };
    }
  }
  if (!best) {
    throw invalid(
      'constraints',
      `No model in the grid meets every constraint: ${constraints.map((c) => c.why).join('; ')}.`,
    );
  }
  return best;
}
