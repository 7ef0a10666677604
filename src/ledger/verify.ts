import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { LedgerContext } from './ledger.js';
import { type PhasedProgress, silentProgress } from './progress.js';
import { replaySnapshot } from './replay.js';
import { compareKeys, type Row, readRows, type TableShape, tableShape } from './rows.js';
import { type DeclaredTable, type TableCatalog, undeclaredTables } from './tables.js';

/** Where a stored table and its rebuild from the events disagree. */
export interface Difference {
  table: string;
  /** The row, by its key columns. */
  key: Record<string, unknown>;
  /** changed: a column differs; missing: the events make a row that is not stored; extra: the reverse. */
  kind: 'changed' | 'missing' | 'extra';
  column?: string;
  stored?: unknown;
  rebuilt?: unknown;
}

export interface VerifyReport {
  /** The last event replayed: the snapshot verified. */
  throughEventId: string | null;
  events: number;
  tables: { table: string; module: string; rows: number; differences: number }[];
  /** The first `limit` differences, in table and key order. */
  differences: Difference[];
  /** How many there are in all (more than listed when the limit was reached). */
  differenceCount: number;
  /** Tables in the schema no module declares derived or not (see `HashforgeModule`). */
  undeclared: string[];
}

/** What `ledger verify` reports as it goes: replaying, then comparing table by table. */
export type VerifyProgress = PhasedProgress<'replaying' | 'comparing'>;

/**
 * Rebuilds every derived table from the events into `scratch` (an empty database made by the same
 * migrations) and compares each with the stored one, row by row in key order, a page at a time.
 * A healthy database has no difference. The source is read in one repeatable-read snapshot, so
 * writes arriving meanwhile neither show up as differences nor are missed.
 */
export async function verifyLedger(
  source: Pick<LedgerContext, 'db'>,
  scratch: Pick<LedgerContext, 'db' | 'projections'>,
  catalog: TableCatalog,
  opts: { progress?: VerifyProgress; limit?: number } = {},
): Promise<VerifyReport> {
  const progress: VerifyProgress = opts.progress ?? silentProgress;
  const limit = opts.limit ?? 1000;
  return replaySnapshot(source, scratch, progress, async (db, { events, throughEventId }) => {
    const derived = catalog.filter((t) => t.derived);
    const differences: Difference[] = [];
    let differenceCount = 0;
    const tables: VerifyReport['tables'] = [];
    progress.start(
      'comparing',
      await rowCount(
        db,
        derived.map((t) => t.name),
      ),
    );
    for (const t of derived) {
      const shape = await tableShape(db, t);
      let rows = 0;
      let found = 0;
      for await (const d of compareTable(db, scratch.db, shape, t, (n) => {
        rows += n;
        progress.tick(n);
      })) {
        found += 1;
        if (differences.length < limit) differences.push(d);
      }
      differenceCount += found;
      tables.push({ table: t.name, module: t.module, rows, differences: found });
    }
    progress.stop();
    return {
      throughEventId,
      events,
      tables,
      differences,
      differenceCount,
      undeclared: await undeclaredTables(db, catalog),
    };
  });
}

async function rowCount(db: Db, tables: readonly string[]): Promise<number> {
  let total = 0;
  for (const t of tables) {
    const r = await sql<{ n: bigint }>`select count(*)::int8 as n from ${sql.table(t)}`.execute(db);
    total += Number(r.rows[0]!.n);
  }
  return total;
}

/**
 * Walks the stored and the rebuilt table side by side in key order (a merge of two sorted streams),
 * yielding each difference; `onRows` hears how many stored rows were read.
 */
async function* compareTable(
  stored: Db,
  rebuilt: Db,
  shape: TableShape,
  table: Pick<DeclaredTable, 'ignore' | 'sums'>,
  onRows: (n: number) => void,
): AsyncGenerator<Difference> {
  const { ignore } = table;
  // A row of sums that are all zero is no row (see `DerivedTable`).
  const nothing = (row: Row) =>
    table.sums === true &&
    Object.entries(JSON.parse(row.text) as Record<string, unknown>).every(
      ([column, value]) => shape.key.includes(column) || value === 0,
    );
  const a = rowsOf(readRows(stored, shape), onRows);
  const b = rowsOf(readRows(rebuilt, shape), () => {});
  let x = await a.next();
  let y = await b.next();
  const floats = new Set(shape.columns.filter((c) => /^(double|real)/.test(c.type)).map((c) => c.name));
  const keyOf = (row: Row) => Object.fromEntries(shape.key.map((k, i) => [k, row.key[i]]));
  while (!x.done || !y.done) {
    const order = x.done ? 1 : y.done ? -1 : compareKeys(x.value.key, y.value.key);
    if (order < 0 && !x.done) {
      if (!nothing(x.value)) yield { table: shape.name, key: keyOf(x.value), kind: 'extra' };
      x = await a.next();
    } else if (order > 0 && !y.done) {
      if (!nothing(y.value)) yield { table: shape.name, key: keyOf(y.value), kind: 'missing' };
      y = await b.next();
    } else if (!x.done && !y.done) {
      if (x.value.text !== y.value.text) {
        yield* changedColumns(shape, keyOf(x.value), x.value.text, y.value.text, ignore, floats);
      }
      x = await a.next();
      y = await b.next();
    }
  }
}

async function* rowsOf(pages: AsyncGenerator<Row[]>, onRows: (n: number) => void): AsyncGenerator<Row> {
  for await (const page of pages) {
    onRows(page.length);
    yield* page;
  }
}

/**
 * The columns in which two versions of a row differ. Floating-point columns hold sums, which a
 * replay may add up in another order than the first writes did (a bulk import sums a batch at
 * once): they differ only beyond a relative 1e-9.
 */
function* changedColumns(
  shape: TableShape,
  key: Record<string, unknown>,
  storedText: string,
  rebuiltText: string,
  ignore: readonly string[],
  floats: ReadonlySet<string>,
): Generator<Difference> {
  const stored = JSON.parse(storedText) as Record<string, unknown>;
  const rebuilt = JSON.parse(rebuiltText) as Record<string, unknown>;
  for (const { name } of shape.columns) {
    if (ignore.includes(name)) continue;
    const s = stored[name];
    const r = rebuilt[name];
    if (isDeepStrictEqual(s, r)) continue;
    if (floats.has(name) && typeof s === 'number' && typeof r === 'number' && closeEnough(s, r)) continue;
    yield { table: shape.name, key, kind: 'changed', column: name, stored: s, rebuilt: r };
  }
}

const closeEnough = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
