/**
 * The USD cash and the machines' depreciation on a real database: customers' cash from sales, energy
 * from mining, build costs from supply, each written through its own module's services or API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMachines } from '../mining/deployments.js';
import { addSite } from '../mining/sites.js';
import { addCustomer } from '../sales/customers.js';
import { futuresContract, seedCatalog } from '../sales/test-fixtures.js';
import { receivedA12Order, tsmcMakingA12 } from '../supply/test-fixtures.js';
import { freshCliEnv, runCli } from '../testing/cli.js';
import { refusal, type TestServer, tableCounts, testServer } from '../testing/index.js';
import { cashRoll, recordedCashBetween } from './cash.js';
import { accumulatedOn, lifeDays } from './depreciation-model.js';
import { importPayouts } from './service.js';

describe('USD cash and the cost per BTC with depreciation', () => {
  let s: TestServer;
  let contractId: number;
  const cashOn = async (day: string) => (await s.call('GET', `/api/treasury/cash?on=${day}`)).body;

  beforeAll(async () => {
    s = await testServer();
    const app = s.app;
    app.clock.set('2021-01-15T00:00:00Z');
    await seedCatalog(app);
    const customer = await addCustomer(app, app.actor(), {
      name: 'C',
      country: 'US',
      region: 'north-america',
    });
    contractId = (await futuresContract(app, app.actor(), customer.id)).id;

    const supply = app.actor('supply');
    const agreement = await tsmcMakingA12(app, supply, {
      leadTimeMonths: 1,
      yieldCurve: { startPct: 90, maturePct: 90, monthsToMature: 0, shape: 'linear' },
      agreement: { wafersPerMonth: 100, takeOrPayWafers: 0, startMonth: '2020-09', termMonths: 12 },
    });
    await receivedA12Order(app, supply, agreement.id, {
      wafers: 10,
      placedMonth: '2020-10',
      outMonth: '2020-11',
      chipsReceived: 5_000,
    });

    await addSite(app, app.actor('ops'), {
      code: 'SG1',
      name: 'Singapore One',
      country: 'SG',
      capacityMw: 1,
      usdPerKwh: 0.05,
      priceFrom: '2020-11-01',
      status: 'approved',
      permitRef: 'EMA-2020-17',
    });
  });
  afterAll(async () => s.close());

  it('moves the USD cash by a payment and a refund on their own days', async () => {
    const paid = await s.call('POST', `/api/sales/contracts/${contractId}/payments`, {
      body: { day: '2020-11-12', amountUsd: '810000.00' },
    });
    expect(paid.status).toBe(200);
    const refunded = await s.call('POST', `/api/sales/contracts/${contractId}/refunds`, {
      body: { day: '2020-12-05', amountUsd: '100000.00', reason: 'part of the deposit back' },
    });
    expect(refunded.status).toBe(200);

    expect((await cashOn('2020-11-11')).usdCents).toBe('0');
    expect((await cashOn('2020-11-12')).usdCents).toBe('81000000');
    expect((await cashOn('2020-12-04')).usdCents).toBe('81000000');
    const after = await cashOn('2020-12-05');
    expect(after.usdCents).toBe('71000000');
    expect(after.lines.slice(0, 2)).toMatchObject([
      { flow: 'customer-receipts', cents: '81000000' },
      { flow: 'customer-refunds', cents: '-10000000' },
    ]);
    // The balances hold them in the operating account; December's roll starts where November ended.
    const balances = (await s.call('GET', '/api/treasury/balances?on=2020-12-05')).body;
    expect(balances.accounts.find((a: { code: string }) => a.code === 'usd').balance).toBe('71000000');
    const roll = (await s.call('GET', '/api/treasury/cash/roll?from=2020-12-01&to=2020-12-31')).body;
    expect(roll.openingCents).toBe('81000000');
    expect(roll.lines[1]).toMatchObject({ flow: 'customer-refunds', cents: '-10000000' });
  });

  it('records cash with a category, refusing a direction its category cannot take', async () => {
    const before = await tableCounts(s.app);
    const wrong = await s.call('POST', '/api/treasury/cash', {
      role: 'finance',
      body: { day: '2020-10-01', category: 'opex', direction: 'in', amount: '5.00' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('direction');
    expect(await tableCounts(s.app)).toEqual(before);
    const opening = await s.call('POST', '/api/treasury/cash', {
      role: 'finance',
      body: { day: '2020-10-01', category: 'opening-balance', direction: 'in', amount: '1000000.00' },
    });
    expect(opening.status).toBe(201);
    expect(opening.body.amountCents).toBe('100000000');
    expect((await cashOn('2020-10-01')).usdCents).toBe('100000000');
    expect((await cashOn('2020-12-05')).usdCents).toBe('171000000');
  });

  it('counts the machines deployed at their build cost in the cost per BTC, and pays their energy from the cash', async () => {
    const built = await s.call('POST', '/api/supply/builds', {
      role: 'supply',
      body: { productId: 'A1246', month: '2020-11', units: 40, unitCost: '1500.00' },
    });
    expect(built.status).toBe(201);
    expect(built.body.unitCostCents).toBe('150000');
    const deployed = await s.call('POST', '/api/mining/deployments', {
      role: 'ops',
      body: { site: 'SG1', productId: 'A1246', units: 20, serialPrefix: 'SG1-', shippedOn: '2020-11-20' },
    });
    expect(deployed.status).toBe(201);
    await installMachines(s.app, s.app.actor('ops'), {
      serials: deployed.body.serials,
      installedOn: '2020-11-25',
    });
    await importPayouts(
      s.app,
      s.app.actor('finance'),
      { account: 'btc', payouts: [{ date: '2020-12-10', pool: 'F2Pool', btc: '0.5' }] },
      { source: 'test' },
    );

    const d = (await s.call('GET', '/api/treasury/depreciation?on=2020-12-31')).body;
    expect(d).toMatchObject({ from: '2020-10-01', lifeMonths: 36, lifeDays: 1096, machines: 20 });
    expect(d.grossCostCents).toBe('3000000');
    // 20 × $1,500 over 1,096 days, 37 of them (2020-11-25 .. 2020-12-31) in the quarter
    const charged = accumulatedOn(3_000_000n, '2020-11-25', '2020-12-31', lifeDays(36));
    expect(d.periodCents).toBe(String(charged));
    const c = d.costPerBtc;
    expect(c.minedSats).toBe('50000000');
    expect(BigInt(c.energyCents)).toBeGreaterThan(0n);
    expect(c.depreciationCents).toBe(String(charged));
    expect(BigInt(c.energyPerBtcCents)).toBe(BigInt(c.energyCents) * 2n);
    expect(BigInt(c.withDepreciationPerBtcCents)).toBe((BigInt(c.energyCents) + charged) * 2n);

    // The same energy leaves the cash.
    const cash = await cashOn('2020-12-31');
    expect(cash.lines.find((l: { flow: string }) => l.flow === 'energy').cents).toBe(`-${c.energyCents}`);
    expect(BigInt(cash.usdCents)).toBe(171_000_000n - BigInt(c.energyCents));

    const past = await s.call('GET', '/api/treasury/depreciation?on=2021-06-01');
    expect(past.status).toBe(400);
    expect(past.body.error.field).toBe('on');
  });

  it("takes the machines' life from a policy effective from its day, the configuration only the default", async () => {
    const life = async (on: string) => (await s.call('GET', `/api/treasury/machine-life?on=${on}`)).body;
    expect(await life('2020-12-31')).toMatchObject({ defaultMonths: 36, lifeMonths: 36, settings: [] });
    const before = (await s.call('GET', '/api/treasury/depreciation?on=2020-12-31')).body;
    const set = (body: unknown, role: 'finance' | 'viewer' = 'finance') =>
      s.call('POST', '/api/treasury/machine-life', { role, body });
    const refusals = [
      await set({ effectiveFrom: '2021-01-01', lifeMonths: 0, reason: 'x' }),
      await set({ effectiveFrom: '2021-01-01', lifeMonths: 48, reason: ' ' }),
      await set({ effectiveFrom: '2021-02-30', lifeMonths: 48, reason: 'x' }),
      await set({ effectiveFrom: '2021-01-01', lifeMonths: 48, reason: 'x' }, 'viewer'),
    ];
    expect(refusals.map((r) => [r.status, r.body.error.field ?? null])).toEqual([
      [400, 'lifeMonths'],
      [400, 'reason'],
      [400, 'effectiveFrom'],
      [403, null],
    ]);
    const made = await set({ effectiveFrom: '2021-01-01', lifeMonths: 48, reason: 'the S19s run longer' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({
      effectiveFrom: '2021-01-01',
      lifeMonths: 48,
      actor: 'token:test-finance',
    });
    // Figures as of days before it keep the life before it; from its day on, the new one.
    expect((await s.call('GET', '/api/treasury/depreciation?on=2020-12-31')).body).toEqual(before);
    const after = (await s.call('GET', '/api/treasury/depreciation?on=2021-01-10')).body;
    expect(after).toMatchObject({ lifeMonths: 48, lifeDays: 1461 });
    // Prospective, by hand: 37 days (2020-11-25 .. 12-31) of 1,096 on $30,000 = $1,012.77; then the
    // $28,987.23 left over the 1,461 − 37 = 1,424 days the new life leaves, 10 of them = $203.56.
    // (The new life over the whole history would have said 47/1,461 = $965.09.)
    expect([after.accumulatedCents, after.periodCents]).toEqual(['121633', '20356']);
    expect(await life('2021-01-10')).toMatchObject({ defaultMonths: 36, lifeMonths: 48 });
    // Inside a closed period it would change what was reported: refused, naming the period.
    expect(
      (await s.call('POST', '/api/books/periods/2020-12/close', { role: 'finance', body: {} })).status,
    ).toBe(201);
    const closed = await set({ effectiveFrom: '2020-12-01', lifeMonths: 60, reason: 'too late' });
    expect([closed.status, closed.body.error.code, closed.body.error.field]).toEqual([
      409,
      'books.period-closed',
      'effectiveFrom',
    ]);
    expect((await life('2021-01-10')).settings).toHaveLength(1);
  });

  it('records and shows the cash from the CLI', async () => {
    const env = freshCliEnv();
    const day = new Date().toISOString().slice(0, 10);
    const rec = await runCli(
      [
        'treasury',
        'cash-record',
        '--on',
        day,
        '--category',
        'opening-balance',
        '--direction',
        'in',
        '--amount',
        '250000',
      ],
      env,
    );
    expect(rec.stderr).toBe('');
    expect(rec.stdout).toContain('opening-balance $250,000.00 recorded in usd');
    const shown = await runCli(['treasury', 'cash', '--on', day], env);
    expect(shown.stdout).toContain(`USD cash at the end of ${day}: $250,000.00`);
    const bad = await runCli(
      ['treasury', 'cash-record', '--on', day, '--category', 'capex', '--direction', 'in', '--amount', '1'],
      env,
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/direction/);
    const dep = await runCli(['treasury', 'depreciation', '--on', day], env);
    expect(dep.stdout).toContain('36 months (1096 days) in force on');
    const set = await runCli(
      ['treasury', 'machine-life-set', '--from', day, '--months', '48', '--reason', 'longer'],
      env,
    );
    expect([set.status, set.stdout]).toEqual([
      0,
      expect.stringContaining(`machine life 48 months from ${day}`),
    ]);
    const shownLife = await runCli(['treasury', 'machine-life', '--on', day, '--json'], env);
    expect(JSON.parse(shownLife.stdout)).toMatchObject({ defaultMonths: 36, lifeMonths: 48 });
    const zero = await runCli(
      ['treasury', 'machine-life-set', '--from', day, '--months', '0', '--reason', 'x'],
      env,
    );
    expect([zero.status, zero.stderr]).toEqual([2, expect.stringMatching(/--months/)]);
  });

  it("gives the cash recorded by category over days as those lines of the days' roll", async () => {
    const record = (day: string, category: string, amount: string) =>
      s.call('POST', '/api/treasury/cash', {
        role: 'finance',
        body: { day, category, direction: 'out', amount },
      });
    expect((await record('2021-01-05', 'opex', '1234.56')).status).toBe(201);
    expect((await record('2021-01-07', 'tax', '99.01')).status).toBe(201);
    expect((await record('2021-01-09', 'opex', '10.00')).status).toBe(201);
    for (const [from, to] of [
      ['2020-10-01', '2021-01-31'],
      ['2021-01-06', '2021-01-08'],
      ['2021-01-08', '2021-01-31'],
    ] as const) {
      const roll = await cashRoll(s.app, from, to);
      const categories = roll.lines.filter((l) => l.flow.startsWith('cash:'));
      expect(await recordedCashBetween(s.app, from, to)).toEqual(
        categories.map(({ source: _, ...line }) => line),
      );
    }
    expect(await recordedCashBetween(s.app, '2021-01-06', '2021-01-08')).toEqual([
      { flow: 'cash:tax', cents: -9901n },
    ]);
    const late = await refusal(recordedCashBetween(s.app, '2021-01-01', '2030-12-31'));
    expect(late.field).toBe('to');
  });
});
