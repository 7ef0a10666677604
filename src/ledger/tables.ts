import { sql } from 'kysely';
import type { DerivedTable, HashforgeModule, NotDerivedTable } from '../app/module.js';
import type { Db } from '../db/db.js';

/** One table as `ledger verify` compares it and `ledger rebuild` makes it. */
export interface DeclaredTable {
  name: string;
  module: string;
  derived: boolean;
  /** The columns a row is named by; empty: the table's primary key. */
  key: readonly string[];
  /** Columns a rebuild may fill differently (an identity number). */
  ignore: readonly string[];
  /** Rows of sums: one whose sums are all zero is no row. */
  sums?: boolean;
  /** For a table not derived from events: why, and what a rebuild does with it. */
  notDerived?: NotDerivedTable;
}

/** Every table every module declares, derived or not (see `HashforgeModule.derivedTables`). */
export type TableCatalog = readonly DeclaredTable[];

export function tableCatalog(modules: readonly HashforgeModule[]): TableCatalog {
  const tables: DeclaredTable[] = [];
  for (const m of modules) {
    for (const t of m.derivedTables ?? []) tables.push(derived(m.name, t));
    for (const [name, notDerived] of Object.entries(m.notDerivedTables ?? {})) {
      tables.push({ name, module: m.name, derived: false, key: [], ignore: [], notDerived });
    }
  }
  const seen = new Set<string>();
  for (const t of tables) {
    if (seen.has(t.name)) throw new Error(`Table ${t.name} is declared twice (module ${t.module})`);
    seen.add(t.name);
  }
  return tables;
}

function derived(module: string, t: DerivedTable): DeclaredTable {
  return typeof t === 'string'
    ? { name: t, module, derived: true, key: [], ignore: [] }
    : {
        name: t.name,
        module,
        derived: true,
        key: t.key ?? [],
        ignore: t.ignore ?? [],
        sums: t.sums ?? false,
      };
}

/** The tables of the current schema that no module declares; none, or one was forgotten. */
export async function undeclaredTables(db: Db, catalog: TableCatalog): Promise<string[]> {
  const declared = new Set(catalog.map((t) => t.name));
  return (await schemaTables(db)).filter((name) => !declared.has(name));
}

/**
 * The base tables of the connection's current schema, by name. A partition is part of its table
 * (the fleet's measurements are partitioned by day), not a table a module declares.
 */
export async function schemaTables(db: Db): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db);
  return rows.rows.map((r) => r.table_name);
}
