/**
 * On the demo company: the contracts as signed, read from the signing events alone
 * (`contractsSignedBy`, what a scenario's selling terms read), are the first steps of the whole
 * trails: the same contracts in the same order, on days before, between and after its quarters'
 * ends. The contracts at a quarter's ends read from the stored quarter ends (`contractsAtQuarter`)
 * are those a replay of the events gives, and a contract whose stored quarters miss events is
 * replayed; the fill after migration 1260 writes them as the projections did.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quarter } from '../kernel/calendar.js';
import { type TestServer, testServer } from '../testing/index.js';
import { contractsAtQuarter, contractsSignedBy, contractTrails } from './as-of.js';
import { fillQuarterEnds } from './background.js';

let server: TestServer;

beforeAll(async () => {
  server = await testServer({ demo: 'demo@2022-07-15-no-service' });
}, 900_000);
afterAll(async () => server?.close());

describe('the contracts signed by a day', () => {
  it('are the trails’ first steps, in the order recorded', async () => {
    for (const day of ['2018-12-31', '2019-06-30', '2020-11-15', '2021-12-31', '2022-06-30']) {
      const trails = await contractTrails(server.app, day);
      const signed = await contractsSignedBy(server.app, day);
      expect(signed, day).toEqual([...trails.values()].map((t) => t.steps[0]!.state.contract));
    }
    // Not vacuous: the last day sees the demo's contracts, the first none or few of them.
    expect((await contractsSignedBy(server.app, '2022-06-30')).length).toBeGreaterThan(200);
  }, 300_000);
});

describe('the contracts at a quarter’s ends', () => {
  /** What `contractsAtQuarter` gives once `damage` has run on the stored quarter ends; rolled back. */
  async function afterDamage(quarter: Quarter, damage: string) {
    let found: Awaited<ReturnType<typeof contractsAtQuarter>> | undefined;
    await server.app.db
      .transaction()
      .execute(async (tx) => {
        await sql.raw(damage).execute(tx);
        found = await contractsAtQuarter({ ...server.app, db: tx }, quarter);
        throw new Error('rolled back');
      })
      .catch((e: unknown) => {
        if (!(e instanceof Error && e.message === 'rolled back')) throw e;
      });
    return found!;
  }

  it('read from the stored quarter ends are what replaying the events gives, in the same order', async () => {
    for (const quarter of ['2019Q1', '2020Q4', '2021Q3', '2022Q2'] as Quarter[]) {
      const stored = await contractsAtQuarter(server.app, quarter);
      // No stored row: every contract replayed from its events.
      const replayed = await afterDamage(quarter, 'delete from sales_contract_quarters');
      expect([...stored.entries()], quarter).toEqual([...replayed.entries()]);
      expect(stored.size, quarter).toBeGreaterThan(0);
    }
    // Not vacuous: the demo's load stored its quarter ends, and 2022Q2 has contracts signed before
    // it with money moving in it.
    const rows = await sql<{ n: number }>`select count(*)::int4 as n from sales_contract_quarters`.execute(
      server.app.db,
    );
    expect(rows.rows[0]!.n).toBeGreaterThan(500);
    const q = await contractsAtQuarter(server.app, '2022Q2');
    expect([...q.values()].filter((c) => c.start !== null && c.money.length > 1).length).toBeGreaterThan(10);
  }, 300_000);

  it('replay a contract whose stored quarter misses an event or whose quarter before is missing', async () => {
    const stored = await contractsAtQuarter(server.app, '2022Q2');
    // As a database migrated to 1260 holds contracts with events recorded before it: a quarter's
    // first events missing from its row, an earlier quarter with no row at all.
    const damaged = await afterDamage(
      '2022Q2',
      `update sales_contract_quarters set steps = steps - 0 where quarter = '2022Q2' and contract_id % 2 = 0;
       delete from sales_contract_quarters where quarter = '2022Q1' and contract_id % 3 = 0`,
    );
    expect([...damaged.entries()]).toEqual([...stored.entries()]);
  }, 300_000);
});

describe('the quarter ends’ fill', () => {
  it('writes the rows the projections wrote, for contracts whose events have no step stored, then nothing', async () => {
    const rows = async () =>
      (
        await sql<{ row: string }>`select (q.*)::text as row from sales_contract_quarters q
          order by contract_id, quarter`.execute(server.app.db)
      ).rows.map((r) => r.row);
    const stored = await rows();
    // As a database migrated to 1260 holds them: contracts without rows, a quarter without its first events.
    await sql`delete from sales_contract_quarters where contract_id % 3 = 0`.execute(server.app.db);
    await sql`update sales_contract_quarters set steps = steps - 0 where contract_id % 3 = 1 and quarter >= '2021Q1'`.execute(
      server.app.db,
    );
    expect(await rows()).not.toEqual(stored);
    expect(await fillQuarterEnds(server.app, () => false)).toBe(true);
    expect(await rows()).toEqual(stored);
    expect(await fillQuarterEnds(server.app, () => false)).toBe(false);
  }, 300_000);
});
