/**
 * How the company's machine bookings moved with hashprice, calibrated on its own books before the
 * as-of day: log quarterly bookings (USD) against log mean hashprice some months before, by least
 * squares. The lag with the best fit (0-3 months: buyers see the earnings, then sign) is kept; the
 * fitted line gives the level, its slope the elasticity. A few years of quarters pin neither down
 * well, and the paths say so: each draws its appetite (a level off the line) from the residual
 * spread and its elasticity from the slope's standard error. Pure; no IO.
 */
import { addMonths, type Month, type Quarter, quarterMonths } from '../kernel/calendar.js';
import { linearFit, mean } from './statistics.js';

/** Quarters with bookings a fit needs at least; with fewer, bookings keep the last year's pace. */
export const MIN_FIT_QUARTERS = 4;
/** The lags tried, in months. */
const LAGS = [0, 1, 2, 3];
/** An elasticity beyond 0-3 says more about a short history than about buyers. */
const MAX_ELASTICITY = 3;
const MONTHS_PER_QUARTER = 3;

export interface BookedQuarter {
  quarter: Quarter;
  machinesCents: number;
}

export interface BookingsFit {
  /** Bookings a month at `atHashprice`; they move as (hashprice `lagMonths` before ÷ it) ^ elasticity. */
  centsPerMonth: number;
  atHashprice: number;
  elasticity: number;
  lagMonths: number;
  /** Standard deviation of log quarterly bookings around the fit (0 when not fitted). */
  sigma: number;
  /** Standard error of the elasticity (0 when not fitted). */
  elasticitySe: number;
  /** Quarters the fit read; 0 when it fell back to the last year's pace. */
  points: number;
  r2: number;
}

/**
 * The fit over the quarters with bookings. A quarter counts only when the hashprice of each of its
 * months, lagged, is known. The line passes through the means, so its level is read at the mean
 * log hashprice of the points.
 */
export function fitBookings(
  quarters: readonly BookedQuarter[],
  hashpriceIn: (m: Month) => number | undefined,
): BookingsFit {
  const fits = LAGS.map((lag) => fitAt(quarters, hashpriceIn, lag)).filter(
    (f): f is BookingsFit => f !== undefined,
  );
  const best = fits.sort((a, b) => b.r2 - a.r2 || a.lagMonths - b.lagMonths)[0];
  return best ?? lastYearsPace(quarters, hashpriceIn);
}

function meanHashprice(q: Quarter, lag: number, hashpriceIn: (m: Month) => number | undefined) {
  const hps = quarterMonths(q).map((m) => hashpriceIn(addMonths(m, -lag)));
  return hps.every((h): h is number => h !== undefined && h > 0) ? mean(hps as number[]) : undefined;
}

function fitAt(
  quarters: readonly BookedQuarter[],
  hashpriceIn: (m: Month) => number | undefined,
  lag: number,
): BookingsFit | undefined {
  const points = quarters.flatMap((q) => {
    const hp = meanHashprice(q.quarter, lag, hashpriceIn);
    return hp !== undefined && q.machinesCents > 0 ? [{ x: Math.log(hp), y: Math.log(q.machinesCents) }] : [];
  });
  if (points.length < MIN_FIT_QUARTERS) return undefined;
  const x = points.map((p) => p.x);
  const y = points.map((p) => p.y);
  const fit = linearFit(x, y);
  const elasticity = Math.min(MAX_ELASTICITY, Math.max(0, fit.slope));
  const mx = mean(x);
  const my = mean(y);
  // Residuals around the line as kept (the slope may have been bounded), n − 2 degrees of freedom.
  const sigma = Math.sqrt(
    points.reduce((s, p) => s + (p.y - my - elasticity * (p.x - mx)) ** 2, 0) / (points.length - 2),
  );
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  return {
    centsPerMonth: Math.exp(my) / MONTHS_PER_QUARTER,
    atHashprice: Math.exp(mx),
    elasticity,
    lagMonths: lag,
    sigma,
    elasticitySe: sxx > 0 ? sigma / Math.sqrt(sxx) : 0,
    points: points.length,
    r2: fit.r2,
  };
}

/** Too few quarters to fit: the last four quarters' pace at their mean hashprice, elasticity 1. */
function lastYearsPace(
  quarters: readonly BookedQuarter[],
  hashpriceIn: (m: Month) => number | undefined,
): BookingsFit {
  const year = quarters.slice(-4);
  const hps = year
    .map((q) => meanHashprice(q.quarter, 0, hashpriceIn))
    .filter((h): h is number => h !== undefined);
  return {
    centsPerMonth: year.reduce((s, q) => s + q.machinesCents, 0) / (year.length * MONTHS_PER_QUARTER || 1),
    atHashprice: mean(hps),
    elasticity: 1,
    lagMonths: 0,
    sigma: 0,
    elasticitySe: 0,
    points: 0,
    r2: 0,
  };
}
