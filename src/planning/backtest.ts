/**
 * The back-test: for a scenario as of a past day, where what actually happened fell among its
 * paths, quarter by quarter and figure by figure (0 = below every path, 100 = above every path;
 * a model that is right about its uncertainty puts actuals anywhere in between, rarely at the ends).
 */
import type { AppContext } from '../app/context.js';
import {
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Month,
  type Quarter,
  quarterOf,
  todayUtc,
} from '../kernel/calendar.js';
import { centsToNumber } from '../kernel/money.js';
import { marketOn } from '../market/service.js';
import { hashrateByDay } from '../mining/hashrate.js';
import { salesQuarters } from '../sales/figures.js';
import { balancesOn, listMovements } from '../treasury/service.js';
import type { Figure } from './company.js';
import { percentileRank, perPath } from './outcomes.js';
import type { Drawn } from './run.js';

export interface BacktestRow {
  quarter: Quarter;
  figure: Figure | 'btcPriceUsd';
  actual: string;
  /** Where the actual fell among the paths, 0-100. */
  rank: number;
}

/** Payouts a quarter can hold: one a day per pool account, with room. */
const MAX_PAYOUTS = 100_000;

/** Flows are summed over the quarter; stocks read at its end. */
const FIGURES: { figure: Figure | 'btcPriceUsd'; how: 'sum' | 'last' }[] = [
  { figure: 'btcPriceUsd', how: 'last' },
  { figure: 'revenue', how: 'sum' },
  { figure: 'cash', how: 'last' },
  { figure: 'backlog', how: 'last' },
  { figure: 'liabilities', how: 'last' },
  { figure: 'btcMined', how: 'sum' },
  { figure: 'btcHeld', how: 'last' },
  { figure: 'selfMiningEh', how: 'last' },
];

/** The quarters wholly inside the horizon. */
function wholeQuarters(months: readonly Month[]): Quarter[] {
  const quarters = [...new Set(months.map(quarterOf))];
  return quarters.filter((q) => months.filter((m) => quarterOf(m) === q).length === 3);
}

/** The quarters wholly inside the horizon that have ended (by the clock and the market data). */
function pastQuarters(months: readonly Month[], until: Day): Quarter[] {
  return wholeQuarters(months).filter((q) => lastDayOfQuarter(q) <= until);
}

/** The day the back-test of a run made on `today` would gain a quarter; null when it never will. */
export function backtestGrowsOn(months: readonly Month[], today: Day): Day | null {
  return (
    wholeQuarters(months)
      .map(lastDayOfQuarter)
      .find((end) => end > today) ?? null
  );
}

export async function backtest(
  ctx: AppContext,
  drawn: Drawn,
  months: readonly Month[],
): Promise<BacktestRow[]> {
  const today = todayUtc(ctx.clock.now());
  const candidates = pastQuarters(months, today);
  const sales = await salesQuarters(ctx, candidates);
  const rows: BacktestRow[] = [];
  for (const [i, q] of candidates.entries()) {
    const end = lastDayOfQuarter(q);
    const market = await marketOn(ctx, end);
    if (!market || market.day < end) continue;
    const [fleet] = await hashrateByDay(ctx, { from: end, to: end });
    const treasury = await balancesOn(ctx, end);
    const payouts = await listMovements(ctx, {
      source: 'payout',
      from: firstDayOfQuarter(q),
      to: end,
      limit: MAX_PAYOUTS,
    });
    const s = sales[i]!;
    const actual: Partial<Record<Figure | 'btcPriceUsd', number>> = {
      btcPriceUsd: centsToNumber(market.btcUsd),
      // What the report counts as revenue: every delivery, machines and AI chips.
      revenue: Number(s.deliveries.valueCents),
      cash: Number(treasury.usdCents),
      backlog: Number(s.atEnd.backlog.valueCents),
      liabilities: Number(s.atEnd.contractLiabilities.valueCents),
      btcMined: payouts.reduce((sum, p) => sum + Number(p.amount), 0),
      btcHeld: Number(treasury.btcSats),
      selfMiningEh: fleet!.installedPh / 1000,
    };
    const over = months.flatMap((m, k) => (quarterOf(m) === q ? [k] : []));
    for (const { figure, how } of FIGURES) {
      const values = figure === 'btcPriceUsd' ? drawn.market.priceUsd : drawn.company[figure];
      const dist = perPath(values, drawn.market.paths, drawn.market.months, over, how);
      const value = actual[figure]!;
      rows.push({ quarter: q, figure, actual: String(value), rank: percentileRank(dist, value) });
    }
  }
  return rows;
}
