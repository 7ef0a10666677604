import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import type { TestRun } from './demo-snapshot.js';
import {
  dropDatabases,
  dropDatabasesOf,
  migratedPGliteDump,
  withAdmin,
  withDatabase,
} from './server-clone.js';

/**
 * Runs the migrations once for the whole test run, on PGlite and (with DATABASE_URL) on the
 * server; each test then starts from a copy (src/testing/index.ts). The run's directory also holds
 * the demo company's snapshots (demo-snapshot.ts), started by the sequencer, which reads the run
 * from HASHFORGE_TEST_RUN (it runs in this process, but is loaded apart from this module).
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
    await withAdmin(template.url, (m) => sql`create database ${sql.id(template.name)}`.execute(m));
    const made = (
      await openDatabase({ kind: 'server', url: withDatabase(template.url, template.name), pool: 1 })
    ).db;
    await migrate(made);
    await made.destroy();
    project.provide('serverTemplate', template);
  }
  project.provide('runDir', dir);
  const run: TestRun = { dir, pgliteTemplate: file, serverTemplate: template };
  process.env.HASHFORGE_TEST_RUN = JSON.stringify(run);
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (template) await dropDatabasesOf(template.url, template.name);
  };
}
