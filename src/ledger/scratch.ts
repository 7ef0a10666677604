import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { type DatabaseTarget, type Db, dbOverPGlite, newPGlite, openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { AppError } from '../kernel/errors.js';

/** A database made by the migrations for `ledger verify` or `ledger rebuild`, and how to let it go. */
export interface MadeDatabase {
  db: Db;
  /** Where it is, for the report. */
  where: string;
  close(): Promise<void>;
}

/**
 * An empty database beside the application's, to rebuild the tables into and compare: a new
 * in-memory PGlite for the embedded database; on a server, a new schema in the same database,
 * made (and dropped after) by the tables' owner when HASHFORGE_MIGRATE_URL names one.
 */
export async function openScratch(beside: DatabaseTarget): Promise<MadeDatabase> {
  if (beside.kind !== 'server') {
    const db = dbOverPGlite(await newPGlite('memory'));
    await migrate(db);
    return { db, where: 'a new in-memory PGlite', close: () => db.destroy() };
  }
  const schema = `hf_verify_${randomBytes(5).toString('hex')}`;
  const { db } = await openDatabase({ kind: 'server', url: beside.ownerUrl ?? beside.url, schema, pool: 2 });
  const close = async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
  };
  try {
    await migrate(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, where: `schema ${schema}`, close };
}

const isUrl = (into: string) => /^postgres(ql)?:\/\//.test(into);

/**
 * The database `ledger rebuild --into` fills: a PostgreSQL URL (a database with no events yet), or
 * a directory for a new embedded database (missing or empty). Migrated before it is handed back.
 */
export async function openRebuildTarget(into: string): Promise<MadeDatabase> {
  if (!isUrl(into)) {
    const dir = resolve(into);
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new AppError(
        'invalid',
        'ledger.rebuild-target-not-empty',
        `--into: ${dir} is not empty; give a new directory for the rebuilt database.`,
        '--into',
      );
    }
    const opened = await openDatabase({ kind: 'embedded', dataDir: dir });
    await migrate(opened.db);
    return { db: opened.db, where: dir, close: opened.close };
  }
  const opened = await openDatabase({ kind: 'server', url: into, pool: 2 });
  try {
    await migrate(opened.db);
    const any = await opened.db.selectFrom('events').select('id').limit(1).executeTakeFirst();
    if (any) {
      throw new AppError(
        'invalid',
        'ledger.rebuild-target-not-empty',
        '--into: that database already holds events; give an empty database for the rebuild.',
        '--into',
      );
    }
  } catch (error) {
    await opened.close();
    throw error;
  }
  const u = new URL(into);
  u.password = '';
  return { db: opened.db, where: u.toString(), close: opened.close };
}
