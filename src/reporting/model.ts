/**
 * The quarterly report as data: every figure with the API path that lists the records behind it
 * (`source`), and the pure rules that derive figures other modules don't give directly. The
 * service (service.ts) gathers the inputs from the modules' services; the formats render this.
 */

import type { Sats } from '../kernel/bitcoin.js';
import type { Day, Month, Quarter } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import type { TargetStanding } from '../mining/model.js';
import type { OutlookSection } from '../planning/report-section.js';
import type { ServiceNetworkSection } from '../service/report-section.js';
import type { BooksSection } from './books-model.js';
import type { GuidanceMetric, GuidanceStatus } from './guidance-model.js';

export interface Amounts {
  units: number;
  th: number;
  valueCents: Cents;
}

/** A section whose module has nothing recorded says so instead of showing zeros. */
export type Section<T> = ({ available: true } & T) | { available: false; reason: string };

export interface MachinesSection {
  bookings: Amounts & {
    contracts: number;
    avgCentsPerTh: Cents | null;
    byFamily: (Amounts & { family: string })[];
    /** Machines booked under each kind of contract: their lines only, each contract once. */
    spot: Amounts & { contracts: number };
    futures: Amounts & { contracts: number };
    preOrder: Amounts & { contracts: number };
    source: string;
  };
  bookingsYearToDate: Amounts & { year: number; quarters: Quarter[]; source: string[] };
  topCustomers: {
    customerId: number;
    customer: string;
    units: number;
    valueCents: Cents;
    contracts: number;
    source: string;
  }[];
  deliveries: Amounts & {
    avgCentsPerTh: Cents | null;
    byFamily: (Amounts & { family: string })[];
    /** Families delivered this quarter and in none of the four before. */
    firstDeliveries: string[];
    source: string;
  };
  futuresDiscount: { ratio: number | null; th: number; lockedCents: Cents; spotCents: Cents; source: string };
  spotAtEnd: { day: Day; centsPerTh: Cents | null; source: string };
  /** What the books say of the quarter after, once it has begun (the notes report it too). */
  nextQuarter: {
    quarter: Quarter;
    complete: boolean;
    bookings: Amounts & { source: string };
    deliveries: Amounts & { byFamily: (Amounts & { family: string })[]; source: string };
  } | null;
}

export interface OrderBookSection {
  day: Day;
  backlog: Amounts & { machines: Amounts; aiChips: Amounts; futures: Amounts; source: string };
  contractLiabilities: { valueCents: Cents; source: string };
  /** Liabilities ÷ backlog value: how much of the open book is prepaid. */
  prepaidShare: number | null;
  receivables: { valueCents: Cents; source: string };
  scheduled: (Amounts & { quarter: Quarter; late: boolean; source: string })[];
  opportunityCost: {
    spotCentsPerTh: Cents;
    th: number;
    lockedCents: Cents;
    atSpotCents: Cents;
    opportunityCostCents: Cents;
    source: string;
  } | null;
}

export interface AiChipsSection {
  quarter: { units: number; revenueCents: Cents; source: string };
  yearToDate: {
    year: number;
    throughQuarter: Quarter;
    thisYearCents: Cents;
    lastYearSamePeriodCents: Cents;
    multiple: number | null;
    source: string[];
  };
  preOrders: { bookedUnits: number; bookedCents: Cents; openUnits: number; openCents: Cents; source: string };
  chips: {
    id: string;
    name: string;
    tier: string;
    stage: string;
    predecessor: string | null;
    tops: number;
    source: string;
  }[];
}

export interface SupplySection {
  wafers: {
    out: number;
    byFoundry: { foundryId: string; foundry: string; wafers: number; expectedDies: number }[];
    received: { orders: number; chips: number };
    source: string;
  };
  yields: {
    partnershipId: number;
    foundry: string;
    design: string;
    startMonth: Month;
    yieldPct: number;
    maturePct: number;
    matureMonth: Month;
    ramping: boolean;
    source: string;
  }[];
  output: {
    units: number;
    th: number;
    byModel: { productId: string; units: number; th: number }[];
    source: string;
  };
  allocation: {
    builtUnits: number;
    deliveredUnits: number;
    selfMiningUnits: number;
    /** Built minus delivered minus self-mining: negative when deliveries drew on stock. */
    stockChangeUnits: number;
    selfMiningSharePct: number | null;
    source: string[];
  };
}

export interface SelfMiningSection {
  day: Day;
  installedPh: number;
  measuredPh: number | null;
  inTransitPh: number;
  sites: { site: string; status: string; installedPh: number; measuredPh: number | null }[];
  btcMinedSats: Sats;
  expectedSats: Sats;
  luck: number | null;
  energyCents: Cents;
  costPerBtcCents: Cents | null;
  shareOfProductionPct: number | null;
  target: {
    byDay: Day;
    lowPh: number;
    highPh: number;
    sharePct: number;
    standing: TargetStanding;
    source: string;
  } | null;
  source: { hashrate: string; earnings: string; deployments: string };
}

