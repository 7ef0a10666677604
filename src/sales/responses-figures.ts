/**
 * What the sales routes answer about periods: a quarter's or a year's figures, each group with
 * the contract list (`source`) and the entries behind it, and the opportunity cost of futures.
 */
import { z } from 'zod';
import { zCents, zDayText, zQuarterText } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type {
  OpportunityCost as OpportunityCostType,
  SalesQuarter as SalesQuarterType,
  salesYear,
} from './figures.js';

const source = z.string().describe('The contract list behind the figure (an API path)');
const entries = z.union([z.string(), z.array(z.string())]).describe('The entries summed: one path a quarter');

const amounts = { units: z.number(), th: z.number().describe('TH/s'), valueCents: zCents };
const Amounts = z.object(amounts);
const byKind = <T extends z.ZodType>(each: T) => z.object({ spot: each, futures: each, 'pre-order': each });
const byFamily = z.array(
  z.object({ ...amounts, family: z.string(), productKind: z.enum(['machine', 'ai-chip']) }),
);

const period = {
  from: zDayText,
  to: zDayText,
  bookings: z.object({
    ...amounts,
    contracts: z.number(),
    avgCentsPerTh: zCents.nullable().describe('Machines only: booked value ÷ booked TH/s'),
    byKind: byKind(z.object({ ...amounts, contracts: z.number() })),
    machines: Amounts,
    aiChips: Amounts,
    byFamily,
    source,
    entries,
  }),
  deliveries: z.object({
    ...amounts,
    avgCentsPerTh: zCents.nullable().describe('Machines only: revenue ÷ TH/s delivered'),
    byKind: byKind(Amounts),
    machines: Amounts,
    aiChips: Amounts,
    byFamily,
    source,
    entries,
  }),
  cancellations: z.object({ ...amounts, source, entries }),
  forfeitedDeposits: z.object({ valueCents: zCents, source }),
  payments: z.object({ receivedCents: zCents, refundedCents: zCents, source, entries: z.array(z.string()) }),
  futuresDiscount: z.object({
    ratio: z.number().nullable().describe('Volume-weighted locked ÷ spot USD/TH of futures machines booked'),
    th: z.number(),
    lockedCents: zCents,
    spotCents: zCents,
    source,
  }),
  atEnd: z.object({
    day: zDayText,
    contractLiabilities: z.object({ valueCents: zCents, source }),
    receivables: z.object({ valueCents: zCents, source }),
    backlog: z.object({ ...amounts, byKind: byKind(Amounts), machines: Amounts, aiChips: Amounts, source }),
    scheduled: z
      .array(z.object({ ...amounts, quarter: zQuarterText, late: z.boolean() }))
      .describe('Undelivered units by the quarter they are scheduled in; quarters up to `to` are late'),
  }),
};

/** A quarter's bookings, deliveries, liabilities and backlog. */
export const SalesQuarter = z.object({ quarter: zQuarterText, ...period });

/** A year's figures, with the year-over-year multiple of AI-chip revenue. */
export const SalesYear = z.object({
  year: z.number(),
  quarters: z.array(zQuarterText),
  ...period,
  aiChipRevenue: z.object({
    thisYearCents: zCents,
    lastYearCents: zCents,
    multiple: z.number().nullable().describe('This year ÷ the year before; null when that had none'),
    source: z.array(z.string()),
  }),
});

export const OpportunityCost = z.object({
  day: zDayText,
  spotCentsPerTh: zCents,
  undeliveredUnits: z.number(),
  undeliveredTh: z.number(),
  lockedCents: zCents,
  atSpotCents: zCents,
  opportunityCostCents: zCents.describe("What the undelivered futures fetch at the day's spot, minus locked"),
  byProduct: z.array(
    z.object({
      productId: z.string(),
      family: z.string(),
      contracts: z.number(),
      units: z.number(),
      th: z.number(),
      lockedCents: zCents,
      atSpotCents: zCents,
      opportunityCostCents: zCents,
    }),
  ),
  source,
});

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof SalesQuarter>, SalesQuarterType>>,
  Agrees<Same<Out<typeof SalesQuarter>['bookings'], SalesQuarterType['bookings']>>,
  Agrees<Same<Out<typeof SalesQuarter>['atEnd'], SalesQuarterType['atEnd']>>,
  Agrees<Same<Out<typeof SalesYear>, Awaited<ReturnType<typeof salesYear>>>>,
  Agrees<Same<Out<typeof OpportunityCost>, OpportunityCostType>>,
];
