import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { CoreTables } from './schema.js';
import { columnParsers } from './types.js';

/**
 * The database handle every module uses. Modules add their own tables with
 * `db.withTables<ModuleTables>()`, so no single interface lists every table.
 */
export type Db = Kysely<CoreTables>;

/**
 * `read` over one snapshot of the database: a repeatable-read transaction, or the transaction already
 * open. For figures drawn from several reads that must agree: none sees a commit the others miss.
 */
export function inSnapshot<R>(db: Db, read: (tx: Db) => Promise<R>): Promise<R> {
  return db.isTransaction ? read(db) : db.transaction().setIsolationLevel('repeatable read').execute(read);
}

export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string | 'memory' }
  | {
      kind: 'server';
      /** The application's connection. */
      url: string;
      schema?: string;
      pool?: number;
      /** The owner's connection, which runs the migrations; without it `url` runs them. */
      ownerUrl?: string;
    }
  /** The embedded database of a running `hashforge serve`, reached through its socket. */
  | { kind: 'socket'; dir: string; port: number };

export interface OpenDatabase {
  db: Db;
  target: DatabaseTarget;
  /** The embedded database itself, for the socket server that lets other processes in. */
  embedded?: { pglite: PGlite; exclusive<T>(work: () => Promise<T>): Promise<T> };
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === 'embedded') {
    const pglite = await newPGlite(target.dataDir);
    const dialect = new PGliteDialect(pglite);
    const db = new Kysely<CoreTables>({ dialect });
    const exclusive = <T>(work: () => Promise<T>) => dialect.exclusive(work);
    const keepPrivate = () => (target.dataDir === 'memory' ? undefined : ownerOnly(target.dataDir));
    keepPrivate();
    return {
      db,
      target,
      embedded: { pglite, exclusive },
      close: async () => {
        await db.destroy();
        keepPrivate();
      },
    };
  }
  const { default: pg } = await import('pg');
  const db = target.kind === 'socket' ? openSocket(pg, target) : openServer(pg, target);
  // With an owner for the migrations, the owner makes the schema: the application's role may not.
  if (target.kind === 'server' && target.schema && !target.ownerUrl)
    await sql`create schema if not exists ${sql.id(target.schema)}`.execute(db);
  return { db, target, close: () => db.destroy() };
}

const pgliteParsers = Object.fromEntries(
  Object.entries(columnParsers).map(([oid, parse]) => [Number(oid), parse]),
);

/**
 * PostgreSQL's settings for the embedded database, given on every start. PGlite runs inside our own
 * process, so its shared memory is our resident memory, and it is all touched when the database
 * opens: with initdb's 128 MB of shared buffers (a server's default, for a machine of its own) an
 * open PGlite held 377 MB of RSS, with 32 MB 287 MB, with 1 MB 237 MB. 32 MB still holds a
 * 10,000-machine fleet's latest state; the rest is read through the operating system's page cache.
 * Measured 2026-12-07 at load 28-42 (src/fleet/README.md, "What a miner can cost the poller"): the
 * poller's peak with 10,000 healthy miners went from 632 to 505 MB, and the whole demo load, both
 * run side by side, took 1,356 s against 1,393 s with 128 MB (its peak RSS 1,318 against 1,430 MB).
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '32MB',
};

/** A PGlite with our column parsers; `from` starts it as a copy of a dumped data directory. */
export async function newPGlite(
  dataDir: string | 'memory',
  from?: Blob | File,
  /** For a database made only to be copied (the tests' template): initdb's options, more settings. */
  made: { initdb?: string[]; settings?: Readonly<Record<string, string>> } = {},
): Promise<PGlite> {
  // The data directory is the whole database: only its owner may read it.
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Loaded here, not on import: a command that reaches a server never pays for the embedded one.
  const { PGlite } = await import('@electric-sql/pglite');
  const settings = Object.entries({ ...EMBEDDED_SETTINGS, ...made.settings }).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  const options = {
    parsers: pgliteParsers,
    // PGlite's own start parameters (single-user mode, no parallel workers) are kept: ours follow.
    startParams: [...PGlite.defaultStartParams, ...settings],
    ...(from ? { loadDataDir: from } : {}),
    ...(made.initdb ? { initDbStartParams: made.initdb } : {}),
  };
  const pglite = dataDir === 'memory' ? new PGlite(options) : new PGlite(dataDir, options);
  await pglite.waitReady;
  return pglite;
}

/** Kysely over an open PGlite (tests clone a migrated template rather than migrate each time). */
export const dbOverPGlite = (pglite: PGlite): Db =>
  new Kysely<CoreTables>({ dialect: new PGliteDialect(pglite) });

type Pg = typeof pg;

const serverTypes = (pg: Pg) =>
  ({
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      columnParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text'),
  }) as pg.CustomTypesConfig;

function openServer(pg: Pg, target: { url: string; schema?: string; pool?: number }): Db {
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.pool ?? 8,
    types: serverTypes(pg),
    // A per-run schema keeps test runs and benchmarks on one server from colliding.
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  return new Kysely<CoreTables>({ dialect: new PostgresDialect({ pool: keepingIdleErrors(pool) }) });
}

/**
 * A connection waiting idle in the pool that the server ends (a restart, a database dropped, an
 * administrator's pg_terminate_backend) is reported on the pool; unheard, that report would stop
 * the whole process. The pool has already discarded the connection and opens a new one when next
 * asked, and a query in flight is told through its own promise, so nothing more is owed here.
 */
function keepingIdleErrors(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {});
  // A connection checked out between two statements (inside a transaction) whose socket is reset
  // reports on the connection itself, with no query to tell: unheard, that too ends the process
  // (a site agent whose link home drops). The next statement on it fails and the pool drops it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * One connection: the server behind the socket gives each connection the embedded database to
 * itself, so a second one from the same process would wait for the first forever.
 */
function openSocket(pg: Pg, target: { dir: string; port: number }): Db {
  const pool = new pg.Pool({ host: target.dir, port: target.port, max: 1, types: serverTypes(pg) });
  return new Kysely<CoreTables>({ dialect: new PostgresDialect({ pool: keepingIdleErrors(pool) }) });
}

/**
 * The data directory is the whole database: its owner's alone. PGlite makes its files 0666 (its
 * virtual file system sets the mode after creating them, past the umask), so they are set 0600 when
 * the database opens and when it closes; the directories are 0700, which also keeps out anyone
 * from a file made in between.
 */
function ownerOnly(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    chmodSync(path, entry.isDirectory() ? 0o700 : 0o600);
  }
}
