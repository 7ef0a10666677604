/**
 * What the reporting routes answer, beside the request schemas in schemas.ts. The report's shape
 * is written once more here, in zod, for the document and the dashboard; the checks at the end
 * keep it the same type as the interfaces in model.ts that the service and the renderers use.
 */

import { z } from 'zod';
import { zCents, zDayText, zInstant, zMonthText, zQuarterText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { OutlookSection } from '../planning/report-section.js';
import type { ServiceNetworkSection } from '../service/report-section.js';
import { GUIDANCE_METRICS, type Guidance, type GuidanceMetric } from './guidance-model.js';
import type {
  AiChipsSection,
  GuidanceLine as GuidanceLineType,
  MachinesSection,
  OrderBookSection,
  QuarterlyReport as QuarterlyReportType,
  SelfMiningSection,
  SupplySection,
  TreasurySection,
} from './model.js';
import { BooksSection } from './responses-books.js';

const source = z.string().describe('The API path listing the records behind the figure');
const sources = z.array(source);
const metric = z.enum(Object.keys(GUIDANCE_METRICS) as [GuidanceMetric, ...GuidanceMetric[]]);

const amounts = { units: z.number(), th: z.number().describe('TH/s'), valueCents: zCents };
const Amounts = z.object(amounts);
const byFamily = z.array(z.object({ ...amounts, family: z.string() }));

/** A section whose module has nothing recorded says so instead of showing zeros. */
const section = <T extends z.ZodRawShape>(shape: T) =>
  z.union([
    z.object({ available: z.literal(true), ...shape }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]);

const machines = {
  bookings: z.object({
    ...amounts,
    contracts: z.number(),
    avgCentsPerTh: zCents.nullable(),
    byFamily,
    spot: z.object({ ...amounts, contracts: z.number() }),
    futures: z.object({ ...amounts, contracts: z.number() }),
    preOrder: z.object({ ...amounts, contracts: z.number() }),
    source,
  }),
  bookingsYearToDate: z.object({
    ...amounts,
    year: z.number(),
    quarters: z.array(zQuarterText),
    source: sources,
  }),
  topCustomers: z.array(
    z.object({
      customerId: z.number(),
      customer: z.string(),
      units: z.number(),
      valueCents: zCents,
      contracts: z.number(),
      source,
    }),
  ),
  deliveries: z.object({
    ...amounts,
    avgCentsPerTh: zCents.nullable(),
    byFamily,
    firstDeliveries: z
      .array(z.string())
      .describe('Families delivered this quarter and in none of the four before'),
    source,
  }),
  futuresDiscount: z.object({
    ratio: z.number().nullable(),
    th: z.number(),
    lockedCents: zCents,
    spotCents: zCents,
    source,
  }),
  spotAtEnd: z.object({ day: zDayText, centsPerTh: zCents.nullable(), source }),
  nextQuarter: z
    .object({
      quarter: zQuarterText,
      complete: z.boolean(),
      bookings: z.object({ ...amounts, source }),
      deliveries: z.object({ ...amounts, byFamily, source }),
    })
    .nullable(),
};

const orderBook = {
  day: zDayText,
  backlog: z.object({ ...amounts, machines: Amounts, aiChips: Amounts, futures: Amounts, source }),
  contractLiabilities: z.object({ valueCents: zCents, source }),
  prepaidShare: z.number().nullable().describe('Liabilities ÷ backlog value'),
  receivables: z.object({ valueCents: zCents, source }),
  scheduled: z.array(z.object({ ...amounts, quarter: zQuarterText, late: z.boolean(), source })),
  opportunityCost: z
    .object({
      spotCentsPerTh: zCents,
      th: z.number(),
      lockedCents: zCents,
      atSpotCents: zCents,
      opportunityCostCents: zCents,
      source,
    })
    .nullable(),
};

const aiChips = {
  quarter: z.object({ units: z.number(), revenueCents: zCents, source }),
  yearToDate: z.object({
    year: z.number(),
    throughQuarter: zQuarterText,
    thisYearCents: zCents,
    lastYearSamePeriodCents: zCents,
    multiple: z.number().nullable(),
    source: sources,
  }),
  preOrders: z.object({
    bookedUnits: z.number(),
    bookedCents: zCents,
    openUnits: z.number(),
    openCents: zCents,
    source,
  }),
  chips: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      tier: z.string(),
      stage: z.string(),
      predecessor: z.string().nullable(),
      tops: z.number(),
      source,
    }),
  ),
};

