/**
 * The order book's period figures for finance and the quarterly report. Each figure says where
 * to list the records behind it: a contract list filter, or the entries (one per event) it sums.
 */
import type { AppContext } from '../app/context.js';
import type { Day, Quarter } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { openFuturesOn, statesOn } from './as-of.js';
import { spotOn, today } from './contracts.js';
import { spotAmount } from './model.js';
import type { ContractState } from './model-events.js';
import { type PeriodFigures, quarterFigures, yearFigures } from './model-figures.js';
import { readRollups } from './store.js';

const CONTRACTS = '/api/sales/contracts';
const ENTRIES = '/api/sales/entries';

/**
 * The contract list behind a figure of a period, each contract's figures as they stood at the
 * figure's day: without `asOf` the list would show today's per-contract figures, which no longer
 * add up to the figure once the books have moved on.
 */
export const contractsAsOf = (filter: string, asOf: Day) => `${CONTRACTS}?${filter}&asOf=${asOf}`;

/** PeriodFigures with the drill-down of each group. */
function withSources(f: PeriodFigures, period: string, quarters: Quarter[]) {
  const end = f.to;
  const entries = (type: string) =>
    quarters.length === 1
      ? `${ENTRIES}?quarter=${quarters[0]}&type=${type}`
      : quarters.map((q) => `${ENTRIES}?quarter=${q}&type=${type}`);
  return {
    from: f.from,
    to: f.to,
    bookings: { ...f.bookings, source: contractsAsOf(`signedIn=${period}`, end), entries: entries('signed') },
    deliveries: {
      ...f.deliveries,
      source: contractsAsOf(`deliveredIn=${period}`, end),
      entries: entries('delivery'),
    },
    cancellations: {
      ...f.cancellations,
      source: contractsAsOf(`cancelledIn=${period}`, end),
      entries: entries('cancellation'),
    },
    forfeitedDeposits: {
      valueCents: f.forfeitedDepositsCents,
      source: contractsAsOf(`cancelledIn=${period}`, end),
    },
    payments: {
      ...f.payments,
      source: contractsAsOf(`paidIn=${period}`, end),
      entries: [entries('payment-received'), entries('refund')].flat(),
    },
    futuresDiscount: {
      ...f.futuresDiscount,
      source: contractsAsOf(`signedIn=${period}&kind=futures&productKind=machine`, end),
    },
    atEnd: {
      day: end,
      contractLiabilities: {
        valueCents: f.atEnd.contractLiabilitiesCents,
        source: `${CONTRACTS}?liabilityAt=${end}`,
      },
      receivables: { valueCents: f.atEnd.receivablesCents, source: `${CONTRACTS}?receivableAt=${end}` },
      backlog: { ...f.atEnd.backlog, source: `${CONTRACTS}?backlogAt=${end}` },
      scheduled: f.atEnd.scheduled,
    },
  };
}

export type SalesQuarter = ReturnType<typeof withSources> & { quarter: Quarter };

export async function salesQuarter(ctx: AppContext, quarter: Quarter): Promise<SalesQuarter> {
  return (await salesQuarters(ctx, [quarter]))[0]!;
}

/** Several quarters' figures from one read of the rollups. */
export async function salesQuarters(ctx: AppContext, quarters: readonly Quarter[]): Promise<SalesQuarter[]> {
  return quarters.map(await salesFigures(ctx));
}

/**
 * One read of the rollups, and any quarter's figures computed from it when asked: for a reader that
 * asks for quarters one at a time (the quarterly report asks for a dozen).
 */
export async function salesFigures(ctx: AppContext): Promise<(quarter: Quarter) => SalesQuarter> {
  const rollups = await readRollups(ctx.db);
  return (quarter) => ({ quarter, ...withSources(quarterFigures(rollups, quarter), quarter, [quarter]) });
}

export async function salesYear(ctx: AppContext, year: number) {
  if (!Number.isSafeInteger(year) || year < 1970 || year > 9999) {
    throw invalid('year', `year must be a year such as 2020, got ${year}.`);
  }
  const rollups = await readRollups(ctx.db);
  const y = yearFigures(rollups, year);
  return {
    year,
    quarters: y.quarters,
    ...withSources(y, String(year), y.quarters),
    aiChipRevenue: {
      ...y.aiChipRevenue,
      source: [
        contractsAsOf(`deliveredIn=${year}&productKind=ai-chip`, y.to),
        contractsAsOf(`deliveredIn=${year - 1}&productKind=ai-chip`, y.to),
      ],
    },
  };
}

export interface OpportunityCost {
  day: Day;
  spotCentsPerTh: Cents;
  undeliveredUnits: number;
  undeliveredTh: number;
  lockedCents: Cents;
  atSpotCents: Cents;
  /** What the futures undelivered at `day` would fetch at that day's spot, minus their locked price. */
  opportunityCostCents: Cents;
  byProduct: {
    productId: string;
    family: string;
    contracts: number;
    units: number;
    th: number;
    lockedCents: Cents;
    atSpotCents: Cents;
    opportunityCostCents: Cents;
  }[];
  source: string;
}

/** Futures undelivered at the end of `day`: TH/s × (spot on `day` − locked price), by product. */
export async function opportunityCost(
  ctx: AppContext,
  day: Day = today(ctx),
  /** The book's contracts as they stood at the end of `day`, when the caller has them already. */
  states?: Iterable<ContractState>,
): Promise<OpportunityCost> {
  const spot = await spotOn(ctx, day);
  if (spot === null) {
    throw ruleBroken(
      'sales.no-spot-price',
      `There is no spot USD/TH price on or before ${day}; record one with the market module first.`,
      'day',
    );
  }
  const byProduct = openFuturesOn(states ?? (await statesOn(ctx, day))).map((p) => {
    const atSpot = spotAmount({ thsPerUnit: p.thsPerUnit }, p.openUnits, spot);
    return {
      productId: p.productId,
      family: p.family,
      contracts: p.contracts,
      units: p.openUnits,
      th: p.openUnits * p.thsPerUnit,
      lockedCents: p.lockedCents,
      atSpotCents: atSpot,
      opportunityCostCents: atSpot - p.lockedCents,
    };
  });
  const sum = <K extends 'units' | 'th'>(k: K) => byProduct.reduce((s, p) => s + p[k], 0);
  const sumCents = (k: 'lockedCents' | 'atSpotCents') => byProduct.reduce((s, p) => s + p[k], 0n);
  const locked = sumCents('lockedCents');
  const atSpot = sumCents('atSpotCents');
  return {
    day,
    spotCentsPerTh: spot,
    undeliveredUnits: sum('units'),
    undeliveredTh: sum('th'),
    lockedCents: locked,
    atSpotCents: atSpot,
    opportunityCostCents: atSpot - locked,
    byProduct,
    source: `${CONTRACTS}?backlogAt=${day}&kind=futures&productKind=machine`,
  };
}
