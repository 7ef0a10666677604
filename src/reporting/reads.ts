/**
 * What a report computes, remembered between requests for as long as nothing it could read has
 * changed: its sections by quarter and the reads several sections or quarters share (a quarter's
 * sales figures, self-mining's status on a day). An unchanged company answers from memory.
 *
 * An entry holds while no ledger event has committed that the snapshot the memory started from
 * did not see (src/ledger/latest.ts: each event carries its transaction's number, so one committed
 * out of id order is found as surely as a later one; every module's tables follow the ledger), on
 * the same day by the clock, and while the counter the database bumps with any write of the fleet's
 * measurements for a day before its today (migration 1010's `report_versions.past_measurements`:
 * an agent's spool replayed late, retention) stands still. The counter is bumped at the writer's
 * commit and read committed, so such a write is either seen by the read or has moved the counter
 * before the next request; none is missed.
 *
 * Today's measurements are written every sweep and move neither counter. Only an entry that reads
 * them needs them: one that `reaches` a day from yesterday on (the current quarter's measured
 * hashrate and energy, the fleet's latest polls, the clock of guidance lines on today). Such an entry
 * also holds only while the database's snapshot stands still (`pg_current_snapshot()`: the oldest
 * transaction still running, the next to be numbered and those in flight between), which any write,
 * committed or in flight, moves; a past quarter's entries do not move with it. Yesterday counts as
 * today: the counters' "today" is the database's clock and the report's is the application's, and a
 * day's margin keeps a measurement written just before midnight by one from being missed by the
 * other.
 *
 * A row changed by hand (not by a ledger event's projection) is no event: the report computed
 * afresh shows it after the next event or the next day, and a closed quarter's comparison with its
 * frozen report, which is there to tell it, asks `strict`.
 *
 * Inside a transaction nothing is remembered: the transaction's own writes do not move what it
 * reads. Entries are shared by the requests that find them, so callers never mutate what they are
 * given.
 */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { addDays, type Day, dayOf } from '../kernel/calendar.js';
import { anyEventSince, type ReadSnapshot } from '../ledger/latest.js';

export interface ReportReads {
  /**
   * `compute()`'s answer, remembered under `key` while the version holds. `reaches`: the last day
   * whose measurements it reads, or whose clock it reads (none: only the ledger's tables). An entry
   * that awaits another's answer reaches at least as far as that one.
   */
  memo<T>(key: string, compute: () => Promise<T>, reaches?: Day): Promise<T>;
}

/** Computes every time: inside a transaction, and for a test's fresh recomputation. */
export const FRESH: ReportReads = { memo: (_key, compute) => compute() };

/** What the entries hold for: `settled` for those that read the past only, `live` for the others. */
interface ReportVersion {
  settled: string;
  live: string;
  snapshot: ReadSnapshot;
}

interface Remembered {
  version: ReportVersion;
  /** The snapshot the settled entries were first computed from: an event it did not see empties them. */
  since: ReadSnapshot;
  /** Entries of the past only, kept while `version.settled` holds. */
  settled: Map<string, Promise<unknown>>;
  /** Entries reaching yesterday or later, kept while `version.live` holds too. */
  live: Map<string, Promise<unknown>>;
}

const byDatabase = new WeakMap<Db, Remembered>();
/**
 * A quarter's report is about ten entries, its sales quarters and days a dozen more; the pickers
 * offer some twenty quarters. Past this the memory is emptied (a quarter asked again is recomputed).
 */
const MAX_ENTRIES = 400;

/**
 * The versions memory holds for: one query, no table scanned. On a PostgreSQL server transaction
 * numbers are the cluster's, so a write to another database on the same server also moves `live`:
 * a live entry is then recomputed sooner than it needed to be, never served stale.
 */
async function versions(ctx: AppContext): Promise<ReportVersion> {
  const { rows } = await sql<{ measurements: string | null; snapshot: string }>`
    select (select past_measurements::text from report_versions) as measurements,
      pg_current_snapshot()::text as snapshot`.execute(ctx.db);
  const { measurements, snapshot } = rows[0]!;
  const settled = `${dayOf(ctx.clock.now())} ${measurements ?? '0'}`;
  return { settled, live: `${settled} ${snapshot}`, snapshot };
}

/** The version in full: while it holds, every entry holds. */
export async function reportVersion(ctx: AppContext): Promise<string> {
  return (await versions(ctx)).live;
}

/**
 * The memory for one report request: read once, at its start. `strict`: every entry holds only
 * while the snapshot does, so that a row of a module's tables changed by hand, outside the ledger
 * (no counter moves), is seen at once: for a closed quarter's comparison with its frozen report,
 * whose purpose is to tell exactly that (frozen.ts).
 */
export async function reportReads(ctx: AppContext, opts: { strict?: boolean } = {}): Promise<ReportReads> {
  if (ctx.db.isTransaction) return FRESH;
  const version = await versions(ctx);
  let held = byDatabase.get(ctx.db);
  if (
    held?.version.settled !== version.settled ||
    held.settled.size + held.live.size > MAX_ENTRIES ||
    (await anyEventSince(ctx.db, held.since))
  ) {
    held = { version, since: version.snapshot, settled: new Map(), live: new Map() };
    byDatabase.set(ctx.db, held);
  } else if (held.version.live !== version.live) {
    held = { ...held, version, live: new Map() };
    byDatabase.set(ctx.db, held);
  }
  const { settled, live } = held;
  const yesterday = addDays(dayOf(ctx.clock.now()), -1);
  return {
    memo<T>(key: string, compute: () => Promise<T>, reaches?: Day): Promise<T> {
      const entries = opts.strict || (reaches !== undefined && reaches >= yesterday) ? live : settled;
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
