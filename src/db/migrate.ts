import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { AppError } from '../kernel/errors.js';
import type { Db } from './db.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

/** The advisory lock's first key: any number no other lock of ours uses ("HFmg"). */
const MIGRATION_LOCK = 0x48466d67;

/**
 * Applies the committed SQL files in name order, each in its own transaction, recording each.
 * Refuses a database whose applied list is not a prefix of the files: that database was made by
 * other code, and guessing would corrupt it.
 *
 * Several processes starting at once on one PostgreSQL (two `serve`, three agents) would each read
 * the same applied list and race to apply the same file: one connection holds a session advisory
 * lock, per schema, from reading the list to the last file, so the others wait and then find
 * nothing left to do. A process that dies holding it ends its session, which releases it. (PGlite
 * is one process: there the lock is its own and costs nothing.)
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK}::int4, hashtext(coalesce(current_schema(), '')))`.execute(
      conn,
    );
    try {
      return await migrateHoldingLock(conn, dir);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK}::int4, hashtext(coalesce(current_schema(), '')))`.execute(
        conn,
      );
    }
  });
}

async function migrateHoldingLock(db: Db, dir: string): Promise<string[]> {
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(
    db,
  );
  const applied = (await db.selectFrom('schema_migrations').select('name').orderBy('name').execute()).map(
    (r) => r.name,
  );
  const files = migrationFiles(dir);
  applied.forEach((name, i) => {
    if (files[i] !== name) {
      throw new AppError(
        'unavailable',
        'db.migrations-diverged',
        `The database has migration ${name} applied where this version of HashForge expects ${files[i] ?? 'nothing'}; it was created by other code.`,
      );
    }
  });
  const pending = files.slice(applied.length);
  for (const name of pending) {
    const text = readFileSync(join(dir, name), 'utf8');
    await db.transaction().execute(async (tx) => {
      await sql.raw(text).execute(tx);
      await tx.insertInto('schema_migrations').values({ name, applied_at: new Date() }).execute();
    });
  }
  return pending;
}
