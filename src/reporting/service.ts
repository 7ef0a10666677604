/**
 * The quarterly report, composed from the other modules' services: sales for machines, the order
 * book and AI chips; supply, mining and treasury for their sections (sections.ts); the guidance the
 * company gave (guidance.ts). Nothing here reads another module's tables.
 */

import type { AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
import { readOnce } from '../db/read-once.js';
import {
  addQuarters,
  type Day,
  dayOf,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterRange,
  quartersOfYear,
  yearOf,
} from '../kernel/calendar.js';
import { marketOn } from '../market/service.js';
import { miningStatus } from '../mining/targets.js';
import { outlookSection } from '../planning/report-section.js';
import { type ContractAtQuarter, contractsAtQuarter } from '../sales/as-of.js';
import type { SalesQuarter } from '../sales/figures.js';
import { contractsAsOf, salesFigures } from '../sales/figures.js';
import { listContracts, opportunityCost } from '../sales/service.js';
import { serviceNetworkSection } from '../service/report-section.js';
import type { BooksSection } from './books-model.js';
import { booksSection, openAiChipPreOrders } from './books-section.js';
import { guidanceForReport, guidanceReaches, listGuidance } from './guidance.js';
import {
  type AiChipsSection,
  type Amounts,
  addAmounts,
  firstDeliveries,
  type MachinesSection,
  type OrderBookSection,
  type QuarterlyReport,
  type QuarterPoint,
  topCustomers,
  zeroAmounts,
} from './model.js';
import { type ReportReads, reportReads } from './reads.js';
import { selfMiningSection, supplySection, treasurySection } from './sections.js';

const CONTRACTS = '/api/sales/contracts';
const SERIES_BEFORE = 7;

const amounts = (a: Amounts): Amounts => ({ units: a.units, th: a.th, valueCents: a.valueCents });
const families = (byFamily: SalesQuarter['bookings']['byFamily'], kind: 'machine' | 'ai-chip') =>
  byFamily.filter((f) => f.productKind === kind).map((f) => ({ family: f.family, ...amounts(f) }));

/**
 * A quarter's sales figures, read once however many sections and reports use them (a report reads
 * the seven quarters before its own; the next quarter's report reads the same ones).
 */
function salesReader(ctx: AppContext, reads: ReportReads) {
  // The rollups read once: each quarter's figures are computed from them (sales/figures.ts).
  const figures = () => reads.memo('sales rollups', () => salesFigures(ctx));
  return (quarter: Quarter) => reads.memo(`sales ${quarter}`, async () => (await figures())(quarter));
}
export type SalesReader = ReturnType<typeof salesReader>;

/**
 * Self-mining's status on a day (its sites as they stood then), read once however many sections use
 * it (the self-mining section and the guidance both ask for the quarter's end).
 */
function miningReader(ctx: AppContext, reads: ReportReads) {
  return { status: (day: Day) => reads.memo(`mining status ${day}`, () => miningStatus(ctx, day), day) };
}
export type MiningReader = ReturnType<typeof miningReader>;

/** The sections computed side by side, each under its name. */
async function settled<T extends Record<string, Promise<unknown>>>(
  parts: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const names = Object.keys(parts) as (keyof T)[];
  const values = await Promise.all(names.map((n) => parts[n]));
  return Object.fromEntries(names.map((n, i) => [n, values[i]])) as { [K in keyof T]: Awaited<T[K]> };
}

/**
 * The sections a report may be without: each is a `Section`, which can say "not computed" in the
 * report's own shape. A client that shows only some of them asks for those (`sections=`); the
 * frozen report's comparison leaves out those its hashes do not cover (frozen.ts).
 */
export const OPTIONAL_SECTIONS = ['supply', 'selfMining', 'treasury', 'serviceNetwork', 'outlook'] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];
/**
 * The sections about what comes after the quarter or runs on to the day the report is computed,
 * which the frozen report's comparison leaves out (reportHashes): the slowest two to compute.
 */
export type Unhashed = Extract<OptionalSection, 'outlook' | 'serviceNetwork'>;
const NOT_COMPUTED = {
  available: false,
  reason: 'Not computed: not among the sections asked for.',
} as const;

