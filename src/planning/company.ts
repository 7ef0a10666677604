/**
 * The company on one market path, month by month, from its books on the as-of day: hashprice and
 * spot → new bookings, futures cancelled or deferred when spot falls below what buyers locked →
 * production from the supply plan and from the wafers the chip-order rule orders on the path →
 * deliveries from stock (backlog first) → revenue, contract liabilities, stock at the lower of cost
 * and spot (the write-down) → self-mining's share of production and the BTC it mines → USD cash and
 * BTC held under the hold policy. Pure; no IO.
 *
 * Money inside the engine is whole cents held in doubles (exact up to 2^53 cents, $90 trillion),
 * rounded at every step: 10,000 paths × 60 months in bigint arithmetic would be ten times slower.
 * Figures leave as bigint cents and sats (simulate.ts).
 */
import { type DemandThresholds, orderShareOf } from '../supply/demand.js';
import type { MarketPaths } from './market.js';

/** What the books say on the as-of day, and the rules the scenario states. */
export interface CompanyStart {
  /** Deliveries already scheduled, by month of the horizon (late ones in the first), cents and TH/s. */
  scheduledCents: readonly number[];
  scheduledTh: readonly number[];
  /** Scheduled deliveries beyond the horizon (still backlog at its end). */
  laterCents: number;
  /** The share of the scheduled value that is futures (the part buyers may cancel or defer). */
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
  /** Futures due in a month are deferred to the next when spot is this share below the locked price... */
  deferBelow: number;
  /** ...this share of them (a deferral moves revenue later; it forfeits nothing). */
  deferShare: number;
  /** What a TH/s of machines costs to build: paid when built, carried in inventory until delivered. */
  costPerThUsd: number;
  fixedCostsCentsPerMonth: number;
  supply: SupplyStart;
  selfMining: { installedTh: number; energyUsdPerThDay: number };
  /** USD cash; BTC held under the hold policy: mined BTC is kept, never sold to pay bills. */
  treasury: { btcSats: number; usdCents: number };
  daysInMonth: readonly number[];
}

