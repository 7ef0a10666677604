/**
 * The company on a scenario's as-of day, read from its books: the sales order book at the last
 * quarter end on or before it (backlog and its schedule, contract liabilities, the year's
 * bookings), the self-mining fleet of that quarter and the treasury on the day itself.
 */
import type { AppContext } from '../app/context.js';
import {
  addDays,
  addQuarters,
  type Day,
  daysInMonth,
  lastDayOfQuarter,
  type Month,
  type Quarter,
  quarterMonths,
  quarterOf,
} from '../kernel/calendar.js';
import { centsToNumber } from '../kernel/money.js';
import { energyCostCents } from '../mining/costs.js';
import { hashrateByDay } from '../mining/hashrate.js';
import { type SalesQuarter, salesQuarters } from '../sales/figures.js';
import { balancesOn } from '../treasury/service.js';
import { type BookingsFit, fitBookings } from './bookings.js';
import type { CompanyStart } from './company.js';
import { type Calibration, hashpriceOf, type MarketMonth } from './market.js';
import { runningCostsPerMonth } from './running-costs.js';
import type { ScenarioInput } from './schemas.js';
import { sellingTerms } from './selling.js';
import { supplyAt } from './supply-start.js';

/** With no contract to read it from, the share of a contract paid ahead of delivery. */
const DEFAULT_DEPOSIT_SHARE = 0.3;
/** Without a stated cost, a machine costs this share of the spot price on the as-of day. */
const DEFAULT_COST_SHARE_OF_SPOT = 0.7;
/** Bookings are fitted to hashprice on this many quarters (bookings.ts needs at least four with bookings). */
const BOOKINGS_QUARTERS = 12;
/** With no forward contract signed in the year before, forward bookings are due this many months on. */
const DEFAULT_LEAD_MONTHS = 3;
const MONTHS_PER_QUARTER = 3;

/** The last quarter that ended on or before the day. */
export function booksQuarter(asOf: Day): Quarter {
  const q = quarterOf(asOf);
  return lastDayOfQuarter(q) === asOf ? q : addQuarters(q, -1);
}

export interface StartBasis {
  quarter: Quarter;
  backlogCents: bigint;
  elasticityFitted: boolean;
  /** How bookings were calibrated on the books (bookings.ts). */
  bookings: BookingsFit;
  /** Value-weighted months from signing to delivery of the year's forward contracts, or the stated lead. */
  leadMonths: number;
  leadFrom: 'stated' | 'contracts' | 'default';
  fixedCostsFrom: 'stated' | 'books';
  costPerThUsd: number;
  /** Where the build cost came from: the scenario, the sold model's costed builds, or 70% of spot. */
  costFrom: 'stated' | 'builds' | 'share of spot';
  /** The machine supply is counted in. */
  modelId: string | undefined;
}

/**
 * Reads a caller has made already, handed down rather than made again: the quarterly report's
 * sales quarters (its outlook starts from the books of quarters the report has read).
 */
export interface StartReads {
  salesQuarters?: (quarters: readonly Quarter[]) => Promise<SalesQuarter[]>;
}

