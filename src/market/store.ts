import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import type { MarketDay } from './model.js';

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
