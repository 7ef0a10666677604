import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import {
  databasesOf,
  dropDatabases,
  migratedPGliteDump,
  type ServerTemplate,
  withDatabase,
} from './server-clone.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated PGlite, loaded by every test's database. */
    pgliteTemplate: string;
    /** With DATABASE_URL: a migrated database every test's database is copied from. */
    serverTemplate: ServerTemplate;
  }
}

/**
 * Runs the migrations once for the whole test run, on PGlite and (with DATABASE_URL) on the
 * server; each test then starts from a copy (src/testing/index.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'hf-test-template-'));
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await (await migratedPGliteDump()).arrayBuffer()));
  project.provide('pgliteTemplate', file);

  const url = process.env.DATABASE_URL;
  const template = url ? { url, name: `hf_t${randomBytes(3).toString('hex')}` } : undefined;
  if (template) {
    await dropDatabases(template.url, [template.name]);
    const admin = (
      await openDatabase({ kind: 'server', url: withDatabase(template.url, 'postgres'), pool: 1 })
    ).db;
    await sql`create database ${sql.id(template.name)}`.execute(admin);
    await admin.destroy();
    const made = (
      await openDatabase({ kind: 'server', url: withDatabase(template.url, template.name), pool: 1 })
    ).db;
    await migrate(made);
    await made.destroy();
    project.provide('serverTemplate', template);
  }
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (template) await dropDatabases(template.url, await databasesOf(template.url, template.name));
  };
}
