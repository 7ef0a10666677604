import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Sats } from '../kernel/bitcoin.js';
import type { Day } from '../kernel/calendar.js';
import type { CashCategory } from './cash-model.js';
import type { Currency, MovementSource } from './model.js';

export type TreasuryTables = {
  treasury_accounts: { code: string; name: string; currency: Currency; created_at: Date };
  treasury_movements: {
    id: bigint;
    event_id: bigint;
    day: string;
    account: string;
    amount: bigint;
    source: MovementSource;
    pool: string | null;
    reference: string | null;
    counter_account: string | null;
    btc_usd: bigint | null;
    flagged: boolean;
    reason: string | null;
    category: CashCategory | null;
    actor: string;
    recorded_at: Date;
  };
  treasury_machine_life: {
    effective_from: string;
    life_months: number;
    reason: string;
    event_id: bigint;
    actor: string;
    recorded_at: Date;
  };
};

const tables = (db: Db) => db.withTables<TreasuryTables>();
const BATCH = 500;

export interface Account {
  code: string;
  name: string;
  currency: Currency;
}

/** A movement as its event carries it; the event adds who, when and its id. */
export interface MovementFact {
  id: number;
  day: Day;
  account: string;
  amount: bigint;
  source: MovementSource;
  pool?: string;
  reference?: string;
  counterAccount?: string;
  btcUsd?: bigint;
  flagged?: boolean;
  reason?: string;
  /** Recorded cash: what it was for. */
  category?: CashCategory;
}

export interface Movement extends MovementFact {
  currency: Currency;
  eventId: bigint;
  actor: string;
  recordedAt: Date;
}

export async function listAccounts(db: Db): Promise<Account[]> {
  return tables(db)
    .selectFrom('treasury_accounts')
    .select(['code', 'name', 'currency'])
    .orderBy('code')
    .execute();
}

export async function findAccount(db: Db, code: string): Promise<Account | undefined> {
  return tables(db)
    .selectFrom('treasury_accounts')
    .select(['code', 'name', 'currency'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function insertAccount(db: Db, a: Account, at: Date): Promise<void> {
  await tables(db)
    .insertInto('treasury_accounts')
    .values({ ...a, created_at: at })
    .execute();
}

export async function insertMovements(
  db: Db,
  facts: MovementFact[],
  event: { id: bigint; actor: string; recordedAt: Date },
): Promise<void> {
  for (let i = 0; i < facts.length; i += BATCH) {
    await tables(db)
      .insertInto('treasury_movements')
      .values(
        facts.slice(i, i + BATCH).map((m) => ({
          id: BigInt(m.id),
          event_id: event.id,
          day: m.day,
          account: m.account,
          amount: m.amount,
          source: m.source,
          pool: m.pool ?? null,
          reference: m.reference ?? null,
          counter_account: m.counterAccount ?? null,
          btc_usd: m.btcUsd ?? null,
          flagged: m.flagged ?? false,
          reason: m.reason ?? null,
          category: m.category ?? null,
          actor: event.actor,
          recorded_at: event.recordedAt,
        })),
      )
      .execute();
  }
}

/** Each account's balance at the end of `day`, every account listed (zero when it has no movement). */
export async function balancesOn(db: Db, day: Day): Promise<(Account & { balance: bigint })[]> {
  const rows = await tables(db)
    .selectFrom('treasury_accounts as a')
    .leftJoin('treasury_movements as m', (j) => j.onRef('m.account', '=', 'a.code').on('m.day', '<=', day))
    .select(['a.code', 'a.name', 'a.currency', sql<bigint>`coalesce(sum(m.amount), 0)::int8`.as('balance')])
    .groupBy(['a.code', 'a.name', 'a.currency'])
    .orderBy('a.code')
    .execute();
  return rows;
}

/**
 * The lowest balance the account has at the end of `day` or of any later day with a movement: what
 * may leave it on `day` without overdrawing it then or later.
 */
export async function lowestBalanceFrom(db: Db, account: string, day: Day): Promise<bigint> {
  const r = await sql<{ lowest: bigint }>`
    with daily as (
      select day, sum(amount) as amount from treasury_movements where account = ${account} group by day
    ), running as (
      select day, sum(amount) over (order by day) as balance from daily
    )
    select least(
      coalesce((select sum(amount) from daily where day <= ${day}), 0),
      -- least() skips a null: no later movement, no later constraint
      (select min(balance) from running where day > ${day})
    )::int8 as lowest`.execute(db);
  return r.rows[0]!.lowest;
}

export interface MovementFilter {
  from?: Day | undefined;
  to?: Day | undefined;
  account?: string | undefined;
  source?: MovementSource | undefined;
  flagged?: boolean | undefined;
  limit: number;
}

export async function selectMovements(db: Db, f: MovementFilter): Promise<Movement[]> {
  let q = tables(db)
    .selectFrom('treasury_movements as m')
    .innerJoin('treasury_accounts as a', 'a.code', 'm.account')
    .selectAll('m')
    .select('a.currency')
    .orderBy('m.day')
    .orderBy('m.id')
    .limit(f.limit);
  if (f.from) q = q.where('m.day', '>=', f.from);
  if (f.to) q = q.where('m.day', '<=', f.to);
  if (f.account) q = q.where('m.account', '=', f.account);
  if (f.source) q = q.where('m.source', '=', f.source);
  if (f.flagged !== undefined) q = q.where('m.flagged', '=', f.flagged);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    day: r.day,
    account: r.account,
    currency: r.currency,
    amount: r.amount,
    source: r.source,
    ...(r.pool !== null ? { pool: r.pool } : {}),
    ...(r.reference !== null ? { reference: r.reference } : {}),
    ...(r.counter_account !== null ? { counterAccount: r.counter_account } : {}),
    ...(r.btc_usd !== null ? { btcUsd: r.btc_usd } : {}),
    flagged: r.flagged,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.category !== null ? { category: r.category } : {}),
    eventId: r.event_id,
    actor: r.actor,
    recordedAt: r.recorded_at,
  }));
}

