import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type Db, dbOverPGlite, newPGlite, openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';

/** The same server address with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** `work` over the server's maintenance connection (creating and dropping databases), closed after it. */
export async function withAdmin<T>(url: string, work: (maintenance: Db) => Promise<T>): Promise<T> {
  const maintenance = (await openDatabase({ kind: 'server', url: withDatabase(url, 'postgres'), pool: 1 }))
    .db;
  try {
    return await work(maintenance);
  } finally {
    await maintenance.destroy();
  }
}

export interface ServerTemplate {
  url: string;
  name: string;
}

/**
 * A new database on the server made from the run's migrated template: a copy costs a fraction of
 * migrating, and each test has a database of its own to drop.
 */
export async function cloneServerDatabase(
  template: ServerTemplate,
): Promise<{ db: Db; drop(): Promise<void> }> {
  const copy = await copyServerDatabase(template);
  const { db } = await openDatabase({ kind: 'server', url: copy.url, pool: 4 });
  return { db, drop: copy.drop };
}

/** A copy of `template` by its address, for a test that opens it as a command would. */
export async function copyServerDatabase(
  template: ServerTemplate,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${template.name}_${randomBytes(5).toString('hex')}`;
  await withAdmin(template.url, (m) =>
    sql`create database ${sql.id(name)} template ${sql.id(template.name)}`.execute(m),
  );
  return { url: withDatabase(template.url, name), drop: () => dropDatabases(template.url, [name]) };
}

/**
 * A new, migrated database on the server, for a run without a template (the benches), or migrated
 * only as far as the files in `migrations` (a test of a migration on data made before it).
 */
export async function newServerDatabase(
  url: string,
  migrations?: string,
): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const empty = await emptyServerDatabase(url);
  const { db } = await openDatabase({ kind: 'server', url: empty.url, pool: 8 });
  await migrate(db, migrations);
  return { db, url: empty.url, drop: empty.drop };
}

/** A new database on the server with nothing in it, not even the migrations' own table. */
export async function emptyServerDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hf_b${randomBytes(5).toString('hex')}`;
  await withAdmin(url, (m) => sql`create database ${sql.id(name)}`.execute(m));
  return { url: withDatabase(url, name), drop: () => dropDatabases(url, [name]) };
}

/**
 * Settings of a PGlite whose dump is copied (the migrated template, the demo snapshots): WAL
 * segments it is done with are removed, not kept for reuse, so its dump holds the last one or two.
 */
export const FOR_COPYING = { wal_recycle: 'off', min_wal_size: '2MB' } as const;

/**
 * A migrated PGlite's data directory as a dump that a new PGlite can start from. Every test's
 * database loads it, and the load's cost (reading, untarring and copying it into PGlite's memory)
 * follows its size: as initdb and the migrations leave it, 43 MB, of which 16 MB is one WAL
 * segment and 15 MB the template databases a `create database` copies, which nothing does on
 * PGlite. Made with 1 MB WAL segments, none kept for reuse, and without the templates, it is 16 MB
 * and a load takes about 420 ms of CPU instead of 610 (measured 2026-12-07, five loads each).
 */
export async function migratedPGliteDump(): Promise<Blob> {
  const pglite = await newPGlite('memory', undefined, {
    initdb: ['--wal-segsize=1'],
    settings: FOR_COPYING,
  });
  const db = dbOverPGlite(pglite);
  await migrate(db);
  for (const template of ['template0', 'template1']) {
    await sql`update pg_database set datistemplate = false where datname = ${template}`.execute(db);
    await sql`drop database ${sql.id(template)}`.execute(db);
  }
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  return dump;
}

export async function dropDatabases(url: string, names: readonly string[]): Promise<void> {
  await withAdmin(url, (m) => dropAll(m, names));
}

async function dropAll(maintenance: Db, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(maintenance);
  }
}

/** Drops every database named from `prefix`: what the run's tests left (a test that crashed before closing its own). */
export async function dropDatabasesOf(url: string, prefix: string): Promise<void> {
  await withAdmin(url, async (m) => dropAll(m, await databasesOf(m, prefix)));
}

/** The databases named from `prefix`. */
async function databasesOf(maintenance: Db, prefix: string): Promise<string[]> {
  const rows = await sql<{
    datname: string;
  }>`select datname from pg_database where datname like ${`${prefix}%`}`.execute(maintenance);
  return rows.rows.map((r) => r.datname);
}
