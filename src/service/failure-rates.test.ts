/**
 * Failure rates on the demo company: counted in one pass (a few months a query) they are the rows
 * the count model by model gave, and a month range is the all-time list's rows of its months.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
import { failureRates, failureRatesOver } from './reports.js';
import { failureCounts } from './store.js';

describe('failure rates on the demo company', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ demo: 'demo@2021-01-15' });
  }, 600_000);
  afterAll(async () => {
    await app?.close();
  });

  type Count = Awaited<ReturnType<typeof failureCounts>>[number];
  const key = (c: Count) => [c.product_id, c.batch, c.foundry_lot ?? '', c.class, c.month].join('|');
  const sorted = (cs: Count[]) => [...cs].sort((a, b) => key(a).localeCompare(key(b)));

  it('counts every model in one pass as the count model by model did', async () => {
    // The previous computation: the models tickets were opened for, then one count each.
    const models = await sql<{ product_id: string }>`
      select distinct product_id from service_tickets
      where route = 'rma' and serial is not null and product_id is not null order by product_id`.execute(
      app.db,
    );
    expect(models.rows.length).toBeGreaterThan(1);
    const perModel: Count[] = [];
    for (const { product_id } of models.rows) perModel.push(...(await failureCounts(app.db, product_id)));
    expect(perModel.length).toBeGreaterThan(100);
    expect(sorted(await failureCounts(app.db))).toEqual(sorted(perModel));
  });

  it('gives a range of months, read a few months at a time, as the all-time rows of those months', async () => {
    const all = await failureRates(app);
    const answer = await failureRatesOver(app, { from: '2020-02', to: '2020-12' });
    const months = new Set(answer.rates.map((r) => r.month));
    expect([...months].sort()).toEqual([
      '2020-02',
      '2020-03',
      '2020-04',
      '2020-05',
      '2020-06',
      '2020-07',
      '2020-08',
      '2020-09',
      '2020-10',
      '2020-11',
      '2020-12',
    ]);
    expect(answer.rates).toEqual(all.filter((r) => r.month >= '2020-02' && r.month <= '2020-12'));
    // No range: the 12 months up to the latest with a hardware ticket (the demo stands at 2021-01-15).
    const latest = await failureRatesOver(app, {});
    expect([latest.from, latest.to]).toEqual(['2020-02', '2021-01']);
    expect(latest.rates).toEqual(all.filter((r) => r.month >= '2020-02'));
  });
});