export interface TreasurySection {
  day: Day;
  btcHeldSats: Sats;
  btcUsd: Cents | null;
  valueCents: Cents | null;
  unrealisedGainCents: Cents | null;
  costBasisCents: Cents | null;
  minedInQuarterSats: Sats;
  flaggedSales: number;
  source: { held: string; value: string; mined: string; sales: string };
  cash: TreasuryCashLines;
}

/** The USD cash over the quarter, and what a BTC mined cost: energy alone and with the machines' depreciation. */
export interface TreasuryCashLines {
  openingCents: Cents;
  /** What moved the cash in the quarter (customers, energy, BTC sold, recorded cash), signed. */
  lines: { flow: string; cents: Cents }[];
  /** USD held at the quarter's end. */
  usdCents: Cents;
  minedSats: Sats;
  energyCents: Cents;
  depreciationCents: Cents;
  lifeMonths: number;
  energyPerBtcCents: Cents | null;
  withDepreciationPerBtcCents: Cents | null;
  source: { cash: string; depreciation: string };
}

export interface GuidanceLine {
  id: number;
  givenWith: Quarter;
  statement: string;
  metric: GuidanceMetric;
  metricName: string;
  period: string;
  family: string | null;
  low: number | null;
  high: number | null;
  actual: number | null;
  status: GuidanceStatus;
  source: string | string[];
}

export interface QuarterPoint {
  quarter: Quarter;
  bookedUnits: number;
  bookedTh: number;
  bookedCents: Cents;
  deliveredUnits: number;
  deliveredTh: number;
  revenueCents: Cents;
}

export interface QuarterlyReport {
  quarter: Quarter;
  from: Day;
  to: Day;
  /** The books as they stand on this day (by the clock); stocks are as they stood at `to`. */
  asOf: Day;
  source: string;
  machines: MachinesSection;
  orderBook: OrderBookSection;
  /** What finance reads: the liability roll-forward, obligations, cancellations, concentration, ageing. */
  books: BooksSection;
  aiChips: AiChipsSection;
  supply: Section<SupplySection>;
  selfMining: Section<SelfMiningSection>;
  treasury: Section<TreasurySection>;
  /** The service network: centres, tickets, RMA turnaround, warranty cost, failure rates (src/service). */
  serviceNetwork: Section<ServiceNetworkSection>;
  guidance: { givenWithThisQuarter: GuidanceLine[]; aboutThisQuarter: GuidanceLine[]; source: string };
  /** The next quarter's revenue and cash as a planning run sees them, and the guidance's chances (src/planning). */
  outlook: Section<OutlookSection>;
  /** Bookings and deliveries of the quarters around this one, for the charts. */
  series: QuarterPoint[];
  /**
   * Null while the quarter has never been closed; once closed, the report is the one frozen then;
   * reopened, the report is computed afresh and says what differs from the figures last closed.
   */
  closed: ClosedState | null;
}

export interface ClosedState {
  /** Reopened since it was last closed: the figures shown are today's, compared with those closed. */
  reopened: boolean;
  closedAt: Date;
  closedBy: string;
  /** The hash of the figures when closed, and of the same figures computed from the books today. */
  hash: string;
  currentHash: string;
  changedSinceClose: boolean;
  /** The report's parts whose figures differ today from those frozen. */
  changedSections: string[];
}

// --- rules ------------------------------------------------------------------------------------

export const zeroAmounts = (): Amounts => ({ units: 0, th: 0, valueCents: 0n });

export function addAmounts(into: Amounts, a: Amounts): Amounts {
  return { units: into.units + a.units, th: into.th + a.th, valueCents: into.valueCents + a.valueCents };
}

/** Families with deliveries this quarter that the earlier quarters given had none of. */
export function firstDeliveries(
  thisQuarter: readonly { family: string; units: number }[],
  earlier: readonly (readonly { family: string; units: number }[])[],
): string[] {
  const before = new Set(earlier.flatMap((q) => q.filter((f) => f.units > 0).map((f) => f.family)));
  return thisQuarter.filter((f) => f.units > 0 && !before.has(f.family)).map((f) => f.family);
}

/** Bookings of the quarter grouped by customer, largest first. */
export function topCustomers<
  C extends { customerId: number; customer: string; units: number; valueCents: Cents },
>(contracts: readonly C[], n: number) {
  const by = new Map<
    number,
    { customerId: number; customer: string; units: number; valueCents: Cents; contracts: number }
  >();
  for (const c of contracts) {
    const row = by.get(c.customerId) ?? {
      customerId: c.customerId,
      customer: c.customer,
      units: 0,
      valueCents: 0n,
      contracts: 0,
    };
    row.units += c.units;
    row.valueCents += c.valueCents;
    row.contracts += 1;
    by.set(c.customerId, row);
  }
  return [...by.values()].sort((a, b) => b.units - a.units || a.customerId - b.customerId).slice(0, n);
}

/** A share as a percentage, or null when the whole is nothing. */
export const percentOfWhole = (part: number, whole: number): number | null =>
  whole > 0 ? (part / whole) * 100 : null;
