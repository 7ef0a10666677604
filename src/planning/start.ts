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
import type { CompanyStart } from './company.js';
import { type Calibration, hashpriceOf, type MarketMonth } from './market.js';
import type { ScenarioInput } from './schemas.js';
import { linearFit } from './statistics.js';
import { supplyAt } from './supply-start.js';

/** With no backlog to read it from, the share of a contract paid ahead of delivery. */
const DEFAULT_DEPOSIT_SHARE = 0.3;
/** Without a stated cost, a machine costs this share of the spot price on the as-of day. */
const DEFAULT_COST_SHARE_OF_SPOT = 0.7;
/** The elasticity of bookings to hashprice is fitted on this many quarters, and needs at least four. */
const ELASTICITY_QUARTERS = 12;

/** The last quarter that ended on or before the day. */
export function booksQuarter(asOf: Day): Quarter {
  const q = quarterOf(asOf);
  return lastDayOfQuarter(q) === asOf ? q : addQuarters(q, -1);
}

export interface StartBasis {
  quarter: Quarter;
  backlogCents: bigint;
  elasticityFitted: boolean;
  costPerThUsd: number;
  /** Where the build cost came from: the scenario, the sold model's costed builds, or 70% of spot. */
  costFrom: 'stated' | 'builds' | 'share of spot';
  /** The machine supply is counted in. */
  modelId: string | undefined;
}

export async function companyStart(
  ctx: AppContext,
  s: ScenarioInput,
  months: readonly Month[],
  c: Calibration,
  history: readonly MarketMonth[],
): Promise<{ start: CompanyStart; basis: StartBasis }> {
  const quarter = booksQuarter(s.asOf);
  const quarters = Array.from({ length: ELASTICITY_QUARTERS }, (_, i) =>
    addQuarters(quarter, i - ELASTICITY_QUARTERS + 1),
  );
  const book = await salesQuarters(ctx, quarters);
  const sales = book.at(-1)!;
  const backlog = sales.atEnd.backlog;
  const index = new Map(months.map((m, i) => [m, i]));
  const scheduledCents = months.map(() => 0);
  const scheduledTh = months.map(() => 0);
  let laterCents = 0;
  for (const q of sales.atEnd.scheduled) {
    const value = Number(q.valueCents) / 3;
    for (const m of quarterMonths(q.quarter)) {
      const i = m < months[0]! ? 0 : index.get(m);
      if (i === undefined) laterCents += value;
      else {
        scheduledCents[i] = scheduledCents[i]! + Math.round(value);
        scheduledTh[i] = scheduledTh[i]! + q.th / 3;
      }
    }
  }
  const backlogCents = Number(backlog.valueCents);
  const liabilitiesCents = Number(sales.atEnd.contractLiabilities.valueCents);
  const bookedYear = book.slice(-4).reduce((sum, q) => sum + Number(q.bookings.valueCents), 0);
  const hashprices = history.slice(-12).map(hashpriceOf);
  const spotNow =
    c.last.spotUsdPerTh ?? Math.exp(c.spot.intercept + c.spot.slope * Math.log(c.last.hashpriceUsdPerThDay));
  const lockedUsdPerTh = backlog.th > 0 ? centsToNumber(backlog.valueCents) / backlog.th : spotNow;
  const supply = await supplyAt(ctx, s.asOf, months);
  const costPerThUsd =
    s.costPerThUsd ??
    supply.builtCostPerThUsd ??
    DEFAULT_COST_SHARE_OF_SPOT * (Number.isFinite(spotNow) && spotNow > 0 ? spotNow : lockedUsdPerTh);
  const elasticity = fitElasticity(book, history);

  const selfMining = await selfMiningAt(ctx, s.asOf);
  const treasury = await balancesOn(ctx, s.asOf);
  const spotShare = kindShare(book.slice(-4), 'spot');

  const start: CompanyStart = {
    scheduledCents,
    scheduledTh,
    laterCents: Math.round(laterCents),
    futuresShare: backlogCents > 0 ? Number(backlog.byKind.futures.valueCents) / backlogCents : 0,
    lockedUsdPerTh,
    liabilitiesCents,
    bookingsCentsPerMonth: Math.round(bookedYear / 12),
    bookingsHashprice: hashprices.reduce((a, b) => a + b, 0) / Math.max(1, hashprices.length),
    elasticity: elasticity ?? 1,
    leadMonths: s.leadMonths,
    depositShare: backlogCents > 0 ? Math.min(1, liabilitiesCents / backlogCents) : DEFAULT_DEPOSIT_SHARE,
    cancelBelow: s.cancelBelowPct / 100,
    cancelShare: s.cancelSharePct / 100,
    deferBelow: s.deferBelowPct / 100,
    deferShare: s.deferSharePct / 100,
    supply: supply.supply,
    costPerThUsd,
    fixedCostsCentsPerMonth: Number(s.fixedCostsUsdPerMonth ?? 0n),
    spotShare,
    selfMining,
    treasury: { btcSats: Number(treasury.btcSats), usdCents: Number(treasury.usdCents) },
    daysInMonth: months.map(daysInMonth),
  };
  return {
    start,
    basis: {
      quarter,
      backlogCents: backlog.valueCents,
      elasticityFitted: elasticity !== undefined,
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

/** The share of the bookings' value of one contract kind. */
function kindShare(quarters: readonly SalesQuarter[], kind: 'spot'): number {
  const total = quarters.reduce((sum, q) => sum + Number(q.bookings.valueCents), 0);
  const ofKind = quarters.reduce((sum, q) => sum + Number(q.bookings.byKind[kind].valueCents), 0);
  return total > 0 ? ofKind / total : 0;
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

/**
 * How bookings moved with hashprice: the slope of log quarterly bookings on log mean hashprice
 * over the quarters with bookings, kept within 0-3; undefined with fewer than four such quarters.
 */
function fitElasticity(book: readonly SalesQuarter[], history: readonly MarketMonth[]): number | undefined {
  const byMonth = new Map(history.map((m) => [m.month, hashpriceOf(m)]));
  const points: { x: number; y: number }[] = [];
  for (const q of book) {
    const hps = quarterMonths(q.quarter)
      .map((m) => byMonth.get(m))
      .filter((x): x is number => x !== undefined);
    if (hps.length === 0) continue;
    const booked = Number(q.bookings.valueCents);
    if (booked > 0)
      points.push({ x: Math.log(hps.reduce((a, b) => a + b, 0) / hps.length), y: Math.log(booked) });
  }
  if (points.length < 4) return undefined;
  const fit = linearFit(
    points.map((p) => p.x),
    points.map((p) => p.y),
  );
  return Math.min(3, Math.max(0, fit.slope));
}