const supply = {
  wafers: z.object({
    out: z.number(),
    byFoundry: z.array(
      z.object({ foundryId: z.string(), foundry: z.string(), wafers: z.number(), expectedDies: z.number() }),
    ),
    received: z.object({ orders: z.number(), chips: z.number() }),
    source,
  }),
  yields: z.array(
    z.object({
      partnershipId: z.number(),
      foundry: z.string(),
      design: z.string(),
      startMonth: zMonthText,
      yieldPct: z.number(),
      maturePct: z.number(),
      matureMonth: zMonthText,
      ramping: z.boolean(),
      source,
    }),
  ),
  output: z.object({
    units: z.number(),
    th: z.number(),
    byModel: z.array(z.object({ productId: z.string(), units: z.number(), th: z.number() })),
    source,
  }),
  allocation: z.object({
    builtUnits: z.number(),
    deliveredUnits: z.number(),
    selfMiningUnits: z.number(),
    stockChangeUnits: z
      .number()
      .describe('Built − delivered − self-mining: negative when deliveries drew on stock'),
    selfMiningSharePct: z.number().nullable(),
    source: sources,
  }),
};

const selfMining = {
  day: zDayText,
  installedPh: z.number(),
  measuredPh: z.number().nullable(),
  inTransitPh: z.number(),
  sites: z.array(
    z.object({
      site: z.string(),
      status: z.string(),
      installedPh: z.number(),
      measuredPh: z.number().nullable(),
    }),
  ),
  btcMinedSats: zSats,
  expectedSats: zSats,
  luck: z.number().nullable(),
  energyCents: zCents,
  costPerBtcCents: zCents.nullable(),
  shareOfProductionPct: z.number().nullable(),
  target: z
    .object({
      byDay: zDayText,
      lowPh: z.number(),
      highPh: z.number(),
      sharePct: z.number(),
      standing: z.enum(['below', 'within', 'above']),
      source,
    })
    .nullable(),
  source: z.object({ hashrate: source, earnings: source, deployments: source }),
};

const treasury = {
  day: zDayText,
  btcHeldSats: zSats,
  btcUsd: zCents.nullable(),
  valueCents: zCents.nullable(),
  unrealisedGainCents: zCents.nullable(),
  costBasisCents: zCents.nullable(),
  minedInQuarterSats: zSats,
  flaggedSales: z.number(),
  source: z.object({ held: source, value: source, mined: source, sales: source }),
  cash: z.object({
    openingCents: zCents,
    lines: z.array(z.object({ flow: z.string(), cents: zCents })),
    usdCents: zCents.describe("USD held at the quarter's end"),
    minedSats: zSats,
    energyCents: zCents,
    depreciationCents: zCents.describe("The machines' depreciation charged in the quarter"),
    lifeMonths: z.number().describe('The life the machines are depreciated over'),
    energyPerBtcCents: zCents.nullable(),
    withDepreciationPerBtcCents: zCents.nullable(),
    source: z.object({ cash: source, depreciation: source }),
  }),
};

const serviceNetwork = {
  centres: z.array(
    z.object({ id: z.string(), region: z.string(), country: z.string(), technicians: z.number() }),
  ),
  tickets: z.object({
    opened: z.number(),
    fromCustomers: z.number(),
    fromFleet: z.number(),
    rmasShipped: z.number(),
  }),
  turnaround: z.array(
    z.object({
      centreId: z.string(),
      medianDays: z.number().nullable(),
      p90Days: z.number().nullable(),
      slaMetPct: z.number().nullable(),
    }),
  ),
  warrantyCostCents: zCents,
  failureRates: z.array(
    z.object({
      productId: z.string(),
      batch: z.string(),
      foundryLot: z.string().nullable(),
      ticketClass: z.string(),
      ratePct: z.number(),
    }),
  ),
};

