/**
 * The company on one market path, month by month, from its books on the as-of day: hashprice and
 * spot → new bookings, futures cancelled or deferred when spot falls below what buyers locked →
 * production from the supply plan and from the wafers the chip-order rule orders on the path →
 * deliveries in supply's order (promises, then self-mining's share of production, then spot buyers)
 * → revenue (machines and AI chips, as the quarterly report counts it), contract liabilities, stock
 * at the lower of cost and spot (the write-down) → the BTC self-mining mines → USD cash and BTC held
 * under the hold policy. Pure; no IO.
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
  /** Contract liabilities ÷ backlog on the as-of day: the share of the open book already paid. */
  prepaidShare: number;
  /**
   * Machines booked a month at hashprice `bookingsHashprice` (calibrated on the books, bookings.ts):
   * new bookings move as the hashprice `bookingsLagMonths` before to the power of the path's
   * elasticity, `elasticity` + `elasticitySe` × z₂ (kept within 0-3), times the path's appetite,
   * exp(bookingsSigma × z₁ − bookingsSigma² / 2); z₁ and z₂ are the path's own normals.
   */
  bookingsCentsPerMonth: number;
  bookingsHashprice: number;
  elasticity: number;
  elasticitySe: number;
  bookingsLagMonths: number;
  bookingsSigma: number;
  /** Hashprice of the months before the horizon, the as-of month last: what a lagged booking reads. */
  hashpriceBefore: readonly number[];
  /**
   * When a futures or pre-order booking is due: the share due k months after it is booked (index
   * 0: the month itself). Spot ships the month it is booked.
   */
  leadProfile: readonly number[];
  /** The share of new machine bookings that is spot. */
  spotShare: number;
  /** What buyers of futures and pre-orders lock, as a share of spot: a booked dollar buys 1 ÷ (this × spot) TH/s. */
  futuresDiscount: number;
  /**
   * AI-chip revenue a month: chips sell to device makers at a unit price, not by hashprice, so they
   * keep the pace of the last quarter on every path. The books carry no cost of chips (no builds),
   * so their revenue counts in full in gross margin and in cash.
   */
  aiChipsCentsPerMonth: number;
  /**
   * The share of a new forward booking's value paid as a deposit when it is signed (a contract
   * liability until delivery); the rest is paid on delivery.
   */
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

/** What a delivery moved: written by `deliver` into one record a run keeps, not a new one per call. */
interface Delivered {
  cents: number;
  th: number;
}

/** Delivers up to `th` TH/s of what queue `q` has due in month m into `done`; the rest waits a month. */
function deliver(q: Queue, m: number, th: number, later: { cents: number }, done: Delivered): void {
  const dueTh = q.th[m]!;
  const share = dueTh <= th ? 1 : dueTh > 0 ? th / dueTh : 0;
  const cents = Math.round(q.cents[m]! * share);
  const waiting = q.cents[m]! - cents;
  if (waiting > 0) later.cents += add(q, m + 1, waiting, dueTh * (1 - share));
  done.cents = cents;
  done.th = dueTh * share;
}

/** The hashprice buyers book at in month m: `lag` months before, from the history before the horizon. */
function laggedHashprice(start: CompanyStart, market: MarketPaths, row: number, m: number): number {
  const k = m - start.bookingsLagMonths;
  if (k >= 0) return market.hashpriceUsdPerThDay[row + k]!;
  const before = start.hashpriceBefore;
  return before[Math.max(0, before.length + k)] ?? start.bookingsHashprice;
}

/** How a path's buyers book: their level off the fitted line and their elasticity (see CompanyStart). */
interface Buyers {
  appetite: number;
  elasticity: number;
}

const MAX_ELASTICITY = 3;

/** TH/s that `cents` buy at `usdPerTh`; none at no price. */
const thAt = (cents: number, usdPerTh: number) => (usdPerTh > 0 ? cents / 100 / usdPerTh : 0);

function buyersOf(start: CompanyStart, market: MarketPaths, p: number): Buyers {
  const sigma = start.bookingsSigma;
  return {
    appetite: sigma > 0 ? Math.exp(sigma * market.appetite[p]! - (sigma * sigma) / 2) : 1,
    elasticity: Math.min(
      MAX_ELASTICITY,
      Math.max(0, start.elasticity + start.elasticitySe * market.response[p]!),
    ),
  };
}

