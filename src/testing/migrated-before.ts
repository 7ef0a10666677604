import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, dbOverPGlite, newPGlite } from '../db/db.js';
import { migrate, migrationFiles } from '../db/migrate.js';
import { testConfig } from './index.js';
import { newServerDatabase } from './server-clone.js';

const MIGRATIONS = fileURLToPath(new URL('../db/migrations', import.meta.url));

/**
 * A new database of the run's kind (PGlite in memory, or a new database on DATABASE_URL's server)
 * migrated up to, not including, the migration `file`: the schema as it was before it, to test that
 * migration on data made before it, or to measure against the schema it replaced.
 */
export async function databaseMigratedBefore(file: string): Promise<{ db: Db; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hf-migrated-before-'));
  for (const f of migrationFiles().filter((name) => name < file))
    symlinkSync(join(MIGRATIONS, f), join(dir, f));
  try {
    if (testConfig.database.kind === 'server') {
      const server = await newServerDatabase(testConfig.database.url, dir);
      return { db: server.db, close: async () => (await server.db.destroy(), await server.drop()) };
    }
    const db = dbOverPGlite(await newPGlite('memory'));
    await migrate(db, dir);
    return { db, close: () => db.destroy() };
  } finally {
    rmSync(dir, { recursive: true });
  }
}