export async function companyStart(
  ctx: AppContext,
  s: ScenarioInput,
  months: readonly Month[],
  c: Calibration,
  history: readonly MarketMonth[],
  reads: StartReads = {},
): Promise<{ start: CompanyStart; basis: StartBasis }> {
  const quarter = booksQuarter(s.asOf);
  const quarters = Array.from({ length: BOOKINGS_QUARTERS }, (_, i) =>
    addQuarters(quarter, i - BOOKINGS_QUARTERS + 1),
  );
  const book = await (reads.salesQuarters ?? ((qs) => salesQuarters(ctx, qs)))(quarters);
  const sales = book.at(-1)!;
  const backlog = sales.atEnd.backlog;
  const index = new Map(months.map((m, i) => [m, i]));
  const scheduledCents = months.map(() => 0);
  const scheduledTh = months.map(() => 0);
  let laterCents = 0;
  for (const q of sales.atEnd.scheduled) {
    const value = Number(q.valueCents) / MONTHS_PER_QUARTER;
    for (const m of quarterMonths(q.quarter)) {
      const i = m < months[0]! ? 0 : index.get(m);
      if (i === undefined) laterCents += value;
      else {
        scheduledCents[i] = scheduledCents[i]! + Math.round(value);
        scheduledTh[i] = scheduledTh[i]! + q.th / MONTHS_PER_QUARTER;
      }
    }
  }
  const backlogCents = Number(backlog.valueCents);
  const liabilitiesCents = Number(sales.atEnd.contractLiabilities.valueCents);
  const spotNow =
    c.last.spotUsdPerTh ?? Math.exp(c.spot.intercept + c.spot.slope * Math.log(c.last.hashpriceUsdPerThDay));
  const lockedUsdPerTh = backlog.th > 0 ? centsToNumber(backlog.valueCents) / backlog.th : spotNow;
  const supply = await supplyAt(ctx, s.asOf, months);
  const costPerThUsd =
    s.costPerThUsd ??
    supply.builtCostPerThUsd ??
    DEFAULT_COST_SHARE_OF_SPOT * (Number.isFinite(spotNow) && spotNow > 0 ? spotNow : lockedUsdPerTh);
  const hashpriceIn = new Map(history.map((m) => [m.month, hashpriceOf(m)]));
  const bookings = fitBookings(
    book.map((q) => ({ quarter: q.quarter, machinesCents: Number(q.bookings.machines.valueCents) })),
    (m) => hashpriceIn.get(m),
  );
  const year = book.slice(-4);
  const selling = await sellingTerms(ctx, s.asOf);
  const lead = leadOf(s.leadMonths, selling.leadProfile);

  const selfMining = await selfMiningAt(ctx, s.asOf);
  const treasury = await balancesOn(ctx, s.asOf);
  const fixedCosts = s.fixedCostsUsdPerMonth ?? (await runningCostsPerMonth(ctx, s.asOf));

  const start: CompanyStart = {
    scheduledCents,
    scheduledTh,
    laterCents: Math.round(laterCents),
    futuresShare: backlogCents > 0 ? Number(backlog.byKind.futures.valueCents) / backlogCents : 0,
    lockedUsdPerTh,
    liabilitiesCents,
    prepaidShare: backlogCents > 0 ? Math.min(1, liabilitiesCents / backlogCents) : 0,
    bookingsCentsPerMonth: Math.round(bookings.centsPerMonth),
    bookingsHashprice: bookings.atHashprice,
    elasticity: bookings.elasticity,
    elasticitySe: bookings.elasticitySe,
    bookingsLagMonths: bookings.lagMonths,
    bookingsSigma: bookings.sigma,
    hashpriceBefore: history.slice(-4).map(hashpriceOf),
    leadProfile: lead.profile,
    depositShare: selling.depositShare ?? DEFAULT_DEPOSIT_SHARE,
    futuresDiscount: futuresDiscountOf(year),
    aiChipsCentsPerMonth: Math.round(Number(sales.deliveries.aiChips.valueCents) / MONTHS_PER_QUARTER),
    cancelBelow: s.cancelBelowPct / 100,
    cancelShare: s.cancelSharePct / 100,
    deferBelow: s.deferBelowPct / 100,
    deferShare: s.deferSharePct / 100,
    supply: supply.supply,
    costPerThUsd,
    fixedCostsCentsPerMonth: Number(fixedCosts),
    spotShare: machineSpotShare(year),
    selfMining,
    treasury: { btcSats: Number(treasury.btcSats), usdCents: Number(treasury.usdCents) },
    daysInMonth: months.map(daysInMonth),
  };
  return {
    start,
    basis: {
      quarter,
      backlogCents: backlog.valueCents,
      elasticityFitted: bookings.points > 0,
      bookings,
      leadMonths: lead.months,
      leadFrom: lead.from,
      fixedCostsFrom: s.fixedCostsUsdPerMonth === undefined ? 'books' : 'stated',
      costPerThUsd,
      costFrom:
        s.costPerThUsd !== undefined
          ? 'stated'
          : supply.builtCostPerThUsd !== undefined
            ? 'builds'
            : 'share of spot',
      modelId: supply.modelId,
    },
  };
}

/**
 * The spot share of the machines booked. The books split bookings by contract kind, not by product:
 * AI chips sell on spot contracts, so their value comes off the spot side (what is left of it is
 * machines; K510-style chip pre-orders, a few thousand dollars, are counted as chips sold spot).
 */
function machineSpotShare(quarters: readonly SalesQuarter[]): number {
  const sum = (pick: (q: SalesQuarter) => bigint) => quarters.reduce((s, q) => s + Number(pick(q)), 0);
  const machines = sum((q) => q.bookings.machines.valueCents);
  const spot = sum((q) => q.bookings.byKind.spot.valueCents) - sum((q) => q.bookings.aiChips.valueCents);
  return machines > 0 ? Math.min(1, Math.max(0, spot / machines)) : 0;
}

/** Locked ÷ spot USD/TH of the futures booked over the quarters, volume-weighted; 1 when none. */
function futuresDiscountOf(quarters: readonly SalesQuarter[]): number {
  const locked = quarters.reduce((s, q) => s + Number(q.futuresDiscount.lockedCents), 0);
  const spot = quarters.reduce((s, q) => s + Number(q.futuresDiscount.spotCents), 0);
  return locked > 0 && spot > 0 ? locked / spot : 1;
}

/** The lead profile: the stated lead (all due that many months on), the year's contracts', or the default. */
function leadOf(
  stated: number | undefined,
  fromContracts: number[],
): { profile: number[]; months: number; from: StartBasis['leadFrom'] } {
  const at = (months: number) => Array.from({ length: months + 1 }, (_, k) => (k === months ? 1 : 0));
  if (stated !== undefined) return { profile: at(stated), months: stated, from: 'stated' };
  if (fromContracts.length === 0)
    return { profile: at(DEFAULT_LEAD_MONTHS), months: DEFAULT_LEAD_MONTHS, from: 'default' };
  const months = fromContracts.reduce((s, w, k) => s + w * k, 0);
  return { profile: fromContracts, months, from: 'contracts' };
}

/**
 * The self-mining fleet on the day: installed TH/s and the energy it cost per TH-day over the 90 days
 * before (each site at its own price). It grows on a path by self-mining's share of production.
 */
async function selfMiningAt(ctx: AppContext, asOf: Day): Promise<CompanyStart['selfMining']> {
  const [now] = await hashrateByDay(ctx, { from: asOf, to: asOf });
  const installedTh = now!.installedThs;
  const energy = centsToNumber(await energyCostCents(ctx, addDays(asOf, -89), asOf));
  return { installedTh, energyUsdPerThDay: installedTh > 0 ? energy / (installedTh * 90) : 0 };
}
