import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { openContext } from '../app/root.js';
import { addProduct, listProducts } from '../catalog/service.js';
import { keepMeasurements, repackClosedDay } from '../fleet/partitions.js';
import { writePolls } from '../fleet/series-store.js';
import { insertMachines } from '../fleet/store.js';
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

      // The fleet's measurements: it makes, fills and drops their partitions only through the owner's
      // two functions, never a table of its own choosing.
      const at = new Date('2021-03-01T10:00:00Z');
      await insertMachines(
        ctx.db,
        [{ id: 1, serial: 'r1', dna: 'r1', site: 'R1', address: '10.3.0.1', port: 4028 }],
        at,
      );
      const reading = { machineId: 1, answered: true, durationMs: 90, failures: 0, ths: 90 };
      await writePolls(ctx.db, [reading], { sweep: 1, at, bucket: at });
      const keep = { telemetryDays: 2, totalsDays: 400 };
      expect((await keepMeasurements(ctx.db, at, keep)).telemetry).toEqual({ made: 3, dropped: 0 });
      const later = new Date('2021-03-05T00:00:00Z');
      expect((await keepMeasurements(ctx.db, later, keep)).telemetry).toMatchObject({ dropped: 2 });
      // The 3rd, closed, is copied and swapped in through the owner's third function (migration 1390).
      expect(await repackClosedDay(ctx.db, later)).toBe(1);
      const packed = await sql<{ options: string[] }>`
        select reloptions as options from pg_class where relname = 'fleet_telemetry_20210303'`.execute(
        ctx.db,
      );
      expect(packed.rows[0]!.options).toEqual(['fillfactor=100']);
      await refused('alter table fleet_telemetry_20210305 set (fillfactor = 100)');
      const repacksOther = await sql<{
        done: boolean;
      }>`select fleet_repack_partition('events') as done`.execute(ctx.db);
      expect(repacksOther.rows[0]!.done).toBe(false);
      await refused('drop table fleet_telemetry_default');
      await refused('drop table fleet_telemetry_20210303');
      const dropsOther = await sql<{ done: boolean }>`select fleet_drop_partition('events') as done`.execute(
        ctx.db,
      );
      expect(dropsOther.rows[0]!.done).toBe(false);
    } finally {
      await app.close();
    }
  });
});
