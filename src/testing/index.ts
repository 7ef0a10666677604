import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pino from 'pino';
import { inject, type ProvidedContext } from 'vitest';
import { readConfig } from '../app/config.js';
import type { Actor, AppContext } from '../app/context.js';
import { assembleContext, loadProjections } from '../app/root.js';
import { ROLES, type Role } from '../auth/roles.js';
import { createToken } from '../auth/tokens.js';
import { type Db, dbOverPGlite, newPGlite } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { buildHttpApp, type HttpApp } from '../http/app.js';
import { SettableClock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { tableCatalog } from '../ledger/tables.js';
import { modules } from '../modules.js';
import { cloneServerDatabase, migratedPGliteDump, newServerDatabase } from './server-clone.js';

export interface TestApp extends AppContext {
  clock: SettableClock;
  actor(role?: Role): Actor;
  close(): Promise<void>;
}

/**
 * The configuration tests run with: the defaults, the database the run was pointed at
 * (DATABASE_URL), and quiet logs. This harness is a composition root; it reads the environment.
 */
export const testConfig = readConfig({
  DATABASE_URL: process.env.DATABASE_URL,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/**
 * A fresh database made by the real migrations, run once for the whole test run (see
 * global-setup.ts) and cloned for each test: a copy of the migrated PGlite, or — when
 * DATABASE_URL is set — a new database on that server made from a migrated template, dropped
 * again on close. `migrate` re-checks each copy.
 */
export async function testApp(): Promise<TestApp> {
  const clone =
    testConfig.database.kind === 'server' ? await serverDatabase(testConfig.database.url) : undefined;
  const db: Db = clone ? clone.db : dbOverPGlite(await newPGlite('memory', await pgliteTemplate()));
  return appOver(db, async () => {
    await db.destroy();
    await clone?.drop();
  });
}

/**
 * The harness over a database the test opened itself (a data directory it then hands to the real
 * `hashforge`), migrated here; `close` closes it.
 */
export async function appOver(db: Db, close: () => Promise<void>): Promise<TestApp> {
  await migrate(db);
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
    close,
  };
}

let projections: ReturnType<typeof loadProjections> | undefined;

/**
 * What the run's global setup made (src/testing/global-setup.ts), or nothing when this runs
 * outside Vitest (the benches use this harness too; they migrate their own database).
 */
function provided<K extends 'pgliteTemplate' | 'serverTemplate'>(key: K): ProvidedContext[K] | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

async function serverDatabase(url: string) {
  const template = provided('serverTemplate');
  return template ? cloneServerDatabase(template) : newServerDatabase(url);
}

/**
 * A data directory holding the migrated database, as the first `hashforge` command on it would
 * leave it: for tests that run the real bin on an embedded database, without its first-start wait.
 */
export async function migratedDataDir(dir: string): Promise<void> {
  const pglite = await newPGlite(dir, await pgliteTemplate());
  await pglite.close();
}

/** The migrated PGlite the run's global setup dumped, read once per test file. */
let template: Promise<Blob> | undefined;
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = provided('pgliteTemplate');
    return file ? new Blob([readFileSync(file)]) : migratedPGliteDump();
  })();
  return template;
}

/** A JSON answer as tests read it: any shape, checked by the assertions themselves. */
// biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary JSON answers
export type Json = any;

export interface TestServer {
  app: TestApp;
  http: HttpApp;
  url: string;
  /** A real token of the given role, made through the same service the CLI uses. */
  token(role: Role): Promise<string>;
  /** fetch against the server with a token of `role` (or none) and JSON in and out. */
  call(
    method: string,
    path: string,
    opts?: { role?: Role | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json }>;
  /** GET a non-JSON answer (a report as Markdown, HTML) as text, with a token of `role`. */
  text(path: string, role?: Role): Promise<string>;
  close(): Promise<void>;
}

export async function testServer(): Promise<TestServer> {
  const app = await testApp();
  const http = await buildHttpApp(app, modules);
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  // One token per role, made up front so that table counts taken by tests don't move with them.
  const tokens = new Map<Role, string>();
  for (const role of ROLES) {
    tokens.set(role, (await createToken(app, app.actor('admin'), { name: `test-${role}`, role })).token);
  }
  const token = async (role: Role) => tokens.get(role)!;
  return {
    app,
    http,
    url,
    token,
    async call(method, path, opts = {}) {
      const role = opts.role === undefined ? 'admin' : opts.role;
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (role) headers.authorization = `Bearer ${await token(role)}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined
          ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
          : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async text(path, role = 'viewer') {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${await token(role)}` } });
      return res.text();
    },
    close: async () => {
      await http.close();
      await app.close();
    },
  };
}

/** Row counts of every table: bad-input tests assert these are unchanged. */
export async function tableCounts(ctx: AppContext): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(ctx.db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: bigint }>`select count(*)::int8 as n from ${sql.table(table_name)}`.execute(
      ctx.db,
    );
    counts[table_name] = Number(r.rows[0]!.n);
  }
  return counts;
}

/** The AppError a write was refused with; fails the test when it went through or failed otherwise. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
