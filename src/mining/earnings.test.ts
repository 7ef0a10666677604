/**
 * Earnings, costs, advice and targets on a real database, with machines the fleet poller has not
 * seen (so every figure rests on installed, nominal hashrate and power). The fleet-measured side is
 * in mining.sim.test.ts, against the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysInMonth, monthRange } from '../kernel/calendar.js';
import { expectedSatsForHashrate } from '../market/model.js';
import { requireMarketOn } from '../market/service.js';
import { type TestApp, tableCounts, testApp } from '../testing/index.js';
import { importPayouts } from '../treasury/service.js';
import { valueTreasury } from '../treasury/valuation.js';
import { adviseCurtailment, applyAdvice, economicsOn } from './advice.js';
import { energyByDay } from './costs.js';
import { deployMachines, installMachines } from './deployments.js';
import { earningsByMonth, expectedByDay } from './earnings.js';
import { addSite, setPrice } from './sites.js';
import { miningStatus, setTarget } from './targets.js';
import { seedCatalogAndMarket } from './test-fixtures.js';

// Ten A1246 (90 TH/s, 3,420 W) at $0.05/kWh: 34.2 kW × 24 h × $0.05 = $41.04 a day.
const DAILY_ENERGY_CENTS = 4104n;

describe('earnings, costs and advice from installed machines', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    app.clock.set('2021-04-01T00:00:00Z');
    const admin = app.actor('admin');
    await seedCatalogAndMarket(app, admin, '2021-02-01', '2022-06-30');
    const ops = app.actor('ops');
    await addSite(app, ops, {
      code: 'SG1',
      name: 'Singapore One',
      country: 'SG',
      capacityMw: 1,
      usdPerKwh: 0.05,
      priceFrom: '2021-01-01',
      status: 'approved',
      permitRef: 'EMA-2021-17',
    });
    await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 10,
      serialPrefix: 'SG1-A1246-',
      shippedOn: '2021-03-01',
    });
    await installMachines(app, ops, {
      serials: Array.from({ length: 10 }, (_, i) => `SG1-A1246-${String(i + 1).padStart(4, '0')}`),
      installedOn: '2021-03-05',
    });
    const days = Array.from({ length: 27 }, (_, i) => `2021-03-${String(i + 5).padStart(2, '0')}`);
    await importPayouts(
      app,
      app.actor('finance'),
      { account: 'btc', payouts: days.map((date) => ({ date, pool: 'F2Pool', btc: '0.0061' })) },
      { source: 'test' },
    );
  });
  afterAll(async () => app.close());

  it('expects BTC from installed TH/s and the day market, and compares with the payouts', async () => {
    const days = await expectedByDay(app, { from: '2021-03-04', to: '2021-03-05' });
    expect(days[0]).toMatchObject({
      day: '2021-03-04',
      ths: 0,
      basis: 'none',
      expectedSats: 0n,
      actualSats: 0n,
    });
    const m = await requireMarketOn(app, '2021-03-05');
    expect(days[1]).toMatchObject({
      ths: 900,
      basis: 'installed',
      marketDay: '2021-03-05',
      actualSats: 610_000n,
      expectedSats: expectedSatsForHashrate({
        ths: 900,
        days: 1,
        day: '2021-03-05',
        difficulty: m.difficulty,
        feesPerBlockSats: m.feesPerBlockSats,
      }),
    });
  });

  it('says which days were expected on an earlier market, past the market history', async () => {
    // The market is seeded to 2022-06-30: July's expectation rests on that day, all month.
    const [june, july] = await earningsByMonth(app, { from: '2022-06', to: '2022-07' });
    expect(june!.days.carriedMarket).toBe(0);
    expect(june!.marketDay).toBe('2022-06-30');
    expect(july!.days).toMatchObject({ installed: 31, none: 0, noMarket: 0, carriedMarket: 31 });
    expect(july!.marketDay).toBe('2022-06-30');
    expect(july!.expectedSats).toBeGreaterThan(0n);
  });

  it("counts every day of each month by the hashrate its expectation rests on, December's 31 too", async () => {
    const months = await earningsByMonth(app, { from: '2021-01', to: '2022-12' });
    expect(months.map((m) => m.month)).toEqual(monthRange('2021-01', '2022-12'));
    for (const m of months) {
      const { measured, installed, mixed, none } = m.days;
      expect(measured + installed + mixed + none, m.month).toBe(daysInMonth(m.month));
    }
    expect(months.find((m) => m.month === '2022-12')!.days).toMatchObject({
      installed: 31,
      carriedMarket: 31,
    });
  });

  it('gives luck and the cost of each BTC per month', async () => {
    const [march] = await earningsByMonth(app, { from: '2021-03', to: '2021-03' });
    const daily = await expectedByDay(app, { from: '2021-03-01', to: '2021-03-31' });
    const expected = daily.reduce((s, d) => s + (d.expectedSats ?? 0n), 0n);
    expect(march!.expectedSats).toBe(expected);
    expect(march!.actualSats).toBe(27n * 610_000n);
    expect(march!.luck).toBeCloseTo(Number(march!.actualSats) / Number(expected), 12);
    expect(march!.energyCents).toBe(27n * DAILY_ENERGY_CENTS);
    // $1,108.08 of energy for 0.1647 BTC
    expect(march!.costPerBtcCents).toBe(672_787n);
    // The 1st to the 4th, before the machines were installed, are counted too: the month has 31.
    expect(march!.days).toEqual({
      measured: 0,
      installed: 27,
      mixed: 0,
      none: 4,
      noMarket: 0,
      carriedMarket: 0,
    });
    expect(march!.marketDay).toBe('2021-03-31');
    const energy = await energyByDay(app, { from: '2021-03-05', to: '2021-03-05' });
    expect(energy).toEqual([
      expect.objectContaining({
        kwh: 820.8,
        energyCents: DAILY_ENERGY_CENTS,
        basis: 'nominal',
        installedMachines: 10,
      }),
    ]);
  });

  it('values the treasury against the cost of mining', async () => {
    const v = await valueTreasury(app, '2021-03-31');
    expect(v.minedSats).toBe(16_470_000n);
    expect(v.miningCostCents).toBe(27n * DAILY_ENERGY_CENTS);
    expect(v.costBasisCents).toBe(v.miningCostCents);
    expect(v.unrealisedGainCents).toBe(v.valueCents - v.miningCostCents);
  });

  it('advises switching off only when power costs more than a machine earns, and says what it saves', async () => {
    const cheap = await adviseCurtailment(app, '2022-06-18');
    expect(cheap.groups).toHaveLength(1);
    expect(cheap.groups[0]).toMatchObject({
      site: 'SG1',
      productId: 'A1246',
      machines: 10,
      advice: 'keep-on',
    });
    expect(cheap.machinesToSwitchOff).toBe(0);
    const e = await economicsOn(app, '2022-06-18');
    const g = e.groups[0]!;
    expect(g.thresholdUsdPerThDay).toBeCloseTo(0.0456, 10);
    expect(g.breakevenBtcUsd).toBe(
      (g.energyCentsPerMachine * 100_000_000n + g.expectedSatsPerMachine / 2n) / g.expectedSatsPerMachine,
    );

    await setPrice(app, app.actor('ops'), 'SG1', { effectiveFrom: '2022-06-01', usdPerKwh: 0.12 });
    const dear = await adviseCurtailment(app, '2022-06-18');
    const d = dear.groups[0]!;
    expect(d.advice).toBe('switch-off');
    expect(d.reason).toContain('below');
    expect(dear.savedCentsPerDay).toBe((d.energyCentsPerMachine - d.revenueCentsPerMachine) * 10n);
    expect(dear.machinesToSwitchOff).toBe(10);
    // the price before June still applies to a day before it
    expect((await adviseCurtailment(app, '2022-05-31')).groups[0]!.advice).toBe('keep-on');

    const before = await tableCounts(app);
    await expect(applyAdvice(app, app.actor('ops'), '2022-06-18')).rejects.toMatchObject({
      code: 'mining.nothing-to-curtail',
      message: expect.stringContaining('not known to the fleet poller'),
    });
    expect(await tableCounts(app)).toEqual(before);
  });

  it('says how a target ended, judged on the hashrate of its by-day', async () => {
    // Due the day before the machines were installed: missed, though they would meet it after.
    await setTarget(app, app.actor('ops'), {
      byDay: '2021-03-04',
      low: '500 TH',
      high: '1 PH',
      sharePercent: 10,
      setOn: '2021-03-01',
    });
    expect((await miningStatus(app, '2021-03-04')).target!.progress).toMatchObject({
      daysLeft: 0,
      outcome: null,
    });
    const after = await miningStatus(app, '2021-03-20');
    expect(after.installedThs).toBe(900);
    expect(after.target!.progress).toMatchObject({
      standing: 'below',
      ofLow: 0,
      daysLeft: 0,
      outcome: 'missed',
    });
  });

  it('shows progress against the hashrate target', async () => {
    await setTarget(app, app.actor('ops'), {
      byDay: '2021-12-31',
      low: '2 EH',
      high: '4 EH',
      sharePercent: 10,
      setOn: '2021-03-01',
    });
    // Not known before the day it was set.
    expect((await miningStatus(app, '2021-02-28')).target).toBeNull();
    const s = await miningStatus(app, '2021-03-31');
    expect(s.installedThs).toBe(900);
    expect(s.measuredThs).toBeNull();
    expect(s.target).toMatchObject({
      lowThs: 2_000_000,
      highThs: 4_000_000,
      shareBp: 1000,
      progressOn: 'installed',
      progress: { standing: 'below', daysLeft: 275, missingToLowThs: 1_999_100, outcome: null },
    });
    await expect(
      setTarget(app, app.actor('ops'), { byDay: '2021-12-31', low: '4 EH', high: '2 EH', sharePercent: 10 }),
    ).rejects.toMatchObject({ field: 'high' });
  });
});
