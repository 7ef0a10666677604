import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { CoreTables } from './schema.js';
import { columnParsers } from './types.js';

/**
 * The database handle every module uses. Modules add their own tables with
 * `db.withTables<ModuleTables>()`, so no single interface lists every table.
 */
export type Db = Kysely<CoreTables>;

export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string | 'memory' }
  | { kind: 'server'; url: string; schema?: string };

export interface OpenDatabase {
  db: Db;
  target: DatabaseTarget;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  const db = target.kind === 'embedded' ? await openEmbedded(target.dataDir) : openServer(target);
  if (target.kind === 'server' && target.schema) {
    await sql`create schema if not exists ${sql.id(target.schema)}`.execute(db);
  }
  return { db, target, close: () => db.destroy() };
}

const pgliteParsers = Object.fromEntries(
  Object.entries(columnParsers).map(([oid, parse]) => [Number(oid), parse]),
);

/** A PGlite with our column parsers; `from` starts it as a copy of a dumped data directory. */
export async function newPGlite(dataDir: string | 'memory', from?: Blob | File): Promise<PGlite> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const options = { parsers: pgliteParsers, ...(from ? { loadDataDir: from } : {}) };
  const pglite = dataDir === 'memory' ? new PGlite(options) : new PGlite(dataDir, options);
  await pglite.waitReady;
  return pglite;
}

/** Kysely over an open PGlite (tests clone a migrated template rather than migrate each time). */
export const dbOverPGlite = (pglite: PGlite): Db =>
  new Kysely<CoreTables>({ dialect: new PGliteDialect(pglite) });

async function openEmbedded(dataDir: string): Promise<Db> {
  return dbOverPGlite(await newPGlite(dataDir));
}

function openServer(target: { url: string; schema?: string }): Db {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      columnParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text'),
  };
  const pool = new pg.Pool({
    connectionString: target.url,
    max: Number(process.env.HASHFORGE_DB_POOL ?? 8),
    types: types as pg.CustomTypesConfig,
    // A per-run schema keeps test runs and benchmarks on one server from colliding.
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  return new Kysely<CoreTables>({ dialect: new PostgresDialect({ pool }) });
}
