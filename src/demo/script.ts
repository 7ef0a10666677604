/**
 * The demo company's sales history as a script: what was booked each quarter, how, and the few
 * figures the 2020Q4 earnings-call notes pin down (data/demo/README.md lists them). book.ts turns it
 * into contracts and events with a seeded generator and solves the pinned figures exactly.
 */
import type { Day, Month, Quarter } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import type { GuidanceMetric } from '../reporting/guidance-model.js';
import type { SpotConstraint } from './spot-model.js';

export const DEMO_SEED = 'hashforge-demo-2019-2022';
export const DEMO_FIRST_DAY: Day = '2019-01-01';
export const DEMO_LAST_DAY: Day = '2022-06-30';

/**
 * What the notes say about the spot USD/TH of new machines, directly or through their figures; the
 * spot model is fitted within these (src/demo/spot-model.ts).
 */
export const SPOT_CONSTRAINTS: SpotConstraint[] = [
  {
    from: '2021-03-31',
    to: '2021-03-31',
    minUsdPerTh: 50,
    maxUsdPerTh: 100,
    why: 'the notes: "current price $50-100 / TH" at the end of 2021Q1',
  },
  {
    from: '2020-12-01',
    to: '2020-12-31',
    minUsdPerTh: 27,
    maxUsdPerTh: 1000,
    why:
      'the notes: $174M of contracts open at the end of 2020, nearly all of it the 92,000 machines booked in 2020Q4 ' +
      'as futures at no more than 80% of spot, at most 90 TH/s each (A12), mostly in December: about $27/TH or more',
  },
];

/** Months in which the company shipped no futures tranche: the chip shortage of 2020Q4. */
export const NO_TRANCHES_IN: readonly Month[] = ['2020-10', '2020-11', '2020-12'];

export interface SigningWindow {
  from: Day;
  to: Day;
  /** Share of the cohort's units signed in this window. */
  share: number;
}

/** A deal the notes name, booked inside a cohort with the cohort's prices. */
export interface NamedDeal {
  customer: string;
  day: Day;
  units: number;
  tranches: { first: Month; last: Month; count: number };
  depositPercent: number;
}

/** What a cohort's solved figure must come to. */
export type CohortTarget =
  /** Value of every contract open at the end of 2020 (the notes' "contracts worth $0.174b"). */
  | { kind: 'open-contracts-at'; day: Day; valueCents: Cents }
  /** Value of the machines the cohort books ("2021 Q1 sold 156,000 = $0.238b"). */
  | { kind: 'booked-value'; valueCents: Cents }
  /** Revenue of the cohort's spot deliveries (the A12 launch batch: "some $6M" in 2020Q4). */
  | { kind: 'delivered-revenue'; valueCents: Cents };

export interface Cohort {
  key: string;
  /** Machines the cohort books, exactly (named deals included). */
  units: number;
  contracts: number;
  windows: SigningWindow[];
  /** Share of the units sold on spot contracts, shipping within days of signing. */
  spotShare: number;
  products: { high: string; low: string };
  /** Share of units in the high product, drawn per contract, unless a target solves it. */
  highShare: [number, number];
  /** Futures price as a share of the spot USD/TH on the signing day, drawn per contract. */
  discount: [number, number];
  /** Spot contracts' price as a share of the spot USD/TH; a target may solve it instead. */
  spotPremium?: number;
  /** Futures tranches: months after the signing month, at most `count` of them, never before `notBefore`. */
  tranches: { first: number; last: number; count: number; notBefore?: Month };
  depositPercent: number;
  named?: NamedDeal[];
  target?: CohortTarget;
}

const w = (from: Day, to: Day, share = 1): SigningWindow => ({ from, to, share });
const M = 100_000_000n; // $1M in cents

