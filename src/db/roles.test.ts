import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { openContext } from '../app/root.js';
import { addProduct, listProducts } from '../catalog/service.js';
import { modules } from '../modules.js';
import { testApp, testConfig } from '../testing/index.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;

/** The same server and database as `url`, as another role (the test server trusts local roles). */
function as(url: string, role: string, database: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = '';
  u.pathname = `/${database}`;
  return u.toString();
}

// Roles need a server: PGlite has one user, a superuser.
describe.skipIf(!server)('the application role on PostgreSQL', { timeout: 120_000 }, () => {
  const owner = testApp();
  const role = `hf_app_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const { db, close } = await owner;
    await sql`drop owned by ${sql.id(role)}`.execute(db);
    await sql`drop role if exists ${sql.id(role)}`.execute(db);
    await close();
  });

  it('appends through the ledger but cannot truncate, alter or drop the protection of the events', async () => {
    const { db } = await owner;
    const database = (await sql<{ d: string }>`select current_database() as d`.execute(db)).rows[0]!.d;
    await sql`create role ${sql.id(role)} login`.execute(db);
    // DATABASE_URL is the application's role; the owner's URL migrates and grants it what it needs.
    const config = readConfig({
      DATABASE_URL: as(server!.url, role, database),
      HASHFORGE_MIGRATE_URL: as(server!.url, new URL(server!.url).username || 'postgres', database),
      LOG_LEVEL: 'silent',
    });
    const app = await openContext(config, { command: 'test', modules });
    try {
      const { ctx } = app;
      await addProduct(
        ctx,
        { id: 'test:app', role: 'admin' },
        {
          kind: 'ai-chip',
          id: 'K210',
          name: 'Kendryte K210',
          family: 'K2',
          stage: 'mass-production',
          launchDate: null,
          tier: 'low-cost',
          tops: 1,
          processNm: 28,
          predecessor: null,
        },
      );
      expect((await listProducts(ctx, {})).map((p) => p.id)).toEqual(['K210']);

      const refused = async (statement: string) => {
        const error = await sql
          .raw(statement)
          .execute(ctx.db)
          .then(
            () => undefined,
            (e: { code?: string; message: string }) => e,
          );
        expect(error, statement).toBeDefined();
        // 42501: insufficient privilege ("permission denied", "must be owner of table events").
        expect(error?.code, `${statement}: ${error?.message}`).toBe('42501');
      };
      await refused('truncate events');
      await refused('alter table events disable trigger events_append_only');
      await refused('alter table events disable trigger all');
      await refused('drop trigger events_append_only on events');
      await refused('drop table events cascade');
      await refused(`update events set actor = 'someone else'`);
      await refused('delete from events');
      await refused(`insert into schema_migrations (name) values ('9999_mine.sql')`);
      const events = await ctx.db.selectFrom('events').select('kind').execute();
      expect(events.map((e) => e.kind)).toEqual(['catalog.product-added']);
    } finally {
      await app.close();
    }
  });
});
