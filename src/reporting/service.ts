/**
 * The quarterly report, composed from the other modules' services: sales for machines, the order
 * book and AI chips; supply, mining and treasury for their sections (sections.ts); the guidance the
 * company gave (guidance.ts). Nothing here reads another module's tables.
 */
import type { AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
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
import type { SiteView } from '../mining/sites.js';
import { listSites } from '../mining/sites.js';
import type { MiningStatus } from '../mining/targets.js';
import { miningStatus } from '../mining/targets.js';
import type { SalesQuarter } from '../sales/figures.js';
import { listContracts, salesQuarter } from '../sales/service.js';
import { guidanceForReport } from './guidance.js';
import {
  type AiChipsSection,
  type Amounts,
  addAmounts,
  firstDeliveries,
  type MachinesSection,
  type OrderBookSection,
  opportunityCostAt,
  type QuarterlyReport,
  type QuarterPoint,
  topCustomers,
  zeroAmounts,
} from './model.js';
import { selfMiningSection, supplySection, treasurySection } from './sections.js';

const CONTRACTS = '/api/sales/contracts';
const SERIES_BEFORE = 7;

const amounts = (a: Amounts): Amounts => ({ units: a.units, th: a.th, valueCents: a.valueCents });
const families = (byFamily: SalesQuarter['bookings']['byFamily'], kind: 'machine' | 'ai-chip') =>
  byFamily.filter((f) => f.productKind === kind).map((f) => ({ family: f.family, ...amounts(f) }));

/** A quarter's sales figures, read once per report however many sections use them. */
function salesReader(ctx: AppContext) {
  const cache = new Map<Quarter, Promise<SalesQuarter>>();
  return (quarter: Quarter) => {
    let found = cache.get(quarter);
    if (!found) {
      found = salesQuarter(ctx, quarter);
      cache.set(quarter, found);
    }
    return found;
  };
}
export type SalesReader = ReturnType<typeof salesReader>;

/**
 * Self-mining's sites and its status on a day, read once per report however many sections use
 * them (the self-mining section and the guidance both ask for the status at the quarter's end).
 */
function miningReader(ctx: AppContext) {
  const statuses = new Map<Day, Promise<MiningStatus>>();
  let sites: Promise<SiteView[]> | undefined;
  return {
    sites: () => {
      sites ??= listSites(ctx);
      return sites;
    },
    status: (day: Day) => {
      let found = statuses.get(day);
      if (!found) {
        found = miningStatus(ctx, day);
        statuses.set(day, found);
      }
      return found;
    },
  };
}
export type MiningReader = ReturnType<typeof miningReader>;

export async function quarterlyReport(ctx: AppContext, quarter: Quarter): Promise<QuarterlyReport> {
  const today = dayOf(ctx.clock.now());
  const from = firstDayOfQuarter(quarter);
  const to = lastDayOfQuarter(quarter);
  const sales = salesReader(ctx);
  const mining = miningReader(ctx);
  const [machines, orderBook, aiChips, supply, selfMining, treasury, guidance, series] = await Promise.all([
    machinesSection(ctx, sales, quarter, today),
    orderBookSection(ctx, sales, quarter),
    aiChipsSection(ctx, sales, quarter),
    supplySection(ctx, sales, quarter),
    selfMiningSection(mining, ctx, quarter),
    treasurySection(ctx, quarter),
    guidanceForReport(ctx, { sales, mining }, quarter, today),
    seriesAround(sales, quarter, today),
  ]);
  return {
    quarter,
    from,
    to,
    asOf: today,
    source: `/api/reports/quarterly/${quarter}`,
    machines,
    orderBook,
    aiChips,
    supply,
    selfMining,
    treasury,
    guidance,
    series,
  };
}

async function machinesSection(
  ctx: AppContext,
  sales: SalesReader,
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
      contracts: q.bookings.contracts,
      avgCentsPerTh: q.bookings.avgCentsPerTh,
      byFamily: families(q.bookings.byFamily, 'machine'),
      spot: byContractKind(signed, 'spot'),
      futures: byContractKind(signed, 'futures'),
      source: `${q.bookings.source}&productKind=machine`,
    },
    bookingsYearToDate: {
      ...ytd,
      year,
      quarters: ytdQuarters,
      source: ytdQuarters.map((x) => `${CONTRACTS}?signedIn=${x}&productKind=machine`),
    },
    topCustomers: topCustomers(signed, 3).map((c) => ({
      ...c,
      source: `${CONTRACTS}?signedIn=${quarter}&productKind=machine&customerId=${c.customerId}`,
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

/** Contracts of one kind among those given: whole contracts, so a mixed one counts all its lines. */
function byContractKind(contracts: Awaited<ReturnType<typeof contractsSignedIn>>, kind: string) {
  const of = contracts.filter((c) => c.kind === kind);
  return {
    units: of.reduce((s, c) => s + c.units, 0),
    th: of.reduce((s, c) => s + c.th, 0),
    valueCents: of.reduce((s, c) => s + c.valueCents, 0n),
    contracts: of.length,
  };
}

/** Machine contracts signed in the quarter, every page of them. */
async function contractsSignedIn(ctx: AppContext, quarter: Quarter) {
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listContracts(ctx, { signedIn: quarter, productKind: 'machine', limit: 1000, offset });
    all.push(...page.contracts);
    if (all.length >= page.total || page.contracts.length === 0) break;
  }
  return all;
}

async function orderBookSection(
  ctx: AppContext,
  sales: SalesReader,
  quarter: Quarter,
): Promise<OrderBookSection> {
  const q = await sales(quarter);
  const end = q.atEnd;
  const backlog = end.backlog;
  const spot = (await marketOn(ctx, q.to))?.spotUsdPerTh;
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
    scheduled: end.scheduled
      .filter((s) => !s.late)
      .map((s) => ({
        quarter: s.quarter,
        late: s.late,
        ...amounts(s),
        source: `${CONTRACTS}?backlogAt=${end.day}`,
      })),
    opportunityCost:
      spot === undefined
        ? null
        : {
            ...opportunityCostAt(backlog.byKind.futures, spot),
            source: `${CONTRACTS}?backlogAt=${end.day}&kind=futures&productKind=machine`,
          },
  };
}

async function aiChipsSection(
  ctx: AppContext,
  sales: SalesReader,
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
  const chips = await listProducts(ctx, { kind: 'ai-chip' });
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
        `${CONTRACTS}?deliveredIn=${year}&productKind=ai-chip`,
        `${CONTRACTS}?deliveredIn=${year - 1}&productKind=ai-chip`,
      ],
    },
    preOrders: {
      bookedUnits: q.bookings.byKind['pre-order'].units,
      bookedCents: q.bookings.byKind['pre-order'].valueCents,
      openUnits: q.atEnd.backlog.byKind['pre-order'].units,
      openCents: q.atEnd.backlog.byKind['pre-order'].valueCents,
      source: `${CONTRACTS}?kind=pre-order&backlogAt=${q.to}`,
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
              source: `/api/catalog/products/${c.id}`,
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