/**
 * The report computed from the books as they stand; frozen.ts serves a closed quarter's as it was
 * closed, and asks for the rest only to compare (`skip`: sections it need not compute for that).
 * Each section is remembered by quarter while nothing it reads changes (reads.ts), so a report asked
 * again, or for the sections it lacked, computes only what is not remembered; `reads: FRESH`
 * computes all of it.
 */
export async function computeQuarterlyReport(
  given: AppContext,
  quarter: Quarter,
  opts: { skip?: readonly OptionalSection[]; reads?: ReportReads } = {},
): Promise<QuarterlyReport> {
  const reads = opts.reads ?? (await reportReads(given));
  // The sections read the same sites, fleet days, builds and prices many times over: each such
  // statement runs once for this report (db/read-once.ts). Inside a transaction the report reads
  // through it as it is.
  const ctx = given.db.isTransaction ? given : { ...given, db: readOnce(given.db) };
  const today = dayOf(ctx.clock.now());
  const from = firstDayOfQuarter(quarter);
  const to = lastDayOfQuarter(quarter);
  const sales = salesReader(ctx, reads);
  const mining = miningReader(ctx, reads);
  // `reaches`: the last day whose measurements (or clock) a section reads (reads.ts); none: the ledger's only.
  const section = <T>(name: string, compute: () => Promise<T>, reaches?: Day) =>
    reads.memo(`${quarter} ${name}`, compute, reaches);
  // Self-mining's share of production is said with its counts, which are supply's allocation (the
  // same builds and shipments): supply is computed whenever self-mining is, asked for or not, so the
  // self-mining section never says a share from a supply section left out.
  const skip = opts.skip?.includes('selfMining') ? opts.skip : opts.skip?.filter((s) => s !== 'supply');
  const optional = <T>(name: OptionalSection, compute: () => Promise<T>, reaches?: Day) =>
    skip?.includes(name) ? Promise.resolve(NOT_COMPUTED) : section(name, compute, reaches);
  const contracts = await reads.memo(`${quarter} contracts`, () => contractsAtQuarter(ctx, quarter));
  const books = await section('books', async () => booksSection(contracts, await sales(quarter)));
  const guidanceReach = await reads.memo(`${quarter} guidance reaches`, () =>
    guidanceReaches(ctx, quarter, today),
  );
  const sections = await settled({
    machines: section('machines', () => machinesSection(ctx, sales, books, quarter, today)),
    orderBook: section('orderBook', () => orderBookSection(ctx, sales, contracts, quarter)),
    aiChips: section('aiChips', () => aiChipsSection(ctx, sales, books, contracts, quarter)),
    supply: optional('supply', () => supplySection(ctx, sales, quarter)),
    selfMining: optional('selfMining', () => selfMiningSection(mining, ctx, quarter), to),
    treasury: optional('treasury', () => treasurySection(ctx, quarter), to),
    serviceNetwork: optional('serviceNetwork', () => serviceNetworkSection(ctx, quarter)),
    guidance: section(
      'guidance',
      () => guidanceForReport(ctx, { sales, mining }, quarter, today),
      guidanceReach,
    ),
    outlook: optional('outlook', () => outlookAfter(ctx, sales, quarter), to),
    series: section('series', () => seriesAround(sales, quarter, today)),
  });
  return {
    quarter,
    from,
    to,
    asOf: today,
    source: `/api/reports/quarterly/${quarter}`,
    books,
    ...sections,
    closed: null,
  };
}

/** The next quarter's outlook, with the guidance recorded about it, from the sales quarters the report reads. */
async function outlookAfter(ctx: AppContext, sales: SalesReader, quarter: Quarter) {
  return outlookSection(ctx, quarter, await listGuidance(ctx), {
    salesQuarters: (quarters) => Promise.all(quarters.map(sales)),
  });
}

