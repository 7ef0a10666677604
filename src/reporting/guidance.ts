/**
 * Guidance: recording what the company told investors, and setting it against the books.
 */
import type { Actor, AppContext } from '../app/context.js';
import {
  addQuarters,
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterMonths,
  quartersOfYear,
  yearOf,
} from '../kernel/calendar.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import { recorder } from '../ledger/events.js';
import { nextNumber } from '../ledger/ledger.js';
import { unitsShipped } from '../mining/deployments.js';
import { listBuilds } from '../supply/service.js';
import type { ReportingEvent } from './events.js';
import {
  checkGuidance,
  GUIDANCE_METRICS,
  type Guidance,
  type GuidanceInput,
  guidanceStatus,
  periodEnd,
} from './guidance-model.js';
import type { GuidanceLine } from './model.js';
import type { MiningReader, SalesReader } from './service.js';
import { selectGuidance } from './store.js';

/** The report's figures read once per report: a quarter's sales, self-mining's sites and status. */
type Readers = { sales: SalesReader; mining: MiningReader };

const recordReporting = recorder<ReportingEvent>();

export async function recordGuidance(
  ctx: AppContext,
  actor: Actor,
  input: GuidanceInput,
  idempotencyKey?: string,
): Promise<Guidance> {
  return recordReporting(
    ctx,
    {
      actor,
      kind: 'reporting.guidance-recorded',
      stream: 'reporting:guidance',
      idempotencyKey,
      request: input,
    },
    async (tx) =>
      ({ ...checkGuidance(input), id: await nextNumber(tx, 'reporting-guidance') }) satisfies Guidance,
    async (_tx, event) => event.payload,
  );
}

export const listGuidance = (ctx: AppContext, filter: { givenWith?: Quarter } = {}) =>
  selectGuidance(ctx.db, filter);

const CONTRACTS = '/api/sales/contracts';

/** The quarters of a period that have begun by `today`. */
function quartersSoFar(period: string, today: Day): Quarter[] {
  const quarters = period.includes('Q') ? [period] : quartersOfYear(Number(period));
  return quarters.filter((q) => firstDayOfQuarter(q) <= today);
}

/** The day a self-mining hashrate line reads the status of: its period's end, or today while it runs. */
const statusDay = (g: Guidance, today: Day): Day =>
  periodEnd(g.period) < today ? periodEnd(g.period) : today;

