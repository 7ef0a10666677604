/**
 * Migration 1370 on data made before it: two sites whose codes differ only by case (allowed until
 * then) do not stop the upgrade; both stay, and the case-blind index waits for a person to merge them.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedBefore } from '../testing/migrated-before.js';
import { migrate } from './migrate.js';

describe('migration 1370 on older data', () => {
  let before: Awaited<ReturnType<typeof databaseMigratedBefore>>;
  beforeAll(async () => {
    before = await databaseMigratedBefore('1370_mining_site_code_case.sql');
    for (const code of ['LAB', 'lab', 'SG1'])
      await sql`insert into mining_sites (code, name, country, capacity_w, compliance_status, status_since, created_at, updated_at)
        values (${code}, ${code}, 'SG', 0, 'pending', '2021-01-01', now(), now())`.execute(before.db);
  }, 180_000);
  afterAll(async () => before?.close());

  it('upgrades past LAB beside lab, keeping both sites and leaving the index uncreated', async () => {
    await migrate(before.db);
    const applied = await sql<{
      name: string;
    }>`select name from schema_migrations order by name desc limit 1`.execute(before.db);
    expect(applied.rows[0]!.name >= '1370_mining_site_code_case.sql').toBe(true);
    const sites = await sql<{ code: string }>`select code from mining_sites`.execute(before.db);
    expect(sites.rows.map((r) => r.code).sort()).toEqual(['LAB', 'SG1', 'lab']);
    const index = await sql<{ n: number }>`
      select count(*)::int as n from pg_indexes where indexname = 'mining_sites_code_any_case'`.execute(
      before.db,
    );
    expect(index.rows[0]!.n).toBe(0);
  });
});