async function machinesSection(
  ctx: AppContext,
  sales: SalesReader,
  books: BooksSection,
  quarter: Quarter,
  today: Day,
): Promise<MachinesSection> {
  const q = await sales(quarter);
  const year = yearOf(quarter);
  const ytdQuarters = quartersOfYear(year).filter((x) => x <= quarter);
  let ytd = zeroAmounts();
  for (const x of ytdQuarters) ytd = addAmounts(ytd, (await sales(x)).bookings.machines);
  const earlier = await Promise.all(
    quarterRange(addQuarters(quarter, -4), addQuarters(quarter, -1)).map(sales),
  );
  const signed = await contractsSignedIn(ctx, quarter);
  const next = addQuarters(quarter, 1);
  const nextStarted = firstDayOfQuarter(next) <= today;
  const n = nextStarted ? await sales(next) : undefined;
  const spot = await marketOn(ctx, q.to);
  return {
    bookings: {
      ...amounts(q.bookings.machines),
      contracts: signed.length,
      avgCentsPerTh: q.bookings.avgCentsPerTh,
      byFamily: families(q.bookings.byFamily, 'machine'),
      spot: machineRow(books, 'spot'),
      futures: machineRow(books, 'futures'),
      preOrder: machineRow(books, 'pre-order'),
      source: `${q.bookings.source}&productKind=machine`,
    },
    bookingsYearToDate: {
      ...ytd,
      year,
      quarters: ytdQuarters,
      source: ytdQuarters.map((x) => contractsAsOf(`signedIn=${x}&productKind=machine`, q.to)),
    },
    topCustomers: topCustomers(signed, 3).map((c) => ({
      ...c,
      source: contractsAsOf(`signedIn=${quarter}&productKind=machine&customerId=${c.customerId}`, q.to),
    })),
    deliveries: {
      ...amounts(q.deliveries.machines),
      avgCentsPerTh: q.deliveries.avgCentsPerTh,
      byFamily: families(q.deliveries.byFamily, 'machine'),
      firstDeliveries: firstDeliveries(
        families(q.deliveries.byFamily, 'machine'),
        earlier.map((e) => families(e.deliveries.byFamily, 'machine')),
      ),
      source: `${q.deliveries.source}&productKind=machine`,
    },
    futuresDiscount: {
      ratio: q.futuresDiscount.ratio,
      th: q.futuresDiscount.th,
      lockedCents: q.futuresDiscount.lockedCents,
      spotCents: q.futuresDiscount.spotCents,
      source: q.futuresDiscount.source,
    },
    spotAtEnd: {
      day: q.to,
      centsPerTh: spot?.spotUsdPerTh ?? null,
      source: `/api/market/days/${q.to}`,
    },
    nextQuarter: n
      ? {
          quarter: next,
          complete: lastDayOfQuarter(next) < today,
          bookings: { ...amounts(n.bookings.machines), source: `${n.bookings.source}&productKind=machine` },
          deliveries: {
            ...amounts(n.deliveries.machines),
            byFamily: families(n.deliveries.byFamily, 'machine'),
            source: `${n.deliveries.source}&productKind=machine`,
          },
        }
      : null,
  };
}

/** The machines booked under contracts of one kind: their lines only, each contract counted once. */
function machineRow(books: BooksSection, kind: string) {
  const row = books.bookings.rows.find((r) => r.productKind === 'machine' && r.contractKind === kind);
  return {
    units: row?.units ?? 0,
    th: row?.th ?? 0,
    valueCents: row?.valueCents ?? 0n,
    contracts: row?.contracts ?? 0,
  };
}

/** Machine contracts signed in the quarter as they stood at its end, every page of them. */
async function contractsSignedIn(ctx: AppContext, quarter: Quarter) {
  const all = [];
  const asOf = lastDayOfQuarter(quarter);
  for (let offset = 0; ; offset += 1000) {
    const page = await listContracts(ctx, {
      signedIn: quarter,
      productKind: 'machine',
      asOf,
      limit: 1000,
      offset,
    });
    all.push(...page.contracts);
    if (all.length >= page.total || page.contracts.length === 0) break;
  }
  return all;
}

/** The contracts as they stood at the quarter's end. */
const endStates = (contracts: Map<number, ContractAtQuarter>) => [...contracts.values()].map((c) => c.end);

