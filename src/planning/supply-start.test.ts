/**
 * A scenario's supply start reads supply as it stood on the scenario's as-of day: an agreement
 * signed later adds no capacity to an earlier start. On a real database, supply written through
 * its own services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogAndMarket } from '../mining/test-fixtures.js';
import { signAgreement } from '../supply/service.js';
import { tsmcMakingA12 } from '../supply/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { supplyAt } from './supply-start.js';

describe("a scenario's supply start", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await testApp();
    app.clock.set('2021-06-15T00:00:00Z');
    await seedCatalogAndMarket(app, app.actor('admin'), '2021-01-01', '2021-01-31');
    const supply = app.actor('supply');
    // 100 wafers a month signed in 2020-10; a second agreement for 200 more signed in 2021-03.
    await tsmcMakingA12(app, supply, {
      leadTimeMonths: 3,
      yieldCurve: { startPct: 90, maturePct: 90, monthsToMature: 1, shape: 'linear' },
      agreement: {
        wafersPerMonth: 100,
        takeOrPayWafers: 10,
        startMonth: '2020-11',
        termMonths: 24,
        signedMonth: '2020-10',
      },
    });
    await signAgreement(app, supply, {
      foundryId: 'tsmc',
      wafersPerMonth: 200,
      takeOrPayWafers: 50,
      startMonth: '2021-04',
      termMonths: 12,
      signedMonth: '2021-03',
    });
  });
  afterAll(async () => app?.close());

  it('counts only the agreements signed by the as-of month', async () => {
    const months = ['2021-04', '2021-05'];
    const before = await supplyAt(app, '2021-01-31', months);
    const after = await supplyAt(app, '2021-03-31', months);
    // 600 dies a wafer at 90 %, 100 chips an A1246 of 90 TH/s: 486 TH/s a wafer.
    expect(before.supply.thPerWafer).toBeCloseTo(486, 6);
    expect(before.modelId).toBe('A1246');
    expect(before.supply.capacityTh).toEqual([100 * 486, 100 * 486].map((x) => expect.closeTo(x, 6)));
    expect(before.supply.takeOrPayTh).toEqual([10 * 486, 10 * 486].map((x) => expect.closeTo(x, 6)));
    // Signed in March: in a start as of the end of March, from its first month on.
    expect(after.supply.capacityTh).toEqual([300 * 486, 300 * 486].map((x) => expect.closeTo(x, 6)));
    expect(after.supply.takeOrPayTh).toEqual([60 * 486, 60 * 486].map((x) => expect.closeTo(x, 6)));
  });
});