/** Payouts already recorded among the given (day, pool, reference) keys. */
export async function existingPayouts(
  db: Db,
  keys: { day: Day; pool: string; reference: string }[],
): Promise<{ day: Day; pool: string; reference: string }[]> {
  const found: { day: Day; pool: string; reference: string }[] = [];
  for (let i = 0; i < keys.length; i += BATCH) {
    const chunk = keys.slice(i, i + BATCH);
    const rows = await tables(db)
      .selectFrom('treasury_movements')
      .select(['day', 'pool', 'reference'])
      .where('source', '=', 'payout')
      .where((eb) =>
        eb.or(
          chunk.map((k) =>
            eb.and([eb('day', '=', k.day), eb('pool', '=', k.pool), eb('reference', '=', k.reference)]),
          ),
        ),
      )
      .execute();
    for (const r of rows) found.push({ day: r.day, pool: r.pool!, reference: r.reference! });
  }
  return found;
}

/** Sats paid out by the pools each day of a range (days without a payout are absent). */
export async function payoutSatsByDay(db: Db, from: Day, to: Day): Promise<Map<Day, Sats>> {
  const rows = await tables(db)
    .selectFrom('treasury_movements')
    .select(['day', sql<bigint>`sum(amount)::int8`.as('sats')])
    .where('source', '=', 'payout')
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('day')
    .execute();
  return new Map(rows.map((r) => [r.day, r.sats]));
}

/** BTC held across every BTC account at the end of a day. */
export async function btcHeldOn(db: Db, day: Day): Promise<Sats> {
  const r = await tables(db)
    .selectFrom('treasury_movements as m')
    .innerJoin('treasury_accounts as a', 'a.code', 'm.account')
    .select(sql<bigint>`coalesce(sum(m.amount), 0)::int8`.as('sats'))
    .where('a.currency', '=', 'BTC')
    .where('m.day', '<=', day)
    .executeTakeFirstOrThrow();
  return r.sats;
}

/** All BTC the pools ever paid up to a day, and the first payout day. */
export async function minedUpTo(db: Db, day: Day): Promise<{ sats: Sats; first: Day | null }> {
  const r = await tables(db)
    .selectFrom('treasury_movements')
    .select([sql<bigint>`coalesce(sum(amount), 0)::int8`.as('sats'), (eb) => eb.fn.min('day').as('first')])
    .where('source', '=', 'payout')
    .where('day', '<=', day)
    .executeTakeFirstOrThrow();
  return { sats: r.sats, first: r.first ?? null };
}

/**
 * The USD accounts' movements summed by source and category, dated from `from` (or the beginning)
 * to `to`, one account or all.
 */
export async function usdFlows(
  db: Db,
  range: { from?: Day | undefined; to: Day; account?: string | undefined },
): Promise<{ account: string; source: MovementSource; category: CashCategory | null; cents: bigint }[]> {
  let q = tables(db)
    .selectFrom('treasury_movements as m')
    .innerJoin('treasury_accounts as a', 'a.code', 'm.account')
    .select(['m.account', 'm.source', 'm.category', sql<bigint>`sum(m.amount)::int8`.as('cents')])
    .where('a.currency', '=', 'USD')
    .where('m.day', '<=', range.to)
    .groupBy(['m.account', 'm.source', 'm.category'])
    .orderBy('m.account');
  if (range.from) q = q.where('m.day', '>=', range.from);
  if (range.account) q = q.where('m.account', '=', range.account);
  return q.execute();
}

/** A setting of the machines' life as its event carries it (treasury.machine-life-set). */
export interface MachineLife {
  effectiveFrom: Day;
  lifeMonths: number;
  reason: string;
}

export interface MachineLifeSetting extends MachineLife {
  eventId: bigint;
  actor: string;
  recordedAt: Date;
}

export const machineLifeSetting = (
  m: MachineLife,
  event: { id: bigint; actor: string; recordedAt: Date },
): MachineLifeSetting => ({
  effectiveFrom: m.effectiveFrom,
  lifeMonths: m.lifeMonths,
  reason: m.reason,
  eventId: event.id,
  actor: event.actor,
  recordedAt: event.recordedAt,
});

/** Every setting of the machines' life, earliest effective first. */
export async function selectMachineLife(db: Db): Promise<MachineLifeSetting[]> {
  const rows = await tables(db)
    .selectFrom('treasury_machine_life')
    .selectAll()
    .orderBy('effective_from')
    .execute();
  return rows.map((r) =>
    machineLifeSetting(
      { effectiveFrom: r.effective_from, lifeMonths: r.life_months, reason: r.reason },
      { id: BigInt(r.event_id), actor: r.actor, recordedAt: r.recorded_at },
    ),
  );
}

/** The setting for its day, replacing an earlier one for the same day (the events keep both). */
export async function upsertMachineLife(
  db: Db,
  m: MachineLife,
  event: { id: bigint; actor: string; recordedAt: Date },
): Promise<void> {
  const row = {
    effective_from: m.effectiveFrom,
    life_months: m.lifeMonths,
    reason: m.reason,
    event_id: event.id,
    actor: event.actor,
    recorded_at: event.recordedAt,
  };
  await tables(db)
    .insertInto('treasury_machine_life')
    .values(row)
    .onConflict((oc) => oc.column('effective_from').doUpdateSet(row))
    .execute();
}