async function orderBookSection(
  ctx: AppContext,
  sales: SalesReader,
  contracts: Map<number, ContractAtQuarter>,
  quarter: Quarter,
): Promise<OrderBookSection> {
  const q = await sales(quarter);
  const end = q.atEnd;
  const backlog = end.backlog;
  const spot = (await marketOn(ctx, q.to))?.spotUsdPerTh;
  const cost = spot === undefined ? undefined : await opportunityCost(ctx, q.to, endStates(contracts));
  return {
    day: end.day,
    backlog: {
      ...amounts(backlog),
      machines: amounts(backlog.machines),
      aiChips: amounts(backlog.aiChips),
      futures: amounts(backlog.byKind.futures),
      source: backlog.source,
    },
    contractLiabilities: end.contractLiabilities,
    prepaidShare:
      backlog.valueCents > 0n
        ? Number(end.contractLiabilities.valueCents) / Number(backlog.valueCents)
        : null,
    receivables: end.receivables,
    // Late tranches (due by the quarter's end, not delivered) are still to deliver: with them
    // the rows add up to the backlog.
    scheduled: end.scheduled.map((s) => ({
      quarter: s.quarter,
      late: s.late,
      ...amounts(s),
      source: `${CONTRACTS}?backlogAt=${end.day}`,
    })),
    opportunityCost: cost
      ? {
          spotCentsPerTh: cost.spotCentsPerTh,
          th: cost.undeliveredTh,
          lockedCents: cost.lockedCents,
          atSpotCents: cost.atSpotCents,
          opportunityCostCents: cost.opportunityCostCents,
          source: cost.source,
        }
      : null,
  };
}

async function aiChipsSection(
  ctx: AppContext,
  sales: SalesReader,
  books: BooksSection,
  contracts: Map<number, ContractAtQuarter>,
  quarter: Quarter,
): Promise<AiChipsSection> {
  const q = await sales(quarter);
  const year = yearOf(quarter);
  const through = quartersOfYear(year).filter((x) => x <= quarter);
  const sameLastYear = through.map((x) => addQuarters(x, -4));
  let thisYear = 0n;
  let lastYear = 0n;
  for (const x of through) thisYear += (await sales(x)).deliveries.aiChips.valueCents;
  for (const x of sameLastYear) lastYear += (await sales(x)).deliveries.aiChips.valueCents;
  const chips = await listProducts(ctx, { kind: 'ai-chip', asOf: q.to });
  return {
    quarter: {
      units: q.deliveries.aiChips.units,
      revenueCents: q.deliveries.aiChips.valueCents,
      source: `${q.deliveries.source}&productKind=ai-chip`,
    },
    yearToDate: {
      year,
      throughQuarter: quarter,
      thisYearCents: thisYear,
      lastYearSamePeriodCents: lastYear,
      multiple: lastYear > 0n ? Number(thisYear) / Number(lastYear) : null,
      source: [
        contractsAsOf(`deliveredIn=${year}&productKind=ai-chip`, q.to),
        contractsAsOf(`deliveredIn=${year - 1}&productKind=ai-chip`, q.to),
      ],
    },
    preOrders: {
      ...aiChipPreOrdersBooked(books),
      ...openAiChipPreOrders(endStates(contracts)),
      source: `${CONTRACTS}?kind=pre-order&productKind=ai-chip&backlogAt=${q.to}`,
    },
    chips: chips.flatMap((c) =>
      c.kind === 'ai-chip'
        ? [
            {
              id: c.id,
              name: c.name,
              tier: c.tier,
              stage: c.stage,
              predecessor: c.predecessor,
              tops: c.tops,
              source: `/api/catalog/products/${c.id}?asOf=${q.to}`,
            },
          ]
        : [],
    ),
  };
}

/** The quarters before this one (and the one after, once begun) that have any bookings or deliveries. */
async function seriesAround(sales: SalesReader, quarter: Quarter, today: Day): Promise<QuarterPoint[]> {
  const next = addQuarters(quarter, 1);
  const last = firstDayOfQuarter(next) <= today ? next : quarter;
  const points: QuarterPoint[] = [];
  for (const x of quarterRange(addQuarters(quarter, -SERIES_BEFORE), last)) {
    const s = await sales(x);
    points.push({
      quarter: x,
      bookedUnits: s.bookings.machines.units,
      bookedTh: s.bookings.machines.th,
      bookedCents: s.bookings.machines.valueCents,
      deliveredUnits: s.deliveries.machines.units,
      deliveredTh: s.deliveries.machines.th,
      revenueCents: s.deliveries.machines.valueCents,
    });
  }
  const first = points.findIndex((p) => p.bookedUnits > 0 || p.deliveredUnits > 0);
  return first < 0 ? [] : points.slice(first);
}

function aiChipPreOrdersBooked(books: BooksSection) {
  const row = books.bookings.rows.find((r) => r.productKind === 'ai-chip' && r.contractKind === 'pre-order');
  return { bookedUnits: row?.units ?? 0, bookedCents: row?.valueCents ?? 0n };
}
