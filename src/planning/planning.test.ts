/**
 * Scenarios through the API on a real database: saved with their inputs, refused with the field
 * named and nothing saved, run twice to the same figures, stored for the GET and never shown
 * stale, streamed with progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct } from '../catalog/service.js';
import { seedCatalogAndMarket } from '../mining/test-fixtures.js';
import { salesQuarter } from '../sales/figures.js';
import { addCustomer } from '../sales/service.js';
import { futuresContract } from '../sales/test-fixtures.js';
import { heldTransaction } from '../testing/held-transaction.js';
import { type TestServer, tableCounts, testConfig, testServer } from '../testing/index.js';
import { outlookSection } from './report-section.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  const actor = s.app.actor();
  s.app.clock.set('2021-12-31T12:00:00Z');
  await seedCatalogAndMarket(s.app, actor, '2017-01-01', '2021-12-31');
  const customer = await addCustomer(s.app, actor, { name: 'C', country: 'US', region: 'north-america' });
  await futuresContract(s.app, actor, customer.id);
  // AI chips sold in 2020Q4: $50,000 of K210s, delivered in November.
  await addProduct(s.app, actor, DEMO_PRODUCTS.find((p) => p.id === 'K210')!);
  const chips = await s.call('POST', '/api/sales/contracts', {
    body: {
      customerId: customer.id,
      kind: 'spot',
      signedOn: '2020-11-02',
      terms: {
        depositPercent: '0',
        balance: 'on-delivery',
        creditDays: '30',
        depositForfeitedOnCancel: false,
      },
      lines: [
        {
          productId: 'K210',
          units: '10000',
          usdPerUnit: '5.00',
          tranches: [{ month: '2020-11', units: '10000' }],
        },
      ],
    },
  });
  expect(chips.status, JSON.stringify(chips.body)).toBe(201);
  const delivered = await s.call('POST', `/api/sales/contracts/${chips.body.id}/deliveries`, {
    body: { day: '2020-11-20', lines: [{ lineId: chips.body.lines[0].lineId, units: '10000' }] },
  });
  expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
}, 180_000);
afterAll(async () => s?.close());

const scenario = { name: 'BTC halves', asOf: '2020-12-31', horizonMonths: 12, paths: 300, seed: 42 };

describe('a scenario', { timeout: 120_000 }, () => {
  it('is saved by finance, and runs to the same figures every time', async () => {
    const saved = await s.call('POST', '/api/planning/scenarios', {
      role: 'finance',
      body: { ...scenario, shocks: [{ month: '2021-06', changePct: -50 }] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.inputs).toMatchObject({ seed: 42, paths: 300, price: { model: 'gbm' } });
    const url = `/api/planning/scenarios/${saved.body.id}`;
    // Not run yet: the GET has nothing to read, and says how to run it.
    const none = await s.call('GET', `${url}/results`, { role: 'viewer' });
    expect([none.status, none.body.error.code]).toEqual([409, 'planning.not-run']);
    // A run (a write) stores its results; the GET reads them; a second run draws the same figures.
    const first = await s.call('POST', `${url}/run`, { role: 'viewer' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((await s.call('GET', `${url}/results`, { role: 'viewer' })).body).toEqual(first.body);
    expect((await s.call('POST', `${url}/run`, { role: 'viewer' })).body).toEqual(first.body);
    const r = first.body;
    expect(r.months).toHaveLength(12);
    expect(r.start).toMatchObject({ booksQuarter: '2020Q4' });
    expect(r.calibration.volatilityPctYear).toBeGreaterThan(30);
    for (const m of r.bands.revenue.months) {
      expect(BigInt(m.p5) <= BigInt(m.p50) && BigInt(m.p50) <= BigInt(m.p95)).toBe(true);
    }
    // The shock halves the price in June on every path: June's median is below May's.
    const price = r.bands.btcPriceUsd.months;
    expect(Number(price[5].p50)).toBeLessThan(Number(price[4].p50));
    expect(r.deterministic.map((c: { name: string }) => c.name)).toEqual([
      'base',
      'BTC halves',
      'BTC doubles',
    ]);
    const [base, halves, doubles] = r.deterministic;
    expect(BigInt(halves.revenueCents) <= BigInt(base.revenueCents)).toBe(true);
    expect(BigInt(doubles.revenueCents) >= BigInt(base.revenueCents)).toBe(true);
    // 2021 has happened by the clock: each of its quarters is placed among the paths.
    expect(r.backtest.map((b: { quarter: string }) => b.quarter)).toContain('2021Q4');
    const price2021Q4 = r.backtest.find(
      (b: { quarter: string; figure: string }) => b.quarter === '2021Q4' && b.figure === 'btcPriceUsd',
    );
    expect(Number(price2021Q4.actual)).toBeGreaterThan(40_000);
  });

  it('shows no stale results: an event of the books after the run, or a new quarter for the back-test, asks for a run', async () => {
    const saved = await s.call('POST', '/api/planning/scenarios', { body: { ...scenario, paths: 100 } });
    const url = `/api/planning/scenarios/${saved.body.id}`;
    expect((await s.call('POST', `${url}/run`, { role: 'viewer' })).status).toBe(200);
    expect((await s.call('GET', `${url}/results`, { role: 'viewer' })).status).toBe(200);
    // Planning's own writes and a service ticket's are not what a run reads: still fresh.
    await s.call('POST', '/api/planning/scenarios', { body: { ...scenario, name: 'another' } });
    expect((await s.call('GET', `${url}/results`, { role: 'viewer' })).status).toBe(200);
    // A customer added: a sales event after the run, so the stored results may no longer hold.
    await addCustomer(s.app, s.app.actor(), { name: 'Late', country: 'DE', region: 'europe' });
    const stale = await s.call('GET', `${url}/results`, { role: 'viewer' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'planning.results-stale']);
    expect((await s.call('POST', `${url}/run`, { role: 'viewer' })).status).toBe(200);
    expect((await s.call('GET', `${url}/results`, { role: 'viewer' })).status).toBe(200);
    // A scenario as of mid-2021 run at the end of 2021: its back-test gains 2022Q1 on 2022-03-31.
    const mid = await s.call('POST', '/api/planning/scenarios', {
      body: { ...scenario, asOf: '2021-06-30', horizonMonths: 12, paths: 100 },
    });
    const midUrl = `/api/planning/scenarios/${mid.body.id}`;
    expect((await s.call('POST', `${midUrl}/run`, { role: 'viewer' })).status).toBe(200);
    s.app.clock.set('2022-03-30T12:00:00Z');
    expect((await s.call('GET', `${midUrl}/results`, { role: 'viewer' })).status).toBe(200);
    s.app.clock.set('2022-03-31T12:00:00Z');
    expect((await s.call('GET', `${midUrl}/results`, { role: 'viewer' })).body.error.code).toBe(
      'planning.results-stale',
    );
    s.app.clock.set('2021-12-31T12:00:00Z');
  });

  it.skipIf(testConfig.database.kind !== 'server')(
    'shows no stale results when an event numbered before the run’s last commits after it (PostgreSQL server: the embedded database commits in order)',
    async () => {
      const saved = await s.call('POST', '/api/planning/scenarios', { body: { ...scenario, paths: 100 } });
      const url = `/api/planning/scenarios/${saved.body.id}`;
      const actor = s.app.actor();
      // A catalog event takes its id and its transaction stays open; a sales event after it commits.
      const held = heldTransaction(s.app.db);
      await held.step((tx) =>
        addProduct({ ...s.app, db: tx }, actor, DEMO_PRODUCTS.find((p) => p.id === 'K510')!),
      );
      await addCustomer(s.app, actor, { name: 'Committed first', country: 'FR', region: 'europe' });
      expect((await s.call('POST', `${url}/run`, { role: 'viewer' })).status).toBe(200);
      await held.commit();
      // The run did not see the catalog event: its results may no longer hold.
      const stale = await s.call('GET', `${url}/results`, { role: 'viewer' });
      expect([stale.status, stale.body.error?.code]).toEqual([409, 'planning.results-stale']);
    },
  );

  it('streams progress before its result', async () => {
    const saved = await s.call('POST', '/api/planning/scenarios', { body: { ...scenario, paths: 1200 } });
    const res = await fetch(`${s.url}/api/planning/scenarios/${saved.body.id}/run?stream=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.token('viewer')}` },
    });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const text = await res.text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.progress).map((l) => l.progress.done)).toEqual([500, 1000, 1200]);
    expect(lines.at(-1).result.months).toHaveLength(12);
  });

  it.each([
    [{ horizonMonths: 0 }, 'horizonMonths'],
    [{ horizonMonths: 61 }, 'horizonMonths'],
    [{ paths: 100_001 }, 'paths'],
    [{ price: { model: 'gbm', volatilityPctYear: 501 } }, 'price.volatilityPctYear'],
    [{ price: { model: 'gbm', volatilityPctYear: -1 } }, 'price.volatilityPctYear'],
    [{ shocks: [{ month: '2022-06', changePct: -50 }] }, 'shocks.0.month'],
    [{ asOf: '2010-01-31' }, 'asOf'],
    [{ price: { model: 'path', pricesUsd: [30000] } }, 'price.pricesUsd'],
  ])('refuses %j naming %s, saving nothing', async (change, field) => {
    const before = await tableCounts(s.app);
    const r = await s.call('POST', '/api/planning/scenarios', { body: { ...scenario, ...change } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.error.field).toBe(field);
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it.each([
    ['/api/planning/scenarios/abc/run', 400, 'id'],
    ['/api/planning/scenarios/0x10/run', 400, 'id'],
    ['/api/planning/scenarios/999999/run', 404, 'id'],
    ['/api/planning/scenarios/999999/run?stream=true', 404, 'id'],
    ['/api/planning/scenarios/1/run?stream=yes', 400, 'stream'],
  ])('refuses a run at %s (%i naming %s), storing nothing', async (path, status, field) => {
    const before = await tableCounts(s.app);
    const r = await s.call('POST', path, { role: 'viewer' });
    expect([r.status, r.body.error.field]).toEqual([status, field]);
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('may be saved by finance or admin only, and read by anyone', async () => {
    expect((await s.call('POST', '/api/planning/scenarios', { role: 'viewer', body: scenario })).status).toBe(
      403,
    );
    expect((await s.call('GET', '/api/planning/scenarios', { role: 'viewer' })).status).toBe(200);
    expect((await s.call('GET', '/api/planning/scenarios/999', { role: 'viewer' })).status).toBe(404);
  });
});

describe("the report's Outlook", { timeout: 120_000 }, () => {
  it('counts revenue as the report does: machines delivered and AI chips, at the last quarter’s chip pace', async () => {
    // The report's revenue for 2020Q4 is every delivery: the chips' $50,000 among them.
    const q4 = await salesQuarter(s.app, '2020Q4');
    expect(q4.deliveries.aiChips.valueCents).toBe(50_000_00n);
    const outlook = await outlookSection(s.app, '2020Q4', []);
    if (!outlook.available) throw new Error(outlook.reason);
    // No supply plan builds a machine here, so 2021Q1's revenue on every path is the chips': three
    // months at the last quarter's pace (a third of it a month, in whole cents).
    const chips = BigInt(3 * Math.round(50_000_00 / 3));
    expect(outlook.revenueCents).toEqual({ p5: chips, p50: chips, p95: chips });
  });
});
