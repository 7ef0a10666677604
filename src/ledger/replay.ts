import { sql } from 'kysely';
import { eventFromRow } from './events.js';
import { inTransaction, type LedgerContext, project } from './ledger.js';

/**
 * Rebuilds every module table of `target` (an empty, migrated database) from `source`'s events, in
 * order, through the same projections that wrote them the first time. Proves the tables are derived.
 */
export async function replayInto(
  source: LedgerContext,
  target: LedgerContext,
  batch = 1000,
): Promise<number> {
  let after = 0n;
  let count = 0;
  for (;;) {
    const rows = await source.db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return count;
    await inTransaction(target.db, async (tx) => {
      for (const row of rows) {
        await sql`insert into events (id, recorded_at, actor, kind, stream, version, payload, counters)
          overriding system value values (${row.id}, ${row.recorded_at}, ${row.actor}, ${row.kind}, ${row.stream},
          ${row.version}, ${JSON.stringify(row.payload)}, ${JSON.stringify(row.counters)})`.execute(tx);
        for (const [name, value] of Object.entries(row.counters)) {
          await sql`insert into counters (name, value) values (${name}, ${value})
            on conflict (name) do update set value = greatest(counters.value, excluded.value)`.execute(tx);
        }
        await project(target.projections, tx, eventFromRow(row));
      }
    });
    after = rows.at(-1)!.id;
    count += rows.length;
  }
}