export const MACHINE_COHORTS: Cohort[] = [
  {
    key: '2019Q2',
    units: 30_000,
    contracts: 12,
    windows: [w('2019-04-08', '2019-06-26')],
    spotShare: 0,
    products: { high: 'A1146', low: 'A1047' },
    highShare: [0.3, 0.6],
    discount: [0.6, 0.8],
    // The A10 and A11 generations ship from 2019-10: these are futures on them.
    tranches: { first: 4, last: 8, count: 4, notBefore: '2019-10' },
    depositPercent: 30,
  },
  {
    key: '2019Q3',
    units: 45_000,
    contracts: 16,
    windows: [w('2019-07-02', '2019-09-26')],
    spotShare: 0,
    products: { high: 'A1166', low: 'A1066' },
    highShare: [0.3, 0.7],
    discount: [0.6, 0.8],
    tranches: { first: 3, last: 6, count: 4, notBefore: '2019-10' },
    depositPercent: 30,
  },
  {
    key: '2019Q4',
    units: 35_000,
    contracts: 14,
    windows: [w('2019-10-03', '2019-12-18')],
    spotShare: 0.3,
    products: { high: 'A1166', low: 'A1146' },
    highShare: [0.3, 0.7],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 4, count: 3 },
    depositPercent: 30,
  },
  {
    key: '2020Q1',
    units: 22_000,
    contracts: 10,
    windows: [w('2020-01-06', '2020-03-24')],
    spotShare: 0.4,
    products: { high: 'A1166', low: 'A1146' },
    highShare: [0.3, 0.7],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 3, count: 3 },
    depositPercent: 30,
  },
  {
    key: '2020Q2',
    units: 26_000,
    contracts: 11,
    windows: [w('2020-04-02', '2020-06-24')],
    spotShare: 0.4,
    products: { high: 'A1166', low: 'A1146' },
    highShare: [0.4, 0.8],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 6, count: 4 },
    depositPercent: 30,
  },
  {
    key: '2020Q3',
    units: 32_000,
    contracts: 12,
    windows: [w('2020-07-01', '2020-09-24')],
    spotShare: 0.4,
    products: { high: 'A1166P', low: 'A1166' },
    highShare: [0.4, 0.8],
    discount: [0.6, 0.8],
    // Signed as the chip shortage began: what was due in 2020Q4 ships from 2021-01.
    tranches: { first: 2, last: 9, count: 5 },
    depositPercent: 30,
  },
  {
    // The first A12s: a launch batch sold spot in the last days of 2020 ("start delivery A12 from 2020 Q4").
    key: '2020Q4-launch',
    units: 2_222,
    contracts: 3,
    windows: [w('2020-12-21', '2020-12-27')],
    spotShare: 1,
    products: { high: 'A1246', low: 'A1246' },
    highShare: [1, 1],
    discount: [1, 1],
    tranches: { first: 0, last: 0, count: 1 },
    depositPercent: 0,
    // Canaan reported US$5.86M of 2020Q4 revenue (data/market/canaan_quarterly.csv).
    target: { kind: 'delivered-revenue', valueCents: 586n * (M / 100n) },
  },
  {
    key: '2020Q4',
    units: 92_000 - 2_222,
    contracts: 22,
    windows: [w('2020-11-23', '2020-11-30', 0.1), w('2020-12-01', '2020-12-30', 0.9)],
    spotShare: 0,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.7, 1],
    discount: [0.75, 0.8],
    tranches: { first: 1, last: 18, count: 8 },
    depositPercent: 35,
    named: [
      {
        customer: 'blue-energy',
        day: '2020-12-08',
        units: 15_000,
        tranches: { first: '2021-01', last: '2021-11', count: 6 },
        depositPercent: 35,
      },
    ],
    target: { kind: 'open-contracts-at', day: '2020-12-31', valueCents: 174n * M },
  },
  {
    key: '2021Q1',
    units: 156_000,
    contracts: 40,
    windows: [
      w('2021-01-04', '2021-01-15', 0.8),
      w('2021-02-01', '2021-02-25', 0.14),
      w('2021-03-01', '2021-03-25', 0.06),
    ],
    spotShare: 0.05,
    // The A12 and the last of the A10 stock: the value the notes give needs both.
    products: { high: 'A1246', low: 'A1047' },
    highShare: [0.3, 0.7],
    discount: [0.6, 0.7],
    tranches: { first: 2, last: 15, count: 8 },
    depositPercent: 30,
    target: { kind: 'booked-value', valueCents: 238n * M },
  },
  {
    key: '2021Q2',
    units: 80_000,
    contracts: 24,
    windows: [w('2021-04-01', '2021-06-24')],
    spotShare: 0.2,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.5, 0.9],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 9, count: 6 },
    depositPercent: 30,
  },
  {
    key: '2021Q3',
    units: 70_000,
    contracts: 22,
    windows: [w('2021-07-01', '2021-09-24')],
    spotShare: 0.2,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.6, 0.9],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 9, count: 6 },
    depositPercent: 30,
  },
  {
    key: '2021Q4',
    units: 60_000,
    contracts: 20,
    windows: [w('2021-10-01', '2021-12-17')],
    spotShare: 0.25,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.6, 0.95],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 8, count: 6 },
    depositPercent: 30,
  },
  {
    key: '2022Q1',
    units: 40_000,
    contracts: 14,
    windows: [w('2022-01-04', '2022-03-24')],
    spotShare: 0.3,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.7, 1],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 6, count: 5 },
    depositPercent: 30,
  },
  {
    key: '2022Q2',
    units: 20_000,
    contracts: 8,
    windows: [w('2022-04-04', '2022-06-17')],
    spotShare: 0.4,
    products: { high: 'A1246', low: 'A1166P' },
    highShare: [0.7, 1],
    discount: [0.6, 0.8],
    tranches: { first: 1, last: 6, count: 5 },
    depositPercent: 30,
  },
];