/** What the books say of a guided metric over its period so far, and where its records are listed. */
async function actualOf(
  ctx: AppContext,
  { sales, mining }: Readers,
  g: Guidance,
  today: Day,
): Promise<{ actual: number | null; source: string | string[] }> {
  const quarters = quartersSoFar(g.period, today);
  const sum = async (pick: (q: Awaited<ReturnType<SalesReader>>) => number) => {
    let total = 0;
    for (const q of quarters) total += pick(await sales(q));
    return total;
  };
  const family = <
    T extends { family: string; productKind: string; units: number; th: number; valueCents: bigint },
  >(
    rows: T[],
  ) => rows.filter((f) => f.productKind === 'machine' && f.family === g.family);
  const usd = (cents: bigint) => Number(cents) / 100;
  const familyFilter = g.family ? `&family=${g.family}` : '';
  switch (g.metric) {
    case 'machine-bookings-units':
      return {
        actual: await sum((q) =>
          g.family ? family(q.bookings.byFamily).reduce((s, f) => s + f.units, 0) : q.bookings.machines.units,
        ),
        source: `${CONTRACTS}?signedIn=${g.period}&productKind=machine${familyFilter}`,
      };
    case 'machine-bookings-usd':
      return {
        actual: await sum((q) =>
          usd(
            g.family
              ? family(q.bookings.byFamily).reduce((s, f) => s + f.valueCents, 0n)
              : q.bookings.machines.valueCents,
          ),
        ),
        source: `${CONTRACTS}?signedIn=${g.period}&productKind=machine${familyFilter}`,
      };
    case 'machine-deliveries-th':
      return {
        actual: await sum((q) =>
          g.family ? family(q.deliveries.byFamily).reduce((s, f) => s + f.th, 0) : q.deliveries.machines.th,
        ),
        source: `${CONTRACTS}?deliveredIn=${g.period}&productKind=machine${familyFilter}`,
      };
    case 'revenue-usd':
      return {
        actual: await sum((q) => usd(q.deliveries.valueCents)),
        source: `${CONTRACTS}?deliveredIn=${g.period}`,
      };
    case 'ai-chip-revenue-usd':
      return {
        actual: await sum((q) => usd(q.deliveries.aiChips.valueCents)),
        source: `${CONTRACTS}?deliveredIn=${g.period}&productKind=ai-chip`,
      };
    case 'ai-chip-revenue-growth': {
      const year = yearOf(g.period);
      const before = quarters.map((q) => addQuarters(q, -4));
      let thisYear = 0n;
      let lastYear = 0n;
      for (const q of quarters) thisYear += (await sales(q)).deliveries.aiChips.valueCents;
      for (const q of before) lastYear += (await sales(q)).deliveries.aiChips.valueCents;
      return {
        actual: lastYear > 0n && quarters.length > 0 ? Number(thisYear) / Number(lastYear) : null,
        source: [
          `${CONTRACTS}?deliveredIn=${year}&productKind=ai-chip`,
          `${CONTRACTS}?deliveredIn=${year - 1}&productKind=ai-chip`,
        ],
      };
    }
    case 'self-mining-ph': {
      const end = statusDay(g, today);
      const status = await mining.status(end);
      if (status.sites.length === 0) return { actual: null, source: '/api/mining/sites' };
      return {
        actual: status.measuredPh ?? status.installedThs / TH_PER_PH,
        source: `/api/mining/status?on=${end}`,
      };
    }
    case 'self-mining-share-pct': {
      const months = new Set<string>(quarters.flatMap((q) => quarterMonths(q)));
      const built = (await listBuilds(ctx))
        .filter((b) => months.has(b.month))
        .reduce((s, b) => s + b.units, 0);
      let shipped = 0;
      for (const q of quarters) shipped += await unitsShipped(ctx, firstDayOfQuarter(q), lastDayOfQuarter(q));
      return {
        actual: built > 0 ? (shipped / built) * 100 : null,
        source: ['/api/supply/builds', '/api/mining/deployments'],
      };
    }
  }
}

async function line(ctx: AppContext, readers: Readers, g: Guidance, today: Day): Promise<GuidanceLine> {
  const { actual, source } = await actualOf(ctx, readers, g, today);
  return {
    ...g,
    metricName: GUIDANCE_METRICS[g.metric],
    actual,
    status: guidanceStatus(g, actual, today),
    source,
  };
}

/** Guidance given with this quarter's results, and guidance given earlier about this quarter or its year. */
async function guidanceOfReport(ctx: AppContext, quarter: Quarter) {
  const year = String(yearOf(quarter));
  const all = await selectGuidance(ctx.db, { givenWith: quarter, periods: [quarter, year] });
  return {
    given: all.filter((g) => g.givenWith === quarter),
    about: all.filter((g) => g.givenWith < quarter && (g.period === quarter || g.period === year)),
  };
}

/**
 * The last day whose measurements the report's guidance reads (a self-mining hashrate line's status
 * at its period's end, or today while the period runs); undefined when no line reads any.
 */
export async function guidanceReaches(
  ctx: AppContext,
  quarter: Quarter,
  today: Day,
): Promise<Day | undefined> {
  const { given, about } = await guidanceOfReport(ctx, quarter);
  let last: Day | undefined;
  for (const g of [...given, ...about]) {
    if (g.metric !== 'self-mining-ph') continue;
    const end = statusDay(g, today);
    if (last === undefined || end > last) last = end;
  }
  return last;
}

export async function guidanceForReport(ctx: AppContext, readers: Readers, quarter: Quarter, today: Day) {
  const { given, about } = await guidanceOfReport(ctx, quarter);
  return {
    givenWithThisQuarter: await Promise.all(given.map((g) => line(ctx, readers, g, today))),
    aboutThisQuarter: await Promise.all(about.map((g) => line(ctx, readers, g, today))),
    source: `/api/reports/guidance?givenWith=${quarter}`,
  };
}