const outlookBand = z.object({ p5: zCents, p50: zCents, p95: zCents });
const outlook = {
  quarter: zQuarterText.describe('The quarter after the report'),
  asOf: zDayText.describe("The books and the market as of the report quarter's end"),
  paths: z.number(),
  seed: z.number(),
  revenueCents: outlookBand.describe(
    "The quarter's revenue as this report counts it (machines delivered and AI chips): P5, P50 and P95 over the paths",
  ),
  endCashCents: outlookBand.describe('USD cash at its end'),
  guidance: z.array(
    z.object({
      id: z.number(),
      statement: z.string(),
      metric: z.string(),
      low: z.number().nullable(),
      high: z.number().nullable(),
      chance: z.number().nullable().describe('Share of paths within the range; null where not modelled'),
    }),
  ),
  source,
};

export const GuidanceLine = z.object({
  id: z.number(),
  givenWith: zQuarterText,
  statement: z.string(),
  metric,
  metricName: z.string(),
  period: z.string().describe('A quarter (2021Q1) or a year (2021)'),
  family: z.string().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  actual: z.number().nullable(),
  status: z.enum(['met', 'missed', 'in-progress', 'not-available']),
  source: z.union([source, sources]),
});

const QuarterPoint = z.object({
  quarter: zQuarterText,
  bookedUnits: z.number(),
  bookedTh: z.number(),
  bookedCents: zCents,
  deliveredUnits: z.number(),
  deliveredTh: z.number(),
  revenueCents: zCents,
});

/** The quarterly report as JSON: every figure beside the API path of the records behind it. */
export const QuarterlyReport = z.object({
  quarter: zQuarterText,
  from: zDayText,
  to: zDayText,
  asOf: zDayText.describe('The books as they stand on this day; stocks are as they stood at `to`'),
  source,
  machines: z.object(machines),
  orderBook: z.object(orderBook),
  books: BooksSection,
  aiChips: z.object(aiChips),
  supply: section(supply),
  selfMining: section(selfMining),
  treasury: section(treasury),
  serviceNetwork: section(serviceNetwork),
  guidance: z.object({
    givenWithThisQuarter: z.array(GuidanceLine),
    aboutThisQuarter: z.array(GuidanceLine),
    source,
  }),
  outlook: section(outlook),
  series: z.array(QuarterPoint).describe('Bookings and deliveries of the quarters around this one'),
  closed: z
    .object({
      reopened: z
        .boolean()
        .describe(
          'Reopened since it was last closed: the figures are computed afresh, compared with those closed',
        ),
      closedAt: zInstant,
      closedBy: z.string(),
      hash: z.string().describe('SHA-256 of the figures as frozen when the quarter was closed'),
      currentHash: z.string().describe('The same figures computed from the books today'),
      changedSinceClose: z.boolean(),
      changedSections: z.array(z.string()),
    })
    .nullable()
    .describe(
      'Null until the quarter is first closed; closed, the report is the one frozen then; reopened, computed afresh against the last close',
    ),
});

/** The other formats are the same report rendered; the PDF is bytes. */
export const RenderedReport = {
  content: {
    'application/json': { schema: QuarterlyReport },
    'text/markdown': { schema: z.string() },
    'text/html': { schema: z.string() },
    'application/pdf': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) },
  },
};

export const GuidanceReply = z.object({
  id: z.number(),
  givenWith: zQuarterText,
  metric,
  period: z.string(),
  family: z.string().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  statement: z.string(),
});
export const GuidanceList = z.array(GuidanceReply);

type Out<T extends z.ZodType> = z.output<T>;
type _Report = Out<typeof QuarterlyReport>;
type _Agree = [
  Agrees<Same<_Report['machines'], MachinesSection>>,
  Agrees<Same<_Report['orderBook'], OrderBookSection>>,
  Agrees<Same<_Report['aiChips'], AiChipsSection>>,
  Agrees<Same<Extract<_Report['supply'], { available: true }>, { available: true } & SupplySection>>,
  Agrees<Same<Extract<_Report['selfMining'], { available: true }>, { available: true } & SelfMiningSection>>,
  Agrees<Same<Extract<_Report['treasury'], { available: true }>, { available: true } & TreasurySection>>,
  Agrees<
    Same<Extract<_Report['serviceNetwork'], { available: true }>, { available: true } & ServiceNetworkSection>
  >,
  Agrees<Same<Extract<_Report['outlook'], { available: true }>, { available: true } & OutlookSection>>,
  Agrees<Same<Out<typeof GuidanceLine>, GuidanceLineType>>,
  Agrees<Same<_Report, QuarterlyReportType>>,
  Agrees<Same<Out<typeof GuidanceReply>, Guidance>>,
];
