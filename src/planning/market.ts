/**
 * The market of a scenario, month by month: the history it is calibrated on and the paths it
 * draws. Prices, difficulty and hashprice are rates (floats), as in src/market/model.ts; money
 * amounts are made from them in company.ts. Pure; no IO.
 */
import type { Month } from '../kernel/calendar.js';
import { addDays, firstDayOfMonth } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { expectedBtcPerThPerDay } from '../market/model.js';
import type { Random } from './random.js';
import { type Fit, linearFit, mean, stdev } from './statistics.js';

/** One month of the shipped history. */
export interface MarketMonth {
  month: Month;
  /** BTC/USD on the month's last day with a price. */
  priceUsd: number;
  /** Mean network difficulty of the month. */
  difficulty: number;
  feesPerBlockSats: number;
  /** Mean spot price of a new machine per TH/s, where known. */
  spotUsdPerTh: number | null;
}

/** Months of history a calibration needs at least: two years of returns. */
export const MIN_HISTORY_MONTHS = 24;
/** Months a calibration reads by default: five years, enough for a full cycle, short enough to be current. */
export const CALIBRATION_MONTHS = 60;

export interface Calibration {
  from: Month;
  to: Month;
  /** Mean and standard deviation of monthly log returns of BTC/USD. */
  meanLogReturn: number;
  volatilityMonthly: number;
  /** Monthly log growth of difficulty = intercept + slope × log return `lag` months before + noise. */
  difficulty: Fit & { lag: number };
  /** log spot USD/TH = intercept + slope × log hashprice of the month before + noise. */
  spot: Fit & { points: number };
  feesPerBlockSats: number;
  /** The history's last month, where paths start. */
  last: MarketMonth & { hashpriceUsdPerThDay: number };
  /** The calibration window's (log return, difficulty growth) pairs, for the bootstrap. */
  pairs: { logReturn: number; logGrowth: number }[];
}

const logReturns = (h: readonly MarketMonth[]) =>
  h.slice(1).map((m, i) => Math.log(m.priceUsd / h[i]!.priceUsd));
const logGrowths = (h: readonly MarketMonth[]) =>
  h.slice(1).map((m, i) => Math.log(m.difficulty / h[i]!.difficulty));

/** Expected BTC a day per TH/s at difficulty 1 in a month: divide by the difficulty for the real figure. */
export function rewardFactor(month: Month, feesPerBlockSats: number): number {
  const midMonth = addDays(firstDayOfMonth(month), 14);
  return expectedBtcPerThPerDay({
    difficulty: 1,
    day: midMonth,
    feesPerBlockSats: BigInt(Math.round(feesPerBlockSats)),
  });
}

export const hashpriceOf = (m: MarketMonth) =>
  (rewardFactor(m.month, m.feesPerBlockSats) / m.difficulty) * m.priceUsd;

/** Calibrates the market model on the `window` months of history up to its last month. */
export function calibrate(history: readonly MarketMonth[], window = CALIBRATION_MONTHS): Calibration {
  if (history.length < MIN_HISTORY_MONTHS) {
    throw invalid(
      'asOf',
      `A scenario needs at least ${MIN_HISTORY_MONTHS} months of market history before its as-of date; there are ${history.length}.`,
    );
  }
  const h = history.slice(-window - 1);
  const r = logReturns(h);
  const g = logGrowths(h);
  const lagged = (lag: number) => linearFit(r.slice(0, r.length - lag), g.slice(lag));
  // Difficulty follows price with a lag of a month or two (miners order, receive and plug in).
  const difficulty = [1, 2].map((lag) => ({ lag, ...lagged(lag) })).sort((a, b) => b.r2 - a.r2)[0]!;
  const spotPoints = h
    .slice(1)
    .map((m, i) => ({ spot: m.spotUsdPerTh, hp: hashpriceOf(h[i]!) }))
    .filter((p): p is { spot: number; hp: number } => p.spot !== null && p.spot > 0);
  const lastMonth = h.at(-1)!;
  const last = { ...lastMonth, hashpriceUsdPerThDay: hashpriceOf(lastMonth) };
  return {
    from: h[0]!.month,
    to: lastMonth.month,
    meanLogReturn: mean(r),
    volatilityMonthly: stdev(r),
    difficulty,
    spot: { ...spotLink(spotPoints, last), points: spotPoints.length },
    feesPerBlockSats: mean(h.slice(-3).map((m) => m.feesPerBlockSats)),
    last,
    pairs: r.map((logReturn, i) => ({ logReturn, logGrowth: g[i]! })),
  };
}

/**
 * The spot price of machines against last month's hashprice, fitted on logs where the history has
 * at least a year of spot prices; with fewer, spot moves one for one with hashprice from the last
 * known spot (or, with none, stays undefined at 0).
 */
function spotLink(points: { spot: number; hp: number }[], last: { spotUsdPerTh: number | null }): Fit {
  if (points.length >= 12) {
    return linearFit(
      points.map((p) => Math.log(p.hp)),
      points.map((p) => Math.log(p.spot)),
    );
  }
  const anchor = points.at(-1) ?? (last.spotUsdPerTh ? { spot: last.spotUsdPerTh, hp: 1 } : undefined);
  if (!anchor) return { intercept: Number.NEGATIVE_INFINITY, slope: 1, residual: 0, r2: 0 };
  return { intercept: Math.log(anchor.spot) - Math.log(anchor.hp), slope: 1, residual: 0, r2: 0 };
}

