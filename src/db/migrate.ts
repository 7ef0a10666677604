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

/**
 * Applies the committed SQL files in name order, each in its own transaction, recording each.
 * Refuses a database whose applied list is not a prefix of the files: that database was made by
 * other code, and guessing would corrupt it.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
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
