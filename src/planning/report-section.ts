/**
 * The quarterly report's "Outlook" section: the next quarter's revenue (machines delivered and AI
 * chips, the report's own revenue) and end cash as a planning run from the books at the report
 * quarter's end sees them (P5, P50, P95), and the chance that each
 * guidance line about that quarter is met. The run is fixed so the report stays quick and the same
 * every time: the calibrated price model, OUTLOOK_PATHS paths, seed OUTLOOK_SEED, three months.
 */
import type { AppContext } from '../app/context.js';
import { addQuarters, type Day, lastDayOfQuarter, type Quarter } from '../kernel/calendar.js';
import { AppError } from '../kernel/errors.js';
import type { Section } from '../reporting/model.js';
import { perPath } from './outcomes.js';
import { draw, prepare } from './run.js';
import { ScenarioBody } from './schemas.js';
import type { StartReads } from './start.js';
import { percentileOfSorted } from './statistics.js';

export const OUTLOOK_PATHS = 1000;
export const OUTLOOK_SEED = 1;
const QUARTER_MONTHS = 3;

/** A guidance line as the report has it. */
export interface GuidanceAbout {
  id: number;
  statement: string;
  metric: string;
  period: string;
  low: number | null;
  high: number | null;
}

export interface OutlookBand {
  p5: bigint;
  p50: bigint;
  p95: bigint;
}

export interface OutlookSection {
  quarter: Quarter;
  asOf: Day;
  paths: number;
  seed: number;
  revenueCents: OutlookBand;
  endCashCents: OutlookBand;
  guidance: {
    id: number;
    statement: string;
    metric: string;
    low: number | null;
    high: number | null;
    /** Share of paths within the range (0-1); null for a measure the paths do not model. */
    chance: number | null;
  }[];
  source: string;
}

const CENTS_PER_USD = 100;
const TH_PER_PH = 1000;

function band(values: Float64Array): OutlookBand {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => BigInt(Math.round(percentileOfSorted(sorted, p)));
  return { p5: at(5), p50: at(50), p95: at(95) };
}

/** The share of values within [low, high], either end open when not given. */
export function chanceWithin(values: Float64Array, low: number | null, high: number | null): number {
  let inside = 0;
  for (const v of values) if ((low === null || v >= low) && (high === null || v <= high)) inside++;
  return values.length === 0 ? 0 : inside / values.length;
}

/** `reads`: the report's own reads, shared with the run (start.ts). */
export async function outlookSection(
  ctx: AppContext,
  quarter: Quarter,
  guidance: readonly GuidanceAbout[],
  reads: StartReads = {},
): Promise<Section<OutlookSection>> {
  const next = addQuarters(quarter, 1);
  const asOf = lastDayOfQuarter(quarter);
  const input = ScenarioBody.parse({
    name: `Outlook ${next}`,
    asOf,
    horizonMonths: QUARTER_MONTHS,
    paths: OUTLOOK_PATHS,
    seed: OUTLOOK_SEED,
  });
  let drawn: Awaited<ReturnType<typeof draw>>;
  try {
    drawn = await draw(await prepare(ctx, input, reads));
  } catch (e) {
    // A quarter before enough market history, or after the last of it, has no outlook to give.
    if (e instanceof AppError) return { available: false, reason: e.message };
    throw e;
  }
  const { paths, months } = drawn.market;
  const all = [0, 1, 2];
  const revenue = perPath(drawn.company.revenue, paths, months, all, 'sum');
  const cash = perPath(drawn.company.cash, paths, months, all, 'last');
  const eh = perPath(drawn.company.selfMiningEh, paths, months, all, 'last');
  const modelled: Record<string, { values: Float64Array; scale: number }> = {
    'revenue-usd': { values: revenue, scale: CENTS_PER_USD },
    'self-mining-ph': { values: eh, scale: 1 / TH_PER_PH },
  };
  return {
    available: true,
    quarter: next,
    asOf,
    paths: OUTLOOK_PATHS,
    seed: OUTLOOK_SEED,
    revenueCents: band(revenue),
    endCashCents: band(cash),
    guidance: guidance
      .filter((g) => g.period === next)
      .map((g) => {
        const m = modelled[g.metric];
        const scaled = (x: number | null) => (x === null || !m ? null : x * m.scale);
        return {
          id: g.id,
          statement: g.statement,
          metric: g.metric,
          low: g.low,
          high: g.high,
          chance: m ? chanceWithin(m.values, scaled(g.low), scaled(g.high)) : null,
        };
      }),
    source: '/api/planning/scenarios',
  };
}
