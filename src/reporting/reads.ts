/**
 * What a report computes, remembered between requests for as long as nothing it could read has
 * changed: its sections by quarter and the reads several sections or quarters share (a quarter's
 * sales figures, self-mining's status on a day). An unchanged company answers from memory; any
 * write makes the next request compute afresh.
 *
 * The version an entry holds for is the database's snapshot (`pg_current_snapshot()`: the oldest
 * transaction still running, the next to be numbered and those in flight between) and the day by
 * the clock. Every write transaction takes a number, so any write, committed or in flight, gives a
 * new snapshot; reads take none, so a quiet database keeps its snapshot. One query, no table read.
 *
 * Why not a key made of what the report reads (the ledger's last event, the latest telemetry minute,
 * market row and ticket): the report reads the ledger's projections, but also the fleet's telemetry
 * (measured hashrate and power, up to the quarter's end) and its live state for the current
 * quarter, and token use is written beside them. A telemetry write can land in a past minute (an
 * agent's spool replayed after an outage) without moving the latest minute, and on PostgreSQL two
 * writers can commit their events out of number order, so a "last sequence number" can stay the
 * same while what is visible changes. The snapshot misses neither; its cost is that a write that
 * the report does not read (a sweep of today's telemetry) also starts it afresh — a fleet swept
 * every minute keeps a past quarter's report for that minute, not for good.
 *
 * Inside a transaction nothing is remembered: the transaction's own writes do not change the
 * snapshot it reads. Entries are shared by the requests that find them, so callers never mutate
 * what they are given.
 */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { dayOf } from '../kernel/calendar.js';

export interface ReportReads {
  /** `compute()`'s answer, remembered under `key` while the version holds. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** Computes every time: inside a transaction, and for a test's fresh recomputation. */
export const FRESH: ReportReads = { memo: (_key, compute) => compute() };

interface Remembered {
  version: string;
  entries: Map<string, Promise<unknown>>;
}

const byDatabase = new WeakMap<Db, Remembered>();
/**
 * A quarter's report is about ten entries, its sales quarters and days a dozen more; the pickers
 * offer some twenty quarters. Past this the memory is emptied (a quarter asked again is recomputed).
 */
const MAX_ENTRIES = 400;

/**
 * The version memory holds for. On a PostgreSQL server transaction numbers are the cluster's, so a
 * write to another database on the same server also moves it: an entry is then recomputed sooner
 * than it needed to be, never served stale.
 */
export async function reportVersion(ctx: AppContext): Promise<string> {
  const { rows } = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(
    ctx.db,
  );
  return `${dayOf(ctx.clock.now())} ${rows[0]!.snapshot}`;
}

/** The memory for one report request: read once, at its start. */
export async function reportReads(ctx: AppContext): Promise<ReportReads> {
  if (ctx.db.isTransaction) return FRESH;
  const version = await reportVersion(ctx);
  let held = byDatabase.get(ctx.db);
  if (held?.version !== version || held.entries.size > MAX_ENTRIES) {
    held = { version, entries: new Map() };
    byDatabase.set(ctx.db, held);
  }
  const { entries } = held;
  return {
    memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const found = entries.get(key) as Promise<T> | undefined;
      if (found) return found;
      const computing = compute();
      entries.set(key, computing);
      // A failure is not remembered: the next request tries again.
      computing.catch(() => {
        if (entries.get(key) === computing) entries.delete(key);
      });
      return computing;
    },
  };
}
