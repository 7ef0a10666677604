/**
 * What a test run shares: the configuration tests run with, what the run's global setup made
 * (src/testing/global-setup.ts), and an application context over a database a test was given.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { inject, type ProvidedContext } from 'vitest';
import { readConfig } from '../app/config.js';
import type { Actor, AppContext } from '../app/context.js';
import { assembleContext, loadProjections } from '../app/root.js';
import type { Role } from '../auth/roles.js';
import type { Db } from '../db/db.js';
import { repacksDone } from '../fleet/partitions.js';
import { SettableClock } from '../kernel/clock.js';
import { tableCatalog } from '../ledger/tables.js';
import { modules } from '../modules.js';
import { migratedPGliteDump, type ServerTemplate } from './server-clone.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated PGlite, loaded by every test's database. */
    pgliteTemplate: string;
    /** With DATABASE_URL: a migrated database every test's database is copied from. */
    serverTemplate: ServerTemplate;
    /** The run's own directory: the demo company's snapshots are made there (demo-snapshot.ts). */
    runDir: string;
  }
}

/**
 * The configuration tests run with: the defaults, the database the run was pointed at
 * (DATABASE_URL), and quiet logs. This harness is a composition root; it reads the environment.
 */
export const testConfig = readConfig({
  DATABASE_URL: process.env.DATABASE_URL,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

export interface TestApp extends AppContext {
  clock: SettableClock;
  actor(role?: Role): Actor;
  close(): Promise<void>;
}

let projections: ReturnType<typeof loadProjections> | undefined;

/** The application over `db`, on a test clock, closing with `close`. */
export async function appOver(db: Db, close: () => Promise<void>): Promise<TestApp> {
  projections ??= loadProjections(modules);
  return {
    ...assembleContext(testConfig, {
      db,
      projections: await projections,
      tables: tableCatalog(modules),
      log: pino({ level: testConfig.logLevel }),
    }),
    clock: new SettableClock(),
    actor: (role: Role = 'admin') => ({ id: `test:${role}`, role }),
    // As `openContext`'s close: a repack a sweep started is done before the database closes.
    close: async () => {
      await repacksDone(db);
      await close();
    },
  };
}

/**
 * What the run's global setup made (src/testing/global-setup.ts), or nothing when this runs
 * outside Vitest (the benches use this harness too; they migrate their own database).
 */
export function provided<K extends keyof ProvidedContext>(key: K): ProvidedContext[K] | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/** The migrated PGlite the run's global setup dumped, read once per test file. */
let template: Promise<Blob> | undefined;
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = provided('pgliteTemplate');
    return file ? new Blob([readFileSync(file)]) : migratedPGliteDump();
  })();
  return template;
}
