import { sql } from 'kysely';
import { type DatabaseTarget, type Db, openDatabase } from './db.js';
import { migrate } from './migrate.js';

type ServerTarget = Extract<DatabaseTarget, { kind: 'server' }>;

/**
 * On PostgreSQL the application may connect as a role that owns nothing (DATABASE_URL) while the
 * tables' owner runs the migrations (HASHFORGE_MIGRATE_URL). Only an owner (or a superuser) can
 * TRUNCATE, ALTER or DROP a table or its triggers, so the application's role cannot switch off the
 * trigger that keeps the events append-only. This migrates as the owner, then grants the
 * application's role what it uses: reading and writing the module tables, appending events.
 */
export async function migrateAsOwner(target: ServerTarget & { ownerUrl: string }, app: Db): Promise<void> {
  const appRole = await currentRole(app);
  const owner = await openDatabase({
    kind: 'server',
    url: target.ownerUrl,
    pool: 1,
    ...(target.schema ? { schema: target.schema } : {}),
  });
  try {
    await migrate(owner.db);
    if ((await currentRole(owner.db)) !== appRole) await grantToApp(owner.db, appRole);
  } finally {
    await owner.close();
  }
}

/**
 * The application role's privileges on the current schema, granted again on every start so that
 * tables a new migration made are covered: every statement it needs, and on `events` and
 * `schema_migrations` reading and (events) appending only. TRUNCATE, and the owner's ALTER and
 * DROP, it never has.
 */
export async function grantToApp(owner: Db, role: string): Promise<void> {
  const schema = sql.id(await currentSchema(owner));
  const r = sql.id(role);
  await sql`grant usage on schema ${schema} to ${r}`.execute(owner);
  await sql`grant select, insert, update, delete on all tables in schema ${schema} to ${r}`.execute(owner);
  await sql`grant usage, select on all sequences in schema ${schema} to ${r}`.execute(owner);
  await sql`revoke update, delete, truncate on events from ${r}`.execute(owner);
  await sql`revoke insert, update, delete, truncate on schema_migrations from ${r}`.execute(owner);
}

async function currentRole(db: Db): Promise<string> {
  const r = await sql<{ role: string }>`select current_user as role`.execute(db);
  return r.rows[0]!.role;
}

async function currentSchema(db: Db): Promise<string> {
  const r = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return r.rows[0]!.schema;
}
