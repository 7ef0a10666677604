import type { Actor, AppContext } from '../app/context.js';
import { addDays, type Day, daysBetween } from '../kernel/calendar.js';
import { AppError, invalid, ruleBroken } from '../kernel/errors.js';
import { recorder } from '../ledger/events.js';
import { parseMarketCsv, type RejectedLine } from './csv.js';
import type { MarketEvent } from './events.js';
import {
  blockSubsidySats,
  expectedBtcPerThPerDay,
  hashpriceUsdPerThDay,
  type MarketDay,
  type MarketMonthTotals,
  networkHashrateThs,
} from './model.js';
import * as store from './store.js';

const recordMarket = recorder<MarketEvent>();

/** A market day with what mining economics derive from it. */
export interface MarketView extends MarketDay {
  networkHashrateThs: number;
  blockSubsidySats: bigint;
  expectedBtcPerThPerDay: number;
  hashpriceUsdPerThDay: number;
}

export function describeDay(d: MarketDay): MarketView {
  const args = { difficulty: d.difficulty, day: d.day, feesPerBlockSats: d.feesPerBlockSats };
  return {
    ...d,
    networkHashrateThs: networkHashrateThs(d.difficulty),
    blockSubsidySats: blockSubsidySats(d.day),
    expectedBtcPerThPerDay: expectedBtcPerThPerDay(args),
    hashpriceUsdPerThDay: hashpriceUsdPerThDay({ ...args, btcUsd: d.btcUsd }),
  };
}

/** The market in force on `day` (the latest recorded day not after it), or undefined before any data. */
export async function marketOn(ctx: AppContext, day: Day): Promise<MarketDay | undefined> {
  return store.dayInForce(ctx.db, day);
}

/** Like marketOn, but a missing market is the caller's problem to explain: a 409 naming the day. */
export async function requireMarketOn(ctx: AppContext, day: Day, field = 'day'): Promise<MarketDay> {
  const found = await store.dayInForce(ctx.db, day);
  if (!found) {
    throw ruleBroken(
      'market.no-data',
      `There is no market data on or before ${day}; import some with \`hashforge market import\`.`,
      field,
    );
  }
  return found;
}

export async function marketRange(ctx: AppContext, from: Day, to: Day): Promise<MarketDay[]> {
  if (from > to) throw invalid('from', `from (${from}) must not be after to (${to}).`);
  return store.daysBetween(ctx.db, from, to);
}

/** The recorded days from `from` to `to` added up by month (model.ts), the last month the latest. */
export async function marketMonths(ctx: AppContext, from: Day, to: Day): Promise<MarketMonthTotals[]> {
  if (from > to) throw invalid('from', `from (${from}) must not be after to (${to}).`);
  return store.monthTotalsBetween(ctx.db, from, to);
}

/** Calendar days a page of `marketDays` spans: at most this many rows, one a day. */
const PAGE_DAYS = 5000;

/**
 * The recorded days from `from` to `to`, read as they are consumed a window of days at a time: a
 * range of any length in flat memory (the CLI prints a million days this way). Windows of the key
 * rather than `order by day limit n`: PGlite runs no autovacuum, so the planner has no statistics
 * and would sort every day after the key for each page (quadratic over a long range).
 */
export function marketDays(ctx: AppContext, from: Day, to: Day): AsyncIterable<MarketDay> {
  if (from > to) throw invalid('from', `from (${from}) must not be after to (${to}).`);
  return (async function* () {
    for (let start = from, last = ''; last !== to; start = addDays(last, 1)) {
      last = daysBetween(start, to) < PAGE_DAYS ? to : addDays(start, PAGE_DAYS - 1);
      yield* await store.daysBetween(ctx.db, start, last);
    }
  })();
}

export const marketCoverage = (ctx: AppContext) => store.coverage(ctx.db);

export interface ImportResult {
  imported: number;
  first: Day | null;
  last: Day | null;
}

/**
 * Imports a CSV of market days, all or nothing: one bad row refuses the file, naming every row at
 * fault, so that a half-loaded history never feeds the reports.
 */
export async function importMarketCsv(
  ctx: AppContext,
  actor: Actor,
  text: string,
  opts: { source: string; idempotencyKey?: string | undefined },
): Promise<ImportResult> {
  const parsed = parseMarketCsv(text);
  if (parsed.rejected.length > 0) throw rejectedRows(parsed.rejected);
  if (parsed.rows.length === 0) throw invalid('csv', 'The market file has a header but no days.');
  const days = parsed.rows.map(({ spotUsdPerTh: _s, ...d }) => d);
  const spot = parsed.rows.flatMap((d) => (d.spotUsdPerTh ? [{ day: d.day, usdPerTh: d.spotUsdPerTh }] : []));
  return recordMarket(
    ctx,
    {
      actor,
      kind: 'market.days-imported',
      stream: 'market',
      idempotencyKey: opts.idempotencyKey,
      request: { source: opts.source, days, spot },
    },
    async () => ({ source: opts.source, days, spot }),
    async () => ({ imported: days.length, first: days[0]?.day ?? null, last: days.at(-1)?.day ?? null }),
  );
}

/** Records the spot price of new machines (USD per TH/s) on given days, from a named source. */
export async function setSpotPrices(
  ctx: AppContext,
  actor: Actor,
  prices: { day: Day; usdPerTh: bigint }[],
  source: string,
  idempotencyKey?: string,
): Promise<{ recorded: number }> {
  return recordMarket(
    ctx,
    { actor, kind: 'market.spot-prices-set', stream: 'market', idempotencyKey, request: { prices, source } },
    async () => ({ prices, source }),
    async () => ({ recorded: prices.length }),
  );
}

function rejectedRows(rows: RejectedLine[]): AppError {
  const first = rows[0]!;
  return new AppError(
    'invalid',
    'market.rows-rejected',
    `${rows.length} row(s) rejected, nothing imported; first: line ${first.line}, ${first.field}: ${first.reason}`,
    first.field,
    { rejected: rows },
  );
}
