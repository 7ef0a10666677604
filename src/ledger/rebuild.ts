import { sql } from 'kysely';
import type { LedgerContext } from './ledger.js';
import { type PhasedProgress, silentProgress } from './progress.js';
import { replaySnapshot } from './replay.js';
import { readRows, restoreSequences, tableShape, writeRows } from './rows.js';
import type { TableCatalog } from './tables.js';

export interface RebuildReport {
  /** The last event carried over. */
  throughEventId: string | null;
  events: number;
  /** Each table of the new database and how it was filled. */
  tables: { table: string; module: string; filled: 'replayed' | 'copied'; rows: number }[];
}

/** What `ledger rebuild` reports as it goes: replaying the events, then copying what they don't make. */
export type RebuildProgress = PhasedProgress<'replaying' | 'copying'>;

/**
 * Makes `target` (an empty database made by the migrations) a working copy of `source` built from
 * its events: the events and every derived table through a replay, the tables that are not derived
 * (the idempotency keys' first answers, the poller's measurements) copied as stored, and every
 * identity sequence moved past the rows it now holds, so the new database takes writes: a new
 * event gets the next id, a number the next number, a repeated idempotency key the first answer.
 * The source is read in one repeatable-read snapshot.
 */
export async function rebuildLedger(
  source: Pick<LedgerContext, 'db'>,
  target: Pick<LedgerContext, 'db' | 'projections'>,
  catalog: TableCatalog,
  opts: { progress?: RebuildProgress } = {},
): Promise<RebuildReport> {
  const progress: RebuildProgress = opts.progress ?? silentProgress;
  return replaySnapshot(source, target, progress, async (db, { events, throughEventId }) => {
    const tables: RebuildReport['tables'] = [];
    const copied = catalog.filter((t) => t.notDerived?.rebuild === 'copy');
    progress.start('copying', copied.length);
    for (const t of copied) {
      const shape = await tableShape(target.db, t);
      let rows = 0;
      for await (const page of readRows(db, shape)) {
        await writeRows(target.db, shape, page);
        rows += page.length;
      }
      await restoreSequences(target.db, shape);
      tables.push({ table: t.name, module: t.module, filled: 'copied', rows });
      progress.tick(1);
    }
    progress.stop();
    for (const t of catalog.filter((x) => x.derived)) {
      const shape = await tableShape(target.db, t);
      await restoreSequences(target.db, shape);
      tables.push({
        table: t.name,
        module: t.module,
        filled: 'replayed',
        rows: await countRows(target, t.name),
      });
    }
    return { throughEventId, events, tables };
  });
}

async function countRows(target: Pick<LedgerContext, 'db'>, table: string): Promise<number> {
  const r = await sql<{ n: bigint }>`select count(*)::int8 as n from ${sql.table(table)}`.execute(target.db);
  return Number(r.rows[0]!.n);
}
