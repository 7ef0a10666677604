import { sql } from 'kysely';
import type { Db } from '../db/db.js';

/**
 * The latest event of any of these modules (an event's module is its kind's first word; 0 with
 * none): one probe a module of the index made for it (migration 0961). What a stored or remembered
 * figure was computed through, to tell whether a later event may have changed it.
 */
export async function latestEventOf(db: Db, modules: readonly string[]): Promise<bigint> {
  const r = await sql<{ id: string | null }>`
    select max(latest.id)::text as id from unnest(${[...modules]}::text[]) as m(name),
      lateral (select max(e.id) as id from events e where split_part(e.kind, '.', 1) = m.name) latest`.execute(
    db,
  );
  return BigInt(r.rows[0]?.id ?? 0);
}
