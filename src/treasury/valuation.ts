/** What the treasury is worth on a day, and the figures the quarterly report takes from it. */
import type { AppContext } from '../app/context.js';
import type { Sats } from '../kernel/bitcoin.js';
import { type Day, firstDayOfQuarter, lastDayOfQuarter, type Quarter, todayUtc } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { marketOn, requireMarketOn } from '../market/service.js';
import { miningCostUpTo } from '../mining/costs.js';
import { costBasisOfHeld, markToMarket, type Valuation } from './model.js';
import { checkWithinBooks } from './operating.js';
import { type Balances, balancesOn, listMovements } from './service.js';
import * as store from './store.js';

export interface TreasuryValuation extends Valuation {
  on: Day;
  /** The market day whose price values the BTC (the latest recorded on or before `on`). */
  marketDay: Day;
  usdCents: Cents;
  /** Everything the pools paid up to the day, and what all mining cost in energy up to it. */
  minedSats: Sats;
  miningCostCents: Cents;
  miningCostSince: Day | null;
}

/**
 * BTC held at the day's price against what it cost to mine: the energy of all mining up to the day,
 * shared over all BTC mined (the held part at the average cost).
 */
export async function valueTreasury(ctx: AppContext, day: Day): Promise<TreasuryValuation> {
  checkWithinBooks(ctx, day, 'on');
  const market = await requireMarketOn(ctx, day, 'on');
  return valueAt(ctx, day, market.btcUsd, market.day);
}

async function valueAt(
  ctx: AppContext,
  day: Day,
  btcUsd: Cents,
  marketDay: Day,
  read: { balances?: Balances } = {},
): Promise<TreasuryValuation> {
  const [balances, mined, cost] = await Promise.all([
    read.balances ?? balancesOn(ctx, day),
    store.minedUpTo(ctx.db, day),
    miningCostUpTo(ctx, day),
  ]);
  const basis = costBasisOfHeld(cost.cents, mined.sats, balances.btcSats);
  return {
    on: day,
    marketDay,
    ...markToMarket(balances.btcSats, btcUsd, basis),
    usdCents: balances.usdCents,
    minedSats: mined.sats,
    miningCostCents: cost.cents,
    miningCostSince: cost.since,
  };
}

/** A figure for the report, with the API path that lists the records behind it. */
export interface Sourced<T> {
  value: T;
  source: string;
}

export interface TreasuryQuarter {
  quarter: Quarter;
  end: Day;
  btcHeldSats: Sourced<Sats>;
  usdCents: Sourced<Cents>;
  /** Null when there is no market data on or before the quarter's end. */
  valueCents: Sourced<Cents | null> & { btcUsd: Cents | null; marketDay: Day | null };
  unrealisedGainCents: Sourced<Cents | null> & { costBasisCents: Cents | null };
  minedInQuarterSats: Sourced<Sats>;
  flaggedSales: Sourced<
    { day: Day; soldSats: Sats; proceedsCents: Cents; btcUsd: Cents; reason: string; actor: string }[]
  >;
}

export async function treasuryQuarter(ctx: AppContext, quarter: Quarter): Promise<TreasuryQuarter> {
  const from = firstDayOfQuarter(quarter);
  const end = lastDayOfQuarter(quarter);
  const today = todayUtc(ctx.clock.now());
  // A quarter under way is valued at its end; one that has not begun is past the books.
  if (from > today)
    throw invalid(
      'quarter',
      `${quarter} has not begun (today is ${today}); ask for this quarter or an earlier one.`,
      'invalid.after-books',
    );
  const balances = await balancesOn(ctx, end);
  const market = await marketOn(ctx, end);
  // The valuation rests on the same balances: handed down rather than read again.
  const valuation = market ? await valueAt(ctx, end, market.btcUsd, market.day, { balances }) : undefined;
  const payouts = await listMovements(ctx, { from, to: end, source: 'payout', limit: 1_000_000 });
  const sales = await listMovements(ctx, { from, to: end, source: 'sale', flagged: true, limit: 1_000_000 });
  const range = `from=${from}&to=${end}`;
  return {
    quarter,
    end,
    btcHeldSats: { value: balances.btcSats, source: `/api/treasury/balances?on=${end}` },
    usdCents: { value: balances.usdCents, source: `/api/treasury/balances?on=${end}` },
    valueCents: {
      value: valuation?.valueCents ?? null,
      btcUsd: market?.btcUsd ?? null,
      marketDay: market?.day ?? null,
      source: `/api/treasury/valuation?on=${end}`,
    },
    unrealisedGainCents: {
      value: valuation?.unrealisedGainCents ?? null,
      costBasisCents: valuation?.costBasisCents ?? null,
      source: `/api/treasury/valuation?on=${end}`,
    },
    minedInQuarterSats: {
      value: payouts.reduce((s, m) => s + m.amount, 0n),
      source: `/api/treasury/movements?source=payout&${range}`,
    },
    flaggedSales: {
      value: sales
        .filter((m) => m.currency === 'BTC')
        .map((m) => ({
          day: m.day,
          soldSats: -m.amount,
          proceedsCents: sales.find((x) => x.eventId === m.eventId && x.currency === 'USD')?.amount ?? 0n,
          btcUsd: m.btcUsd!,
          reason: m.reason!,
          actor: m.actor,
        })),
      source: `/api/treasury/movements?source=sale&flagged=true&${range}`,
    },
  };
}
