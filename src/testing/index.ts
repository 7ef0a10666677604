import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import { ROLES, type Role } from '../auth/roles.js';
import { createToken } from '../auth/tokens.js';
import { type Db, dbOverPGlite, newPGlite } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { loadDemo } from '../demo/load.js';
import { buildHttpApp, type HttpApp } from '../http/app.js';
import { AppError } from '../kernel/errors.js';
import { modules } from '../modules.js';
import { DEMO_SNAPSHOTS, type DemoSnapshot, demoSnapshot } from './demo-snapshot.js';
import { appOver, pgliteTemplate, provided, type TestApp, testConfig } from './run.js';
import { cloneServerDatabase, newServerDatabase, type ServerTemplate } from './server-clone.js';

export type { DemoSnapshot, TestApp };
export { appOver, testConfig };

/**
 * A fresh database made by the real migrations, run once for the whole test run (see
 * global-setup.ts) and cloned for each test: a copy of the migrated PGlite, or — when
 * DATABASE_URL is set — a new database on that server made from a migrated template, dropped
 * again on close. `migrate` re-checks each copy.
 *
 * With `demo`, the database holds the demo company as loaded up to that snapshot's day
 * (demo-snapshot.ts), made once per run and copied, and the test clock stands at that day.
 */
export async function testApp(opts: { demo?: DemoSnapshot } = {}): Promise<TestApp> {
  const snapshot = opts.demo ? await demoSnapshot(opts.demo) : undefined;
  const clone =
    testConfig.database.kind === 'server'
      ? await serverDatabase(
          testConfig.database.url,
          snapshot?.kind === 'server' ? snapshot.template : undefined,
        )
      : undefined;
  // The PGlite template only without a server: made outside a test run (a bench), it is an
  // initdb in this process, and it held the fleet bench's poller at 585 MB before its first poll.
  const db: Db = clone
    ? clone.db
    : dbOverPGlite(
        await newPGlite('memory', snapshot?.kind === 'pglite' ? snapshot.dump : await pgliteTemplate()),
      );
  await migrate(db);
  const app = await appOver(db, async () => {
    await db.destroy();
    await clone?.drop();
  });
  if (opts.demo) {
    const { at, service } = DEMO_SNAPSHOTS[opts.demo];
    app.clock.set(at);
    // Outside a Vitest run (a bench, the screenshots) there is no snapshot: load it here.
    if (!snapshot) await loadDemo(app, app.actor('admin'), undefined, { service });
  }
  return app;
}

async function serverDatabase(url: string, from: ServerTemplate | undefined) {
  const template = from ?? provided('serverTemplate');
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

/** A real HTTP server over `testApp(opts)`. */
export async function testServer(opts: { demo?: DemoSnapshot } = {}): Promise<TestServer> {
  const app = await testApp(opts);
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
