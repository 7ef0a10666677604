/**
 * The demo company, loaded through the services once per test run and copied for each test file
 * that reads it: loading it took most of a browser test file (a minute and more on a busy machine),
 * and a copy takes a second or two. On PGlite a snapshot is a dumped data directory; with
 * DATABASE_URL it is a template database on the server, dropped with the run's others.
 *
 * The first test file that asks for a snapshot makes it, under a lock file, and the others wait for
 * it; in a whole run the sequencer (src/testing/sequencer.ts) starts making the ones the run's files
 * name in processes of their own (demo-snapshot-build.ts) before any file asks.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Db, dbOverPGlite, newPGlite, openDatabase } from '../db/db.js';
import { loadDemo } from '../demo/load.js';
import { appOver, provided } from './run.js';
import { FOR_COPYING, type ServerTemplate, withAdmin, withDatabase } from './server-clone.js';

/** The demo company as tests read it: loaded up to `at` (the test clock then stands there). */
export const DEMO_SNAPSHOTS = {
  /** The dashboard's: mid-January 2021 (the test clock's default day), every module. */
  'demo@2021-01-15': { at: '2021-01-15T00:00:00Z', service: true },
  /** The quarterly report's: the whole history, without the service network it does not read. */
  'demo@2022-07-15-no-service': { at: '2022-07-15T00:00:00Z', service: false },
} as const;

export type DemoSnapshot = keyof typeof DEMO_SNAPSHOTS;

/** Where a run keeps its snapshots, and what each is made from. */
export interface TestRun {
  dir: string;
  /** The migrated PGlite's dump (global-setup.ts). */
  pgliteTemplate: string;
  /** With DATABASE_URL: the migrated template database. */
  serverTemplate?: ServerTemplate | undefined;
}

/** The run this process belongs to, when it runs inside Vitest. */
export function currentRun(): TestRun | undefined {
  const dir = provided('runDir');
  const pgliteTemplate = provided('pgliteTemplate');
  return dir && pgliteTemplate
    ? { dir, pgliteTemplate, serverTemplate: provided('serverTemplate') }
    : undefined;
}

const slug = (name: DemoSnapshot) => name.replace(/\W/g, '_').toLowerCase();
export const lockFile = (run: TestRun, name: DemoSnapshot) => join(run.dir, `${slug(name)}.lock`);
const readyFile = (run: TestRun, name: DemoSnapshot) => join(run.dir, `${slug(name)}.ready`);
const dumpFile = (run: TestRun, name: DemoSnapshot) => join(run.dir, `${slug(name)}.tar`);
/** Its template database on the server: named after the run's, so the run's teardown drops it. */
const templateName = (run: TestRun, name: DemoSnapshot) => `${run.serverTemplate!.name}_${slug(name)}`;

/**
 * Takes the lock on making `name`: true when this caller is to make it. The lock file names the
 * process that holds it, so that a lock left by a process that died is taken over.
 */
export function takeLock(run: TestRun, name: DemoSnapshot, pid = process.pid): boolean {
  try {
    const fd = openSync(lockFile(run, name), 'wx');
    writeFileSync(fd, String(pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

/** Whether the process holding the lock on `name` is gone without finishing it. */
function lockAbandoned(run: TestRun, name: DemoSnapshot): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile(run, name), 'utf8'));
  } catch {
    return true; // released: its maker failed (a waiter takes over)
  }
  if (!pid) return false; // written a moment from now
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Makes `name` for `run` and marks it ready; the caller holds its lock. */
export async function makeDemoSnapshot(run: TestRun, name: DemoSnapshot): Promise<void> {
  const { at, service } = DEMO_SNAPSHOTS[name];
  const server = run.serverTemplate;
  let pglite: Awaited<ReturnType<typeof newPGlite>> | undefined;
  let db: Db;
  if (server) {
    await dropAndCreate(server, templateName(run, name));
    db = (
      await openDatabase({ kind: 'server', url: withDatabase(server.url, templateName(run, name)), pool: 4 })
    ).db;
  } else {
    pglite = await newPGlite('memory', new Blob([readFileSync(run.pgliteTemplate)]), {
      settings: FOR_COPYING,
    });
    db = dbOverPGlite(pglite);
  }
  try {
    const app = await appOver(db, async () => {});
    app.clock.set(at);
    await loadDemo(app, app.actor('admin'), undefined, { service });
    if (pglite) {
      // The WAL segments the load filled are removed by a checkpoint (FOR_COPYING), not dumped.
      await pglite.exec('checkpoint');
      const tmp = `${dumpFile(run, name)}.${process.pid}`;
      writeFileSync(tmp, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
      renameSync(tmp, dumpFile(run, name));
    }
  } finally {
    // A template database takes no copies while a connection to it is open.
    await db.destroy();
  }
  writeFileSync(readyFile(run, name), '');
}

async function dropAndCreate(server: ServerTemplate, name: string): Promise<void> {
  await withAdmin(server.url, async (m) => {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(m);
    await sql`create database ${sql.id(name)} template ${sql.id(server.name)}`.execute(m);
  });
}

/** What a test's database is copied from: the dump (PGlite) or the template database (server). */
export type SnapshotSource = { kind: 'pglite'; dump: Blob } | { kind: 'server'; template: ServerTemplate };

/**
 * The snapshot `name` of this run, made by this process when no other is making it, else waited
 * for; undefined outside a Vitest run (the caller loads the demo itself).
 */
export async function demoSnapshot(name: DemoSnapshot): Promise<SnapshotSource | undefined> {
  const run = currentRun();
  if (!run) return undefined;
  const deadline = Date.now() + 15 * 60_000;
  while (!existsSync(readyFile(run, name))) {
    if (takeLock(run, name)) {
      try {
        await makeDemoSnapshot(run, name);
      } catch (error) {
        rmSync(lockFile(run, name), { force: true }); // another file may try again
        throw error;
      }
      break;
    }
    if (lockAbandoned(run, name)) rmSync(lockFile(run, name), { force: true });
    if (Date.now() > deadline) throw new Error(`the demo snapshot ${name} was not made within 15 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return run.serverTemplate
    ? { kind: 'server', template: { url: run.serverTemplate.url, name: templateName(run, name) } }
    : { kind: 'pglite', dump: new Blob([readFileSync(dumpFile(run, name))]) };
}
