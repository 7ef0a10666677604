/**
 * The company on one market path, month by month, from its books on the as-of day: deliveries of
 * the backlog and of new bookings, futures cancelled when spot falls well below what buyers
 * locked, revenue, gross margin, contract liabilities, USD cash, and the self-mining fleet's BTC.
 * Pure; no IO.
 *
 * Money inside the engine is whole cents held in doubles (exact up to 2^53 cents, $90 trillion),
 * rounded at every step: 10,000 paths × 60 months in bigint arithmetic would be ten times slower.
 * Figures leave as bigint cents and sats (simulate.ts).
 */
import type { MarketPaths } from './market.js';

/** What the books say on the as-of day, and the rules the scenario states. */
export interface CompanyStart {
  /** Deliveries already scheduled, by month of the horizon (late ones in the first), cents and TH/s. */
  scheduledCents: readonly number[];
  scheduledTh: readonly number[];
  /** Scheduled deliveries beyond the horizon (still backlog at its end). */
  laterCents: number;
  /** The share of the scheduled value that is futures (the part buyers may cancel). */
  futuresShare: number;
  /** USD/TH the backlog's buyers locked on average. */
  lockedUsdPerTh: number;
  liabilitiesCents: number;
  /** Mean monthly bookings of the year before the as-of day, and the hashprice they were made at. */
  bookingsCentsPerMonth: number;
  bookingsHashprice: number;
  /** New bookings move as hashprice to this power. */
  elasticity: number;
  /** Months from a new futures or pre-order booking to its delivery; spot ships the month it is booked. */
  leadMonths: number;
  /** The share of new bookings that is spot. */
  spotShare: number;
  /** The share of a contract's value paid before delivery (a contract liability until then). */
  depositShare: number;
  /** Futures are cancelled when spot is this share below the locked price... */
  cancelBelow: number;
  /** ...this share of the remaining futures a month, deposits forfeited. */
  cancelShare: number;
  costPerThUsd: number;
  fixedCostsCentsPerMonth: number;
  selfMining: { installedTh: number; addThPerMonth: number; energyUsdPerThDay: number };
  treasury: { btcSats: number; usdCents: number };
  daysInMonth: readonly number[];
}

export const FIGURES = [
  'revenue',
  'grossMargin',
  'cash',
  'liabilities',
  'backlog',
  'btcHeld',
  'btcMined',
  'selfMiningEh',
  'cancelled',
] as const;
export type Figure = (typeof FIGURES)[number];
export type CompanyPaths = Record<Figure, Float64Array> & { minCash: Float64Array };

export function emptyCompanyPaths(paths: number, months: number): CompanyPaths {
  const out = Object.fromEntries(FIGURES.map((f) => [f, new Float64Array(paths * months)])) as Record<
    Figure,
    Float64Array
  >;
  return { ...out, minCash: new Float64Array(paths) };
}

const TH_PER_EH = 1e6;

/** Puts a booking's delivery in month `due` of the schedule; what falls after the horizon is returned. */
function schedule(
  cents: Float64Array,
  th: Float64Array,
  due: number,
  value: number,
  spotUsdPerTh: number,
): number {
  if (due >= cents.length) return value;
  cents[due] = cents[due]! + value;
  th[due] = th[due]! + (spotUsdPerTh > 0 ? value / 100 / spotUsdPerTh : 0);
  return 0;
}
const SATS = 1e8;

/** Runs paths `first`..`first + count - 1` of the company on the market's same paths. */
export function runCompany(
  out: CompanyPaths,
  first: number,
  count: number,
  start: CompanyStart,
  market: MarketPaths,
): void {
  const H = market.months;
  const futCents = new Float64Array(H);
  const futTh = new Float64Array(H);
  const othCents = new Float64Array(H);
  const othTh = new Float64Array(H);
  const d = start.depositShare;
  for (let p = first; p < first + count; p++) {
    for (let m = 0; m < H; m++) {
      futCents[m] = start.scheduledCents[m]! * start.futuresShare;
      futTh[m] = start.scheduledTh[m]! * start.futuresShare;
      othCents[m] = start.scheduledCents[m]! - futCents[m]!;
      othTh[m] = start.scheduledTh[m]! - futTh[m]!;
    }
    let later = start.laterCents;
    let liabilities = start.liabilitiesCents;
    let cash = start.treasury.usdCents;
    let minCash = cash;
    let btcHeld = start.treasury.btcSats;
    for (let m = 0; m < H; m++) {
      const i = p * H + m;
      const spot = market.spotUsdPerTh[i]!;
      const hashprice = market.hashpriceUsdPerThDay[i]!;
      const days = start.daysInMonth[m]!;

      let cancelled = 0;
      if (spot < start.lockedUsdPerTh * (1 - start.cancelBelow)) {
        for (let k = m; k < H; k++) {
          const c = Math.round(futCents[k]! * start.cancelShare);
          cancelled += c;
          futCents[k] = futCents[k]! - c;
          futTh[k] = futTh[k]! * (1 - start.cancelShare);
        }
      }
      const forfeited = Math.round(cancelled * d);

      const booked =
        start.bookingsHashprice > 0
          ? Math.round(
              start.bookingsCentsPerMonth * (hashprice / start.bookingsHashprice) ** start.elasticity,
            )
          : 0;
      const bookedSpot = Math.round(booked * start.spotShare);
      later += schedule(othCents, othTh, m, bookedSpot, spot);
      later += schedule(othCents, othTh, m + start.leadMonths, booked - bookedSpot, spot);

      const revenue = futCents[m]! + othCents[m]!;
      const cost = Math.round((futTh[m]! + othTh[m]!) * start.costPerThUsd * 100);
      const th = start.selfMining.installedTh + start.selfMining.addThPerMonth * (m + 1);
      const mined = Math.round(th * market.btcPerThDay[i]! * days * SATS);
      const energy = Math.round(th * start.selfMining.energyUsdPerThDay * days * 100);
      const deposits = Math.round(booked * d);
      liabilities = Math.max(0, liabilities + deposits - Math.round(revenue * d) - forfeited);
      cash += deposits + Math.round(revenue * (1 - d)) - cost - energy - start.fixedCostsCentsPerMonth;
      minCash = Math.min(minCash, cash);
      btcHeld += mined;
      let backlog = later;
      for (let k = m + 1; k < H; k++) backlog += futCents[k]! + othCents[k]!;

      out.revenue[i] = revenue;
      out.grossMargin[i] = revenue - cost + forfeited;
      out.cash[i] = cash;
      out.liabilities[i] = liabilities;
      out.backlog[i] = backlog;
      out.btcHeld[i] = btcHeld;
      out.btcMined[i] = mined;
      out.selfMiningEh[i] = th / TH_PER_EH;
      out.cancelled[i] = cancelled;
    }
    out.minCash[p] = minCash;
  }
}
