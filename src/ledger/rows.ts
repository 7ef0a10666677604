import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { DeclaredTable } from './tables.js';

/**
 * Any table's rows, read and written generically for `ledger verify` and `ledger rebuild`: each row
 * travels as the database's own JSON text of it (`row_to_json`) and goes back in through
 * `json_populate_recordset`, so every column keeps its exact type without a parser in between.
 */
export interface TableShape {
  name: string;
  columns: readonly { name: string; type: string }[];
  /** The columns rows are ordered and named by: the declared key, else the primary key. */
  key: readonly string[];
  /** Columns whose values the database hands out (`generated … as identity`). */
  identity: readonly string[];
}

/** A row: its key's values, in key order, and the row as the database writes it in JSON. */
export interface Row {
  key: unknown[];
  text: string;
}

export async function tableShape(db: Db, table: Pick<DeclaredTable, 'name' | 'key'>): Promise<TableShape> {
  const columns = await sql<{ name: string; type: string; identity: string }>`
    select attname as name, format_type(atttypid, atttypmod) as type, attidentity::text as identity
    from pg_attribute where attrelid = to_regclass(${table.name}) and attnum > 0 and not attisdropped
    order by attnum`.execute(db);
  if (columns.rows.length === 0) throw new Error(`No table ${table.name} in the current schema`);
  const primary = await sql<{ name: string }>`
    select a.attname as name from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = to_regclass(${table.name}) and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const key = table.key.length > 0 ? table.key : primary.rows.map((r) => r.name);
  if (key.length === 0) throw new Error(`Table ${table.name} has no primary key and declares no key`);
  return {
    name: table.name,
    columns: columns.rows.map(({ name, type }) => ({ name, type })),
    key,
    identity: columns.rows.filter((c) => c.identity !== '').map((c) => c.name),
  };
}

const TEXT_TYPES = /^(text|character|name)/;

/**
 * The rows of a table in key order, a page at a time (keyset paging: each page starts after the
 * last row of the one before), so a table of millions is never held whole. Text keys are ordered
 * byte by byte (`collate "C"`), the order `compareKeys` follows.
 */
export async function* readRows(db: Db, shape: TableShape, pageSize = 5000): AsyncGenerator<Row[]> {
  const table = sql.table(shape.name);
  const ordered = (alias: string) =>
    sql.join(
      shape.key.map((k) => {
        const type = shape.columns.find((c) => c.name === k)?.type ?? '';
        const ref = sql.ref(`${alias}.${k}`);
        return TEXT_TYPES.test(type) ? sql`${ref} collate "C"` : ref;
      }),
    );
  const keyArray = sql`json_build_array(${sql.join(shape.key.map((k) => sql.ref(`t.${k}`)))})::text`;
  let after: string | undefined;
  for (;;) {
    const page = await sql<{ row: string; key: string }>`
      select row_to_json(t)::text as row, ${keyArray} as key from ${table} as t
      ${after === undefined ? sql`` : sql`where (${ordered('t')}) > (select ${ordered('r')} from json_populate_record(null::${table}, ${after}::json) as r)`}
      order by ${ordered('t')} limit ${pageSize}`.execute(db);
    if (page.rows.length === 0) return;
    yield page.rows.map((r) => ({ key: JSON.parse(r.key) as unknown[], text: r.row }));
    if (page.rows.length < pageSize) return;
    after = page.rows.at(-1)!.row;
  }
}

/** Orders two keys as `readRows` does: numbers by value, text byte by byte, nulls last. */
export function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const order = Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
    if (order !== 0) return order;
  }
  return 0;
}

/** Writes rows read by `readRows` (from a database of the same migrations) into `shape`'s table. */
export async function writeRows(db: Db, shape: TableShape, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const table = sql.table(shape.name);
  const columns = sql.join(shape.columns.map((c) => sql.ref(c.name)));
  const json = `[${rows.map((r) => r.text).join(',')}]`;
  await sql`insert into ${table} (${columns}) ${shape.identity.length > 0 ? sql`overriding system value` : sql``}
    select ${columns} from json_populate_recordset(null::${table}, ${json}::json)`.execute(db);
}

/**
 * Moves every identity column's sequence past the highest value stored, so the next row written
 * gets a new number: rows copied or replayed with their own numbers leave the sequence behind.
 */
export async function restoreSequences(db: Db, shape: TableShape): Promise<void> {
  for (const column of shape.identity) {
    await sql`select setval(pg_get_serial_sequence(${shape.name}, ${column}), m)
      from (select max(${sql.ref(column)}) as m from ${sql.table(shape.name)}) as x where m is not null`.execute(
      db,
    );
  }
}
