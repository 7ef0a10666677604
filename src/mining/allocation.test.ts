/**
 * Deployment against supply's self-mining allocation, the share of production, and the quarter's
 * figures for the report, on a real database with supply's records written through its services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfMiningAllocation } from '../supply/planning.js';
import { placeWaferOrder, recordBuild, setAssemblyCapacity } from '../supply/service.js';
import { receivedA12Order, tsmcMakingA12 } from '../supply/test-fixtures.js';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { importPayouts } from '../treasury/service.js';
import { allocationStatus } from './allocation.js';
import { deployMachines, installMachines } from './deployments.js';
import { miningQuarter } from './quarter.js';
import { addSite } from './sites.js';
import { setTarget } from './targets.js';
import { seedCatalogAndMarket } from './test-fixtures.js';

describe('self-mining against the supply plan', () => {
  let s: TestServer;
  let allocated: { month: string; productId: string; units: number }[];

  beforeAll(async () => {
    s = await testServer();
    const app = s.app;
    app.clock.set('2021-01-15T00:00:00Z');
    await seedCatalogAndMarket(app, app.actor('admin'), '2021-01-01', '2021-04-30');
    const supply = app.actor('supply');
    const tsmc = await tsmcMakingA12(app, supply, {
      leadTimeMonths: 3,
      yieldCurve: { startPct: 70, maturePct: 90, monthsToMature: 6, shape: 'linear' },
      agreement: { wafersPerMonth: 100, takeOrPayWafers: 20, startMonth: '2020-07', termMonths: 24 },
    });
    await receivedA12Order(app, supply, tsmc.id, {
      wafers: 20,
      placedMonth: '2020-10',
      outMonth: '2021-01',
      chipsReceived: 10_000,
    });
    await recordBuild(app, supply, { productId: 'A1246', month: '2021-01', units: 60 });
    await placeWaferOrder(app, supply, {
      agreementId: tsmc.id,
      designId: 'A12',
      wafers: 70,
      placedMonth: '2021-01',
    });
    await setAssemblyCapacity(app, supply, { fromMonth: '2021-01', machinesPerMonth: 1000 });
    allocated = await selfMiningAllocation(app, '2021-01', '2021-03');

    await addSite(app, app.actor('ops'), {
      code: 'SG1',
      name: 'Singapore One',
      country: 'SG',
      capacityMw: 5,
      usdPerKwh: 0.05,
      priceFrom: '2021-01-01',
      status: 'approved',
      permitRef: 'EMA-2021-17',
    });
  });
  afterAll(async () => s.close());

  it('deploys up to what supply allocated to self-mining in a month, and no more', async () => {
    const january = allocated.find((a) => a.month === '2021-01' && a.productId === 'A1246')!;
    expect(january.units).toBeGreaterThan(0);
    const ops = s.app.actor('ops');
    const first = await deployMachines(s.app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: january.units - 1,
      serialPrefix: 'SG1-2101-',
      shippedOn: '2021-01-20',
      allocationMonth: '2021-01',
    });
    expect(first.allocationMonth).toBe('2021-01');
    const before = await tableCounts(s.app);
    const over = await s.call('POST', '/api/mining/deployments', {
      role: 'ops',
      body: {
        site: 'SG1',
        productId: 'A1246',
        units: 2,
        serialPrefix: 'SG1-2101-',
        shippedOn: '2021-01-25',
        allocationMonth: '2021-01',
      },
    });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'mining.beyond-allocation', field: 'allocationMonth' });
    expect(over.body.error.detail).toMatchObject({
      allocated: january.units,
      deployed: january.units - 1,
      units: 2,
    });
    expect(await tableCounts(s.app)).toEqual(before);
    await deployMachines(s.app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 1,
      serialPrefix: 'SG1-2101-',
      shippedOn: '2021-01-25',
      allocationMonth: '2021-01',
    });
    await installMachines(s.app, ops, {
      serials: Array.from({ length: january.units }, (_, i) => `SG1-2101-${String(i + 1).padStart(4, '0')}`),
      installedOn: '2021-02-01',
    });
  });

  it('compares what was shipped with what was built and allocated', async () => {
    const a = await allocationStatus(s.app, '2021-01', '2021-03');
    const jan = a.rows.find((r) => r.month === '2021-01')!;
    const january = allocated.find((x) => x.month === '2021-01')!.units;
    expect(jan).toMatchObject({
      productId: 'A1246',
      built: 60,
      allocated: january,
      deployedAgainst: january,
      shipped: january,
    });
    expect(a.built).toBe(a.rows.reduce((n, r) => n + r.built, 0));
    expect(a.shareBp).toBe(Math.round((january * 10_000) / a.built));
    const http = await s.call('GET', '/api/mining/allocation?from=2021-01&to=2021-03', { role: 'viewer' });
    expect(http.body.shipped).toBe(january);
  });

  it("gives the quarter's figures, each with a route that lists its records", async () => {
    await setTarget(s.app, s.app.actor('ops'), {
      byDay: '2021-12-31',
      low: '2 EH',
      high: '4 EH',
      sharePercent: 10,
    });
    await importPayouts(
      s.app,
      s.app.actor('finance'),
      { account: 'btc', csv: 'date,pool,btc\n2021-02-15,F2Pool,0.01\n2021-03-15,F2Pool,0.02\n' },
      { source: 'test' },
    );
    const q = await miningQuarter(s.app, '2021Q1');
    const units = allocated.find((x) => x.month === '2021-01')!.units;
    expect(q.installedPh.value).toBeCloseTo((units * 90) / 1000, 10);
    expect(q.measuredPh.value).toBeNull();
    // Per site as in total: installed at each, and no telemetry (no fleet polls these machines).
    expect(q.sites.value.reduce((n, x) => n + x.installedPh, 0)).toBeCloseTo(q.installedPh.value, 10);
    expect(q.sites.value.every((x) => x.measuredPh === null)).toBe(true);
    expect(q.btcMinedSats.value).toBe(3_000_000n);
    expect(q.energyCents.value).toBeGreaterThan(0n);
    expect(q.costPerBtcCents.value).toBe((q.energyCents.value * 100_000_000n + 1_500_000n) / 3_000_000n);
    expect(q.luck.value).toBeCloseTo(3_000_000 / Number(q.expectedSats.value), 10);
    expect(q.shareOfProduction.value.shippedUnits).toBe(units);
    expect(q.target.value).toMatchObject({ lowPh: 2000, highPh: 4000, standing: 'below' });
    for (const figure of [
      q.installedPh,
      q.sites,
      q.btcMinedSats,
      q.luck,
      q.costPerBtcCents,
      q.shareOfProduction,
      q.target,
    ]) {
      const r = await s.call('GET', figure.source, { role: 'viewer' });
      expect(r.status, figure.source).toBe(200);
    }
    const http = await s.call('GET', '/api/mining/quarters/2021q1', { role: 'viewer' });
    expect(http.body.btcMinedSats).toEqual({ value: '3000000', source: q.btcMinedSats.source });
    // The quarters it has figures in: shipments in 2021Q1, no telemetry.
    const span = await s.call('GET', '/api/mining/quarters', { role: 'viewer' });
    expect(span.body).toEqual({ first: '2021Q1', last: '2021Q1', lastMeasuredOn: null, current: '2021Q1' });
  });
});
