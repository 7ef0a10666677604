import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import type { MarketDay, MarketMonthTotals } from './model.js';

export type MarketTables = {
  market_days: { day: string; btc_usd: bigint; difficulty: number; fees_per_block_sats: bigint };
  market_spot_prices: { day: string; usd_per_th: bigint; source: string };
};

const tables = (db: Db) => db.withTables<MarketTables>();
const BATCH = 500;

export async function upsertDays(db: Db, days: MarketDay[]): Promise<void> {
  for (let i = 0; i < days.length; i += BATCH) {
    const rows = days.slice(i, i + BATCH).map((d) => ({
      day: d.day,
      btc_usd: d.btcUsd,
      difficulty: d.difficulty,
      fees_per_block_sats: d.feesPerBlockSats,
    }));
    await tables(db)
      .insertInto('market_days')
      .values(rows)
      .onConflict((oc) =>
        oc.column('day').doUpdateSet((eb) => ({
          btc_usd: eb.ref('excluded.btc_usd'),
          difficulty: eb.ref('excluded.difficulty'),
          fees_per_block_sats: eb.ref('excluded.fees_per_block_sats'),
        })),
      )
      .execute();
  }
}

export async function upsertSpotPrices(
  db: Db,
  prices: { day: Day; usdPerTh: bigint }[],
  source: string,
): Promise<void> {
  for (let i = 0; i < prices.length; i += BATCH) {
    const rows = prices.slice(i, i + BATCH).map((p) => ({ day: p.day, usd_per_th: p.usdPerTh, source }));
    await tables(db)
      .insertInto('market_spot_prices')
      .values(rows)
      .onConflict((oc) =>
        oc.column('day').doUpdateSet((eb) => ({
          usd_per_th: eb.ref('excluded.usd_per_th'),
          source: eb.ref('excluded.source'),
        })),
      )
      .execute();
  }
}

/** The market in force on a day: the latest recorded day not after it (markets skip no day, users' files may). */
export async function dayInForce(db: Db, day: Day): Promise<MarketDay | undefined> {
  const row = await tables(db)
    .selectFrom('market_days')
    .selectAll()
    .where('day', '<=', day)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const spot = await spotInForce(db, day);
  return toDay(row, spot);
}

export async function spotInForce(db: Db, day: Day): Promise<bigint | undefined> {
  const row = await tables(db)
    .selectFrom('market_spot_prices')
    .select('usd_per_th')
    .where('day', '<=', day)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.usd_per_th;
}

export async function daysBetween(db: Db, from: Day, to: Day): Promise<MarketDay[]> {
  const rows = await tables(db)
    .selectFrom('market_days as m')
    .leftJoin('market_spot_prices as s', 's.day', 'm.day')
    .select(['m.day', 'm.btc_usd', 'm.difficulty', 'm.fees_per_block_sats', 's.usd_per_th'])
    .where('m.day', '>=', from)
    .where('m.day', '<=', to)
    .orderBy('m.day')
    .execute();
  return rows.map((r) => toDay(r, r.usd_per_th ?? undefined));
}

/**
 * The days from `from` to `to` added up by month (model.ts), one row a month rather than one a day:
 * each sum an aggregate ordered by day, which also keeps PostgreSQL from splitting it among
 * parallel workers, so the doubles are added in the order `monthTotals` adds them. An int8 made a
 * double and a double divided by 100 round as `Number()` and `/ 100` do (IEEE, to nearest), and
 * float8 is sent in its shortest exact text.
 */
export async function monthTotalsBetween(db: Db, from: Day, to: Day): Promise<MarketMonthTotals[]> {
  const { rows } = await sql<{
    month: string;
    days: number;
    last_btc_usd: bigint;
    difficulty: number;
    fees: number;
    spot_days: number;
    spot: number | null;
  }>`
    select to_char(m.day, 'YYYY-MM') as month,
           count(*)::int as days,
           (array_agg(m.btc_usd order by m.day desc))[1] as last_btc_usd,
           sum(m.difficulty order by m.day) as difficulty,
           sum(m.fees_per_block_sats::float8 order by m.day) as fees,
           count(s.usd_per_th)::int as spot_days,
           sum(s.usd_per_th::float8 / 100 order by m.day) as spot
      from market_days m
      left join market_spot_prices s on s.day = m.day
     where m.day >= ${from} and m.day <= ${to}
     group by 1
     order by 1`.execute(db);
  return rows.map((r) => ({
    month: r.month,
    days: r.days,
    lastBtcUsd: r.last_btc_usd,
    difficulty: r.difficulty,
    feesPerBlockSats: r.fees,
    spotDays: r.spot_days,
    spotUsdPerTh: r.spot ?? 0,
  }));
}

export async function coverage(db: Db): Promise<{ first: Day | null; last: Day | null; days: number }> {
  const r = await tables(db)
    .selectFrom('market_days')
    .select((eb) => [
      eb.fn.min('day').as('first'),
      eb.fn.max('day').as('last'),
      eb.fn.countAll<bigint>().as('days'),
    ])
    .executeTakeFirstOrThrow();
  return { first: r.first ?? null, last: r.last ?? null, days: Number(r.days) };
}

function toDay(
  r: { day: string; btc_usd: bigint; difficulty: number; fees_per_block_sats: bigint },
  spot: bigint | undefined,
): MarketDay {
  return {
    day: r.day,
    btcUsd: r.btc_usd,
    difficulty: r.difficulty,
    feesPerBlockSats: r.fees_per_block_sats,
    ...(spot !== undefined ? { spotUsdPerTh: spot } : {}),
  };
}