export type PriceModel =
  | { kind: 'gbm'; meanLogReturn: number; volatilityMonthly: number }
  | { kind: 'bootstrap'; blockMonths: number }
  | { kind: 'path'; pricesUsd: readonly number[] };

/** A price shock: BTC/USD multiplied by (1 + change) from month `at` (1 = the first month) on. */
export interface Shock {
  at: number;
  change: number;
}

/** The market of every path, month by month: index `path × months + month`. */
export interface MarketPaths {
  paths: number;
  months: number;
  priceUsd: Float64Array;
  difficulty: Float64Array;
  /** Expected BTC a day for 1 TH/s. */
  btcPerThDay: Float64Array;
  hashpriceUsdPerThDay: Float64Array;
  spotUsdPerTh: Float64Array;
  /**
   * Per path, two standard normals for the company's buyers (company.ts): their appetite (how far
   * the path's bookings stand off the fitted line) and their response (how far its elasticity
   * stands off the fitted one); 0 when nothing is random.
   */
  appetite: Float64Array;
  response: Float64Array;
}

export function emptyMarketPaths(paths: number, months: number): MarketPaths {
  const make = () => new Float64Array(paths * months);
  return {
    paths,
    months,
    priceUsd: make(),
    difficulty: make(),
    btcPerThDay: make(),
    hashpriceUsdPerThDay: make(),
    spotUsdPerTh: make(),
    appetite: new Float64Array(paths),
    response: new Float64Array(paths),
  };
}

/**
 * Draws paths `first` to `first + count - 1` into `out`. Every path has its own generator seeded
 * from the scenario's seed and its number, so a path is the same whether drawn alone or among
 * 10,000, in one slice or many. With no volatility nothing is random: difficulty follows its fitted
 * link without noise, so every path is the deterministic one.
 */
export function drawMarket(
  out: MarketPaths,
  first: number,
  count: number,
  c: Calibration,
  model: PriceModel,
  shocks: readonly Shock[],
  monthsAhead: readonly Month[],
  randomFor: (path: number) => Random,
): void {
  const H = out.months;
  const factor = monthsAhead.map((m) => rewardFactor(m, c.feesPerBlockSats));
  const shockAt = new Float64Array(H + 1);
  for (const s of shocks) shockAt[s.at] = (shockAt[s.at] ?? 0) + Math.log(1 + s.change);
  const noisy = !(model.kind === 'gbm' && model.volatilityMonthly === 0) && model.kind !== 'path';
  // A path's log returns month by month after the history's last two (the difficulty link reads one
  // `lag` months back): returns[m + 2] is month m's. One array for every path, written over.
  const returns = new Float64Array(H + 2);
  returns[0] = c.pairs.at(-2)!.logReturn;
  returns[1] = c.pairs.at(-1)!.logReturn;
  for (let p = first; p < first + count; p++) {
    const rnd = randomFor(p);
    let logP = Math.log(c.last.priceUsd);
    let logD = Math.log(c.last.difficulty);
    let prevHashprice = c.last.hashpriceUsdPerThDay;
    // The bootstrap's block of history: where it starts and how many of its months are left.
    let blockStart = 0;
    let blockLeft = 0;
    for (let m = 0; m < H; m++) {
      let r: number;
      let g: number | undefined;
      if (model.kind === 'gbm') r = model.meanLogReturn + model.volatilityMonthly * rnd.normal();
      else if (model.kind === 'path') r = Math.log(model.pricesUsd[m]!) - logP;
      else {
        if (blockLeft === 0) {
          blockStart = rnd.below(c.pairs.length - model.blockMonths + 1);
          blockLeft = model.blockMonths;
        }
        const pair = c.pairs[blockStart + model.blockMonths - blockLeft]!;
        blockLeft--;
        r = pair.logReturn;
        g = pair.logGrowth;
      }
      r += shockAt[m + 1]!;
      returns[m + 2] = r;
      logP += r;
      const d = c.difficulty;
      logD += g ?? d.intercept + d.slope * returns[m + 2 - d.lag]! + (noisy ? d.residual * rnd.normal() : 0);
      const i = p * H + m;
      const price = Math.exp(logP);
      const difficulty = Math.exp(logD);
      const btcPerThDay = factor[m]! / difficulty;
      out.priceUsd[i] = price;
      out.difficulty[i] = difficulty;
      out.btcPerThDay[i] = btcPerThDay;
      out.hashpriceUsdPerThDay[i] = btcPerThDay * price;
      out.spotUsdPerTh[i] = Math.exp(c.spot.intercept + c.spot.slope * Math.log(prevHashprice));
      prevHashprice = btcPerThDay * price;
    }
    // Drawn after the path's months, so the market's draws are those of a path without it.
    out.appetite[p] = noisy ? rnd.normal() : 0;
    out.response[p] = noisy ? rnd.normal() : 0;
  }
}
