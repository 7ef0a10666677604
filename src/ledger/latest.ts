import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/db.js';

/**
 * Whether a stored or remembered figure may have changed: it is kept with the snapshot it started
 * reading in (`readSnapshot`), and holds while no event of the modules it reads has committed that
 * the snapshot did not see (`eventsSince`).
 *
 * Why not the latest event's id: on a PostgreSQL server ids are handed out before commit, so a
 * transaction holding id 10 can commit after one holding 11; a reader that remembered "through 11"
 * would miss event 10 until the next write. A counter per module bumped under a lock would order
 * commits, but would make every writer of a module wait for the one before it to commit. Each event
 * carries its transaction's number instead (migration 1050), and the snapshot says exactly which
 * transactions it saw, so an event committed out of order is found as surely as a later one.
 *
 * A snapshot is the database's own: one stored in another database (a rebuild's copy) means nothing
 * there. Inside a transaction its own events are never seen as committed: nothing remembered holds.
 */
export type ReadSnapshot = string;

/** The snapshot a figure is computed from: taken before reading, so a write meanwhile makes it older. */
export async function readSnapshot(db: Db): Promise<ReadSnapshot> {
  const r = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(db);
  return r.rows[0]!.snapshot;
}

/**
 * Whether an event of any of these modules (an event's module is its kind's first word) is visible
 * now that `snapshot` did not see. Only events of transactions from the snapshot's oldest running
 * one on can be such, found at the end of an index per module (migration 1050).
 */
export async function eventsSince(
  db: Db,
  modules: readonly string[],
  snapshot: ReadSnapshot,
): Promise<boolean> {
  const r = await sql<{ changed: boolean }>`
    select exists (
      select 1 from unnest(${[...modules]}::text[]) as m(name),
        lateral (select 1 from events e
          where split_part(e.kind, '.', 1) = m.name and ${unseenBy(sql`e.tx`, snapshot)}
          limit 1) unseen
    ) as changed`.execute(db);
  return r.rows[0]!.changed;
}

/**
 * Whether any event at all is visible now that `snapshot` did not see: a range at the end of the
 * audit order's index (migration 1060), whose key counts events without a number as the oldest.
 */
export async function anyEventSince(db: Db, snapshot: ReadSnapshot): Promise<boolean> {
  const r = await sql<{ changed: boolean }>`
    select exists (
      select 1 from events e where ${unseenBy(sql`coalesce(e.tx, '0'::xid8)`, snapshot)}
    ) as changed`.execute(db);
  return r.rows[0]!.changed;
}

/**
 * An event (its transaction `tx`, as the index at hand has it) the snapshot did not see: only
 * transactions from its oldest running one on can be such.
 */
const unseenBy = (tx: RawBuilder<unknown>, snapshot: ReadSnapshot) =>
  sql`${tx} >= pg_snapshot_xmin(${snapshot}::pg_snapshot) and not pg_visible_in_snapshot(${tx}, ${snapshot}::pg_snapshot)`;