/** The supply plan and the chip-order rule's inputs, in TH/s of the current model. */
export interface SupplyStart {
  /** What the supply plan builds each month of the horizon from wafers already ordered. */
  plannedTh: readonly number[];
  /** Machines in stock on the as-of day. */
  stockTh: number;
  /** Wafers the agreements in force can take each month, as TH/s, and their take-or-pay minimum. */
  capacityTh: readonly number[];
  takeOrPayTh: readonly number[];
  /** TH/s of machines one wafer makes, and months from a wafer order to its machines. */
  thPerWafer: number;
  waferLeadMonths: number;
  /** Self-mining's share of production (basis points) while a machine earns more than its power. */
  selfMiningBp: number;
  /** The buyer's power cost per TH/s a day, for payback. */
  powerUsdPerThDay: number;
  thresholds: DemandThresholds;
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
  'deferred',
  'inventory',
  'writeDown',
  'wafers',
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

const SATS = 1e8;

/**
 * The queues of what is due, by month: the backlog's futures, the rest of the backlog, and the
 * futures and pre-orders booked on the path. Deliveries serve them in that order (older promises
 * first), spot buyers after them; a promise that cannot be delivered waits for the next month.
 */
interface Queue {
  cents: Float64Array;
  th: Float64Array;
}
const queue = (months: number): Queue => ({ cents: new Float64Array(months), th: new Float64Array(months) });

/** Adds value (and its TH/s) due in month `due`; what falls after the horizon is returned. */
function add(q: Queue, due: number, cents: number, th: number): number {
  if (due >= q.cents.length) return cents;
  q.cents[due] = q.cents[due]! + cents;
  q.th[due] = q.th[due]! + th;
  return 0;
}

/** Delivers up to `th` TH/s of what queue `q` has due in month m; the rest waits a month. */
function deliver(q: Queue, m: number, th: number, later: { cents: number }): { cents: number; th: number } {
  const dueTh = q.th[m]!;
  const share = dueTh <= th ? 1 : dueTh > 0 ? th / dueTh : 0;
  const cents = Math.round(q.cents[m]! * share);
  const waiting = q.cents[m]! - cents;
  if (waiting > 0) later.cents += add(q, m + 1, waiting, dueTh * (1 - share));
  return { cents, th: dueTh * share };
}

/** Runs paths `first`..`first + count - 1` of the company on the market's same paths. */
export function runCompany(
  out: CompanyPaths,
  first: number,
  count: number,
  start: CompanyStart,
  market: MarketPaths,
): void {
  const H = market.months;
  const fut = queue(H);
  const oth = queue(H);
  const booked = queue(H); // futures and pre-orders booked on the path
  const ordered = new Float64Array(H);
  const s = start.supply;
  const d = start.depositShare;
  const cost = start.costPerThUsd * 100;
  for (let p = first; p < first + count; p++) {
    for (let m = 0; m < H; m++) {
      fut.cents[m] = start.scheduledCents[m]! * start.futuresShare;
      fut.th[m] = start.scheduledTh[m]! * start.futuresShare;
      oth.cents[m] = start.scheduledCents[m]! - fut.cents[m]!;
      oth.th[m] = start.scheduledTh[m]! - fut.th[m]!;
      booked.cents[m] = 0;
      booked.th[m] = 0;
      ordered[m] = 0;
    }
    const later = { cents: start.laterCents };
    let liabilities = start.liabilitiesCents;
    let cash = start.treasury.usdCents;
    let minCash = cash;
    let btcHeld = start.treasury.btcSats;
    let selfTh = start.selfMining.installedTh;
    let stockTh = s.stockTh;
    let stockCost = cost; // carrying cost per TH/s, in cents: written down, never up
    for (let m = 0; m < H; m++) {
      const i = p * H + m;
      const spot = market.spotUsdPerTh[i]!;
      const hashprice = market.hashpriceUsdPerThDay[i]!;
      const days = start.daysInMonth[m]!;

      // Futures buyers react to spot against what they locked: below the deferral threshold they put
      // off a share of the month's deliveries; further below, they also cancel a share of the rest.
      let cancelled = 0;
      let deferred = 0;
      if (spot < start.lockedUsdPerTh * (1 - start.cancelBelow)) {
        for (let k = m; k < H; k++) {
          const c = Math.round(fut.cents[k]! * start.cancelShare);
          cancelled += c;
          fut.cents[k] = fut.cents[k]! - c;
          fut.th[k] = fut.th[k]! * (1 - start.cancelShare);
        }
      }
      if (spot < start.lockedUsdPerTh * (1 - start.deferBelow)) {
        deferred = Math.round(fut.cents[m]! * start.deferShare);
        const th = fut.th[m]! * start.deferShare;
        fut.cents[m] = fut.cents[m]! - deferred;
        fut.th[m] = fut.th[m]! - th;
        later.cents += add(fut, m + 1, deferred, th);
      }
      const forfeited = Math.round(cancelled * d);

      // Demand at this month's hashprice: futures and pre-orders are booked for delivery after the
      // lead time; spot buyers take what stock is left once promises are served (below), or go elsewhere.
      const demandCents =
        start.bookingsHashprice > 0
          ? Math.round(
              start.bookingsCentsPerMonth * (hashprice / start.bookingsHashprice) ** start.elasticity,
            )
          : 0;
      const spotDemand = Math.round(demandCents * start.spotShare);
      const forward = demandCents - spotDemand;
      const thOf = (cents: number) => (spot > 0 ? cents / 100 / spot : 0);
      later.cents += add(booked, m + start.leadMonths, forward, thOf(forward));

      // The chip-order rule on this path: wafers for what is due when they come out that the plan
      // does not build, a share of the free capacity set by payback, at least the take-or-pay minimum.
      const net = hashprice - s.powerUsdPerThDay;
      const payback = net > 0 ? spot / net : Number.POSITIVE_INFINITY;
      const share = orderShareOf(payback, net > 0, s.selfMiningBp, s.thresholds);
      const outMonth = m + s.waferLeadMonths;
      const dueThen =
        outMonth < H
          ? fut.th[outMonth]! +
            oth.th[outMonth]! +
            booked.th[outMonth]! -
            s.plannedTh[outMonth]! * (1 - share.selfShare)
          : 0;
      const contracted = Math.min(s.capacityTh[m]!, Math.max(0, dueThen));
      ordered[m] = Math.max(
        s.takeOrPayTh[m]!,
        contracted + share.orderShare * (s.capacityTh[m]! - contracted),
      );

      // Production: the plan's machines and those of this path's earlier wafer orders, built and
      // paid this month; self-mining takes its share, the rest goes to stock at cost.
      const produced = s.plannedTh[m]! + (m >= s.waferLeadMonths ? ordered[m - s.waferLeadMonths]! : 0);
      const toSelf = produced * share.selfShare;
      const toStock = produced - toSelf;
      if (stockTh + toStock > 0) stockCost = (stockTh * stockCost + toStock * cost) / (stockTh + toStock);
      stockTh += toStock;
      selfTh += toSelf;

      let revenue = 0;
      let deliveredTh = 0;
      for (const q of [fut, oth, booked]) {
        const done = deliver(q, m, stockTh - deliveredTh, later);
        revenue += done.cents;
        deliveredTh += done.th;
      }
      const spotTh = Math.min(thOf(spotDemand), Math.max(0, stockTh - deliveredTh));
      const spotSold = Math.round(spotTh * spot * 100);
      revenue += spotSold;
      deliveredTh += spotTh;
      stockTh = Math.max(0, stockTh - deliveredTh);
      const cogs = Math.round(deliveredTh * stockCost);
      // Stock is carried at the lower of its cost and what a new machine sells for.
      let writeDown = 0;
      if (spot * 100 < stockCost) {
        writeDown = Math.round(stockTh * (stockCost - spot * 100));
        stockCost = spot * 100;
      }

      const mined = Math.round(selfTh * market.btcPerThDay[i]! * days * SATS);
      const energy = Math.round(selfTh * start.selfMining.energyUsdPerThDay * days * 100);
      const deposits = Math.round(forward * d);
      // Promises were paid ahead by the deposit share; spot is paid in full on delivery.
      const promised = revenue - spotSold;
      liabilities = Math.max(0, liabilities + deposits - Math.round(promised * d) - forfeited);
      cash +=
        deposits +
        Math.round(promised * (1 - d)) +
        spotSold -
        Math.round(produced * cost) -
        energy -
        start.fixedCostsCentsPerMonth;
      minCash = Math.min(minCash, cash);
      btcHeld += mined;
      let backlog = later.cents;
      for (let k = m + 1; k < H; k++) backlog += fut.cents[k]! + oth.cents[k]! + booked.cents[k]!;

      out.revenue[i] = revenue;
      out.grossMargin[i] = revenue - cogs - writeDown + forfeited;
      out.cash[i] = cash;
      out.liabilities[i] = liabilities;
      out.backlog[i] = backlog;
      out.btcHeld[i] = btcHeld;
      out.btcMined[i] = mined;
      out.selfMiningEh[i] = selfTh / TH_PER_EH;
      out.cancelled[i] = cancelled;
      out.deferred[i] = deferred;
      out.inventory[i] = Math.round(stockTh * stockCost);
      out.writeDown[i] = writeDown;
      out.wafers[i] = s.thPerWafer > 0 ? Math.round(ordered[m]! / s.thPerWafer) : 0;
    }
    out.minCash[p] = minCash;
  }
}