/** Machines booked in a month on a path, in cents, before the spot/forward split. */
function bookedCents(start: CompanyStart, hashprice: number, buyers: Buyers): number {
  if (start.bookingsHashprice <= 0 || hashprice <= 0) return 0;
  return Math.round(
    start.bookingsCentsPerMonth *
      (hashprice / start.bookingsHashprice) ** buyers.elasticity *
      buyers.appetite,
  );
}

/** Spreads a forward booking over its due months by the lead profile; what falls after the horizon is returned. */
function bookForward(q: Queue, start: CompanyStart, m: number, cents: number, th: number): number {
  const profile = start.leadProfile;
  let left = cents;
  let beyond = 0;
  for (let k = 0; k < profile.length; k++) {
    const w = profile[k]!;
    if (w === 0) continue;
    const part = k === profile.length - 1 ? left : Math.round(cents * w);
    left -= part;
    beyond += add(q, m + k, part, th * w);
  }
  return beyond;
}

/**
 * The chip-order rule's contracted part in month m: the promises due by the time wafers ordered now
 * come out (those already late included: they wait in the next month's queue) that the stock left,
 * the plan and the wafers ordered earlier will not have built by then. Self-mining takes only what
 * promises leave, so it is not counted against them.
 *
 * The rule orders for these wafers, a share of the free capacity set by payback, and at least the
 * take-or-pay minimum. Supply's recommendation has no demand model and offers spot buyers all free
 * capacity; a path has one, so its free capacity is what its own buyers would take at this month's
 * pace (spot buyers, and forward buyers not booked yet who will be due by then), grossed up for
 * self-mining's share. Without that cap the rule built the agreements' whole capacity in any month
 * with a short payback, whatever the path's buyers booked, and stock and its cash piled up (the
 * 2021 back-test: inventory of $0.5B on the median path, cash below zero by mid-year). Without the
 * late promises, a path whose promises waited for machines ordered no wafers for them.
 */