/** The open contracts at the end of 2020 had this much prepaid (the notes' "prepaid 66 M"). */
export const LIABILITY_TARGET = { day: '2020-12-31' as Day, valueCents: 66n * M, payer: 'blue-energy' };

/**
 * K210 AI chips sold per unit each quarter (units, USD per unit): 2020's revenue is three times
 * 2019's ("AI chip sales 2020 increase 3 times"), and 2021's is higher again.
 */
export const AI_CHIP_SALES: { quarter: Quarter; units: number; centsPerUnit: Cents }[] = [
  { quarter: '2019Q1', units: 20_000, centsPerUnit: 600n },
  { quarter: '2019Q2', units: 25_000, centsPerUnit: 600n },
  { quarter: '2019Q3', units: 30_000, centsPerUnit: 600n },
  { quarter: '2019Q4', units: 25_000, centsPerUnit: 600n },
  { quarter: '2020Q1', units: 60_000, centsPerUnit: 500n },
  { quarter: '2020Q2', units: 80_000, centsPerUnit: 500n },
  { quarter: '2020Q3', units: 100_000, centsPerUnit: 500n },
  { quarter: '2020Q4', units: 120_000, centsPerUnit: 500n },
  { quarter: '2021Q1', units: 100_000, centsPerUnit: 500n },
  { quarter: '2021Q2', units: 110_000, centsPerUnit: 500n },
  { quarter: '2021Q3', units: 120_000, centsPerUnit: 500n },
  { quarter: '2021Q4', units: 130_000, centsPerUnit: 500n },
  { quarter: '2022Q1', units: 125_000, centsPerUnit: 500n },
  { quarter: '2022Q2', units: 115_000, centsPerUnit: 500n },
];

/** Small pre-orders of the K510 while it is in testing; they ship after the demo's horizon. */
export const K510_PRE_ORDERS: {
  customer: string;
  day: Day;
  units: number;
  centsPerUnit: Cents;
  month: Month;
}[] = [
  { customer: 'robotica-sensing', day: '2020-11-20', units: 200, centsPerUnit: 2800n, month: '2022-09' },
  { customer: 'smart-home-labs', day: '2020-12-10', units: 300, centsPerUnit: 2800n, month: '2022-09' },
  { customer: 'shenzhen-vision', day: '2021-02-15', units: 500, centsPerUnit: 2800n, month: '2022-10' },
];

/** Customers deferring tranches when Bitcoin fell, and the two who walked away in 2022. */
export const DISRUPTIONS = {
  deferrals: [
    { day: '2021-06-14' as Day, contracts: 5, from: '2021-07' as Month, to: '2021-09' as Month, months: 2 },
    { day: '2022-05-23' as Day, contracts: 4, from: '2022-07' as Month, to: '2022-12' as Month, months: 3 },
  ],
  cancellations: [{ day: '2022-06-15' as Day, contracts: 2, signedFrom: '2021-07-01' as Day }],
};

/** What management said on the 2020Q4 call about what came next; the report sets it against the books. */
export const GUIDANCE: {
  key: string;
  metric: GuidanceMetric;
  period: string;
  family: string | null;
  low: number | null;
  high: number | null;
  statement: string;
}[] = [
  {
    key: 'a12-massive-2021q1',
    metric: 'machine-deliveries-th',
    period: '2021Q1',
    family: 'A12',
    low: 1_000_000,
    high: null,
    statement: 'Successful start delivery A12 from 2020 Q4, and massive delivery from 2021 Q1.',
  },
  {
    key: 'ai-chips-up-2021',
    metric: 'ai-chip-revenue-growth',
    period: '2021',
    family: null,
    low: 1,
    high: null,
    statement: 'Sales for AI chip 2020 increase 3 times compared to 2019. 2021 should go up as well.',
  },
  {
    key: 'self-mining-2-4-eh',
    metric: 'self-mining-ph',
    period: '2021',
    family: null,
    low: 2000,
    high: 4000,
    statement: 'Self-mining around 350-400 PH with A12 and A11; end of year reach 2-4 EH.',
  },
  {
    key: 'self-mining-10pct',
    metric: 'self-mining-share-pct',
    period: '2021',
    family: null,
    low: 8,
    high: 12,
    statement: 'Will keep trying to use 10% of production capacity for self-mining.',
  },
];
