/**
 * Market days added up by month in SQL (store.ts) are, to the last bit, what adding the days up one
 * by one in TypeScript gives (model.ts `monthTotals`): a scenario's history reads its months so, and
 * its figures must be those that reading every day gave. On the shipped history (every day since
 * 2012) with spot prices on some days of some months, in cents whose hundredths no double holds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../demo/load.js';
import { addDays } from '../kernel/calendar.js';
import { type TestApp, testApp } from '../testing/index.js';
import { monthTotals } from './model.js';
import { importMarketCsv, marketCoverage, marketMonths, marketRange, setSpotPrices } from './service.js';

describe('market days added up by month', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await testApp();
    const csv = readFileSync(join(DATA_DIR, 'market', 'btc_daily.csv'), 'utf8');
    await importMarketCsv(app, app.actor('admin'), csv, { source: 'Coin Metrics' });
    // From the 10th of a month on, so that month has days without a price and days with one.
    const prices = Array.from({ length: 900 }, (_, i) => ({
      day: addDays('2019-01-10', i),
      usdPerTh: 1001n + BigInt((i * 7919) % 9973),
    }));
    await setSpotPrices(app, app.actor('supply'), prices, 'test');
  }, 60_000);
  afterAll(async () => app.close());

  it('gives every month the sums of its days in day order, bit for bit', async () => {
    const { first, last } = await marketCoverage(app);
    const days = await marketRange(app, first!, last!);
    const months = await marketMonths(app, first!, last!);
    expect(months).toEqual(monthTotals(days));
    expect(months.length).toBeGreaterThan(160);
    expect(months.find((m) => m.month === '2019-01')).toMatchObject({ days: 31, spotDays: 22 });
    expect(months.filter((m) => m.spotDays === m.days).length).toBeGreaterThan(25);
  });

  it('gives the months of a range only, and none for a range without days', async () => {
    const months = await marketMonths(app, '2020-02-15', '2020-04-03');
    expect(months.map((m) => [m.month, m.days])).toEqual([
      ['2020-02', 15],
      ['2020-03', 31],
      ['2020-04', 3],
    ]);
    expect(await marketMonths(app, '1990-01-01', '1990-12-31')).toEqual([]);
  });

  it('refuses a range that ends before it starts, naming from', async () => {
    await expect(marketMonths(app, '2020-02-01', '2020-01-01')).rejects.toMatchObject({ field: 'from' });
  });
});