function owedWhenOut(
  m: number,
  s: SupplyStart,
  queues: readonly Queue[],
  ordered: Float64Array,
  stockTh: number,
): number {
  const out = m + s.waferLeadMonths;
  let owed = -stockTh;
  for (let k = m + 1; k <= out; k++) {
    for (const q of queues) owed += q.th[k]!;
    owed -= s.plannedTh[k]!;
    if (k < out && k >= s.waferLeadMonths) owed -= ordered[k - s.waferLeadMonths]!;
  }
  return owed;
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
  // Served in this order: the backlog's futures, the rest of the backlog, then what the path booked.
  const queues = [fut, oth, booked] as const;
  const done: Delivered = { cents: 0, th: 0 };
  const ordered = new Float64Array(H);
  const s = start.supply;
  const d = start.depositShare;
  const cost = start.costPerThUsd * 100;
  // Of a month's forward bookings, the share due before wafers ordered now come out: buyers the
  // chip-order rule must build for that the order book does not hold yet.
  const dueSoon = start.leadProfile.slice(0, s.waferLeadMonths + 1).reduce((a, b) => a + b, 0);
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
    const buyers = buyersOf(start, market, p);
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
      const forfeited = Math.round(cancelled * start.prepaidShare);

      // The chip-order rule's view of the month: what a machine nets a day and how soon it pays back.
      const net = hashprice - s.powerUsdPerThDay;
      const payback = net > 0 ? spot / net : Number.POSITIVE_INFINITY;
      const share = orderShareOf(payback, net > 0, s.selfMiningBp, s.thresholds);

      // Demand at the hashprice buyers book at: futures and pre-orders are booked at the discount to
      // spot they lock and are due over the lead profile; spot buyers take what stock is left once
      // promises and self-mining are served (below) — and none while a machine earns less than its
      // power, as supply's rule has it — or go elsewhere.
      const demandCents = bookedCents(start, laggedHashprice(start, market, p * H, m), buyers);
      const spotDemand = net > 0 ? Math.round(demandCents * start.spotShare) : 0;
      const forward = Math.round(demandCents * (1 - start.spotShare));
      // Where the market has no spot price of machines, what the backlog's buyers locked stands in
      // for it: a dollar booked always buys machines that must be built before they are delivered.
      const usdPerTh = spot > 0 ? spot : start.lockedUsdPerTh;
      const forwardTh = thAt(forward, usdPerTh * start.futuresDiscount);
      later.cents += bookForward(booked, start, m, forward, forwardTh);

      // Production: the plan's machines and those of this path's earlier wafer orders, built and
      // paid this month, into stock at cost.
      const produced = s.plannedTh[m]! + (m >= s.waferLeadMonths ? ordered[m - s.waferLeadMonths]! : 0);
      if (stockTh + produced > 0) stockCost = (stockTh * stockCost + produced * cost) / (stockTh + produced);
      stockTh += produced;

      // Where the machines go, in supply's order (allocation.ts): promises due first (older ones
      // before those booked on the path), then self-mining its share of the month's production from
      // what is left, then spot buyers.
      let revenue = 0;
      let deliveredTh = 0;
      let fromOpenBook = 0;
      for (let k = 0; k < queues.length; k++) {
        const q = queues[k]!;
        deliver(q, m, stockTh - deliveredTh, later, done);
        revenue += done.cents;
        deliveredTh += done.th;
        if (q !== booked) fromOpenBook += done.cents;
      }
      const toSelf = Math.min(produced * share.selfShare, Math.max(0, stockTh - deliveredTh));
      selfTh += toSelf;
      const spotTh = Math.min(thAt(spotDemand, usdPerTh), Math.max(0, stockTh - deliveredTh - toSelf));
      const spotSold = Math.round(spotTh * usdPerTh * 100);
      revenue += spotSold;
      deliveredTh += spotTh;
      stockTh = Math.max(0, stockTh - deliveredTh - toSelf);
      const cogs = Math.round(deliveredTh * stockCost);
      // Stock is carried at the lower of its cost and what a new machine sells for.
      let writeDown = 0;
      if (spot * 100 < stockCost) {
        writeDown = Math.round(stockTh * (stockCost - spot * 100));
        stockCost = spot * 100;
      }
      const chips = start.aiChipsCentsPerMonth;

      // The chip-order rule, once the month's machines have gone where they go.
      const buyersTh =
        share.selfShare < 1
          ? (thAt(spotDemand, usdPerTh) + forwardTh * dueSoon) / (1 - share.selfShare)
          : Number.POSITIVE_INFINITY;
      const owed = m + s.waferLeadMonths < H ? owedWhenOut(m, s, queues, ordered, stockTh) : 0;
      const contracted = Math.min(s.capacityTh[m]!, Math.max(0, owed));
      const free = Math.min(s.capacityTh[m]! - contracted, buyersTh);
      ordered[m] = Math.max(s.takeOrPayTh[m]!, contracted + share.orderShare * free);

      const mined = Math.round(selfTh * market.btcPerThDay[i]! * days * SATS);
      const energy = Math.round(selfTh * start.selfMining.energyUsdPerThDay * days * 100);
      // Cash as the contracts have it: a new forward booking pays its deposit when signed and the rest
      // on delivery; the open book was paid ahead by its prepaid share; spot machines and chips are
      // paid in full on delivery. A delivery's prepaid part leaves the contract liabilities.
      const deposits = Math.round(forward * d);
      const fromBooked = revenue - spotSold - fromOpenBook;
      const prepaidUsed = Math.round(fromOpenBook * start.prepaidShare) + Math.round(fromBooked * d);
      liabilities = Math.max(0, liabilities + deposits - prepaidUsed - forfeited);
      cash +=
        deposits +
        (fromOpenBook + fromBooked - prepaidUsed) +
        spotSold +
        chips -
        Math.round(produced * cost) -
        energy -
        start.fixedCostsCentsPerMonth;
      minCash = Math.min(minCash, cash);
      btcHeld += mined;
      let backlog = later.cents;
      for (let k = m + 1; k < H; k++) backlog += fut.cents[k]! + oth.cents[k]! + booked.cents[k]!;

      out.revenue[i] = revenue + chips;
      out.grossMargin[i] = revenue + chips - cogs - writeDown + forfeited;
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
