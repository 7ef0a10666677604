import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct } from '../catalog/service.js';
import { replayInto } from '../ledger/replay.js';
import { addCustomer, bookContract, recordDelivery, recordPayment } from '../sales/service.js';
import {
  refusal,
  type TestApp,
  type TestServer,
  tableCounts,
  testApp,
  testServer,
} from '../testing/index.js';
import { selfMiningAllocation, supplyPlan } from './planning.js';
import {
  addDesign,
  addFoundry,
  cancelWaferOrder,
  listWaferOrders,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  recordBuild,
  setAssemblyCapacity,
  signAgreement,
  startPartnership,
} from './service.js';
import { tsmcMakingA12 } from './test-fixtures.js';

const SUPPLY_TABLES = [
  'supply_foundries',
  'supply_designs',
  'supply_design_models',
  'supply_partnerships',
  'supply_agreements',
  'supply_wafer_orders',
  'supply_builds',
  'supply_assembly_capacity',
  'supply_self_mining_share',
];

/** Two foundries making the A12 chip: TSMC mature, NewFab a new partner ramping from 30 %. */
async function setUpSupply(app: TestApp) {
  const actor = app.actor('supply');
  for (const p of DEMO_PRODUCTS) await addProduct(app, app.actor(), p);
  const tsmc = await tsmcMakingA12(app, actor, {
    leadTimeMonths: 3,
    yieldCurve: { startPct: 70, maturePct: 90, monthsToMature: 6, shape: 'linear' },
    agreement: { wafersPerMonth: 100, takeOrPayWafers: 20, startMonth: '2020-07', termMonths: 24 },
  });
  await addFoundry(app, actor, { id: 'newfab', name: 'NewFab', country: 'KR', leadTimeMonths: 3 });
  await startPartnership(app, actor, {
    foundryId: 'newfab',
    designId: 'A12',
    startMonth: '2021-02',
    yieldCurve: { startPct: 30, maturePct: 80, monthsToMature: 5, shape: 'linear' },
  });
  const newFab = await signAgreement(app, actor, {
    foundryId: 'newfab',
    wafersPerMonth: 200,
    takeOrPayWafers: 0,
    startMonth: '2020-11',
    termMonths: 12,
  });
  return { actor, tsmc, newFab };
}

describe('supply records', () => {
  let app: TestApp;
  let ids: Awaited<ReturnType<typeof setUpSupply>>;
  beforeAll(async () => {
    app = await testApp();
    app.clock.set('2021-01-15T00:00:00Z');
    ids = await setUpSupply(app);
  });
  afterAll(async () => app.close());

  it('places wafer orders with the out month and the good dies the yield curve expects', async () => {
    const order = await placeWaferOrder(app, ids.actor, {
      agreementId: ids.tsmc.id,
      designId: 'A12',
      wafers: 20,
      placedMonth: '2020-10',
    });
    // Out 2021-01, TSMC mature at 90 %: 20 × 600 × 0.9.
    expect(order).toMatchObject({
      outMonth: '2021-01',
      status: 'placed',
      expectedDies: 10_800,
      foundry: { id: 'tsmc', name: 'TSMC' },
      design: { id: 'A12', name: 'A12' },
    });
    const ramp = await placeWaferOrder(app, ids.actor, {
      agreementId: ids.newFab.id,
      designId: 'A12',
      wafers: 100,
      placedMonth: '2020-12',
    });
    // NewFab's second month (2021-03): 30 % + a fifth of the way to 80 % = 40 %.
    expect(ramp).toMatchObject({ outMonth: '2021-03', expectedDies: 24_000 });
  });

  it('moves an order out and received, recording the chips against the expected', async () => {
    const [first] = await listWaferOrders(app);
    // Lists name the foundry and the design, not only the agreement's number.
    expect(first).toMatchObject({ foundry: { id: 'tsmc', name: 'TSMC' }, design: { id: 'A12' } });
    await markWaferOrderOut(app, ids.actor, first!.id, { month: '2021-01' });
    const received = await receiveWaferOrder(app, ids.actor, first!.id, {
      month: '2021-01',
      chipsReceived: 10_000,
    });
    expect(received).toMatchObject({
      status: 'received',
      chipsReceived: 10_000,
      expectedDies: 10_800,
      shortfall: 800,
    });
  });

  it('records a build the received chips cover', async () => {
    const build = await recordBuild(app, ids.actor, { productId: 'A1246', month: '2021-01', units: 60 });
    expect(build).toMatchObject({ units: 60, chipsUsed: 6000, designId: 'A12' });
  });

  it('refuses a yield above 100%, naming the field, and writes nothing', async () => {
    const before = await tableCounts(app);
    const e = await refusal(
      startPartnership(app, ids.actor, {
        foundryId: 'tsmc',
        designId: 'A12',
        startMonth: '2021-01',
        yieldCurve: { startPct: 70, maturePct: 101, monthsToMature: 6, shape: 'linear' },
      }),
    );
    expect(e).toMatchObject({ kind: 'invalid', field: 'yieldCurve.maturePct' });
    expect(e.message).toMatch(/between 0% and 100%/);
    expect(await tableCounts(app)).toEqual(before);
  });

  it('refuses a wafer order beyond the agreement’s capacity and writes nothing', async () => {
    await placeWaferOrder(app, ids.actor, {
      agreementId: ids.tsmc.id,
      designId: 'A12',
      wafers: 70,
      placedMonth: '2021-01',
    });
    const before = await tableCounts(app);
    const e = await refusal(
      placeWaferOrder(app, ids.actor, {
        agreementId: ids.tsmc.id,
        designId: 'A12',
        wafers: 31,
        placedMonth: '2021-01',
      }),
    );
    expect(e).toMatchObject({ kind: 'conflict', code: 'supply.agreement-capacity', field: 'wafers' });
    expect(e.message).toMatch(/70 are already ordered in 2021-01, so at most 30 more, not 31/);
    expect(await tableCounts(app)).toEqual(before);
  });

  it('cancels an order not yet out: kept, marked, its wafers freed, never cancelled or run again', async () => {
    const [placed] = await listWaferOrders(app, { status: 'placed' });
    const atCapacity = (await listWaferOrders(app)).find((o) => o.placedMonth === '2021-01')!;
    const cancelled = await cancelWaferOrder(app, ids.actor, atCapacity.id, {
      month: '2021-02',
      reason: 'BTC fell; fewer A12 needed',
    });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      wafers: 70,
      cancelled: { month: '2021-02', reason: 'BTC fell; fewer A12 needed' },
    });
    // Its 70 wafers no longer count against January's 100.
    const instead = await placeWaferOrder(app, ids.actor, {
      agreementId: ids.tsmc.id,
      designId: 'A12',
      wafers: 31,
      placedMonth: '2021-01',
    });
    expect(instead.status).toBe('placed');

    const before = await tableCounts(app);
    const again = await refusal(
      cancelWaferOrder(app, ids.actor, atCapacity.id, { month: '2021-02', reason: 'twice' }),
    );
    expect(again).toMatchObject({ kind: 'conflict', code: 'supply.wafer-order-status' });
    expect(again.message).toMatch(/is cancelled; it cannot be marked cancelled \(it is already cancelled\)/);
    const run = await refusal(markWaferOrderOut(app, ids.actor, atCapacity.id, { month: '2021-03' }));
    expect(run.code).toBe('supply.wafer-order-status');
    const received = (await listWaferOrders(app, { status: 'received' }))[0]!;
    const late = await refusal(
      cancelWaferOrder(app, ids.actor, received.id, { month: '2021-02', reason: 'too late' }),
    );
    expect(late.message).toMatch(/is received; it cannot be marked cancelled/);
    const early = await refusal(
      cancelWaferOrder(app, ids.actor, placed!.id, { month: '2020-11', reason: 'before it was placed' }),
    );
    expect(early).toMatchObject({ kind: 'invalid', field: 'month' });
    expect(await tableCounts(app)).toEqual(before);
  });

  it('refuses a build needing more chips than received and writes nothing', async () => {
    const before = await tableCounts(app);
    // 10,000 received, 6,000 used in January: 40 machines' worth left, not 41.
    const e = await refusal(recordBuild(app, ids.actor, { productId: 'A1246', month: '2021-02', units: 41 }));
    expect(e).toMatchObject({ kind: 'conflict', code: 'supply.build-exceeds-chips', field: 'units' });
    expect(e.message).toMatch(/needs 4,100 A12 chips .* only 4,000/);
    expect(await tableCounts(app)).toEqual(before);
  });

  it('refuses a design for an unknown product and a second partnership for the same pair', async () => {
    const before = await tableCounts(app);
    const unknown = await refusal(
      addDesign(app, ids.actor, {
        id: 'A13',
        name: 'A13',
        processNm: 5,
        diesPerWafer: 500,
        models: [{ productId: 'A1399' }],
      }),
    );
    expect(unknown).toMatchObject({ kind: 'not-found', field: 'models.0.productId' });
    const twice = await refusal(
      startPartnership(app, ids.actor, {
        foundryId: 'tsmc',
        designId: 'A12',
        startMonth: '2021-01',
        yieldCurve: { startPct: 70, maturePct: 90, monthsToMature: 6, shape: 'linear' },
      }),
    );
    expect(twice.code).toBe('supply.duplicate-partnership');
    expect(await tableCounts(app)).toEqual(before);
  });

  it('rebuilds every supply table from the events', async () => {
    const fresh = await testApp();
    try {
      await replayInto(app, fresh);
      for (const table of SUPPLY_TABLES) {
        const rows = async (ctx: TestApp) =>
          (await sql`select * from ${sql.table(table)} order by 1, 2`.execute(ctx.db)).rows;
        expect(await rows(fresh)).toEqual(await rows(app));
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('the plan and the recommendation against the order book', () => {
  let s: TestServer;
  let app: TestApp;
  let contractId = 0;
  let contractValue = 0n;
  beforeAll(async () => {
    s = await testServer();
    app = s.app;
    app.clock.set('2021-01-15T00:00:00Z');
    const ids = await setUpSupply(app);
    const first = await placeWaferOrder(app, ids.actor, {
      agreementId: ids.tsmc.id,
      designId: 'A12',
      wafers: 20,
      placedMonth: '2020-10',
    });
    await markWaferOrderOut(app, ids.actor, first.id, { month: '2021-01' });
    await receiveWaferOrder(app, ids.actor, first.id, { month: '2021-01', chipsReceived: 10_000 });
    await recordBuild(app, ids.actor, { productId: 'A1246', month: '2021-01', units: 60 });
    await placeWaferOrder(app, ids.actor, {
      agreementId: ids.newFab.id,
      designId: 'A12',
      wafers: 100,
      placedMonth: '2020-12',
    });
    await placeWaferOrder(app, ids.actor, {
      agreementId: ids.tsmc.id,
      designId: 'A12',
      wafers: 70,
      placedMonth: '2021-01',
    });
    await setAssemblyCapacity(app, ids.actor, { fromMonth: '2021-01', machinesPerMonth: 1000 });
    const customer = await addCustomer(app, app.actor('sales'), {
      name: 'Northern Hash',
      country: 'CA',
      region: 'north-america',
    });
    const booked = await bookContract(app, app.actor('sales'), {
      customerId: customer.id,
      kind: 'futures',
      signedOn: '2021-01-05',
      terms: {
        depositPercent: 30,
        balance: 'before-shipment',
        creditDays: 0,
        depositForfeitedOnCancel: true,
      },
      lines: [
        {
          productId: 'A1246',
          units: 400,
          usdPerTh: 30_00n,
          tranches: [
            { month: '2021-02', units: 200 },
            { month: '2021-03', units: 200 },
          ],
        },
      ],
    });
    contractId = booked.id;
    contractValue = booked.figures.valueCents;
  });
  afterAll(async () => s.close());

  it('plans month by month and names the late tranches with the reason', async () => {
    const plan = await supplyPlan(app, { from: '2021-02', to: '2021-04' });
    const rows = plan.months.map((m) => m.models.find((r) => r.productId === 'A1246')!);
    // February: 4,000 chips left from January's receipt; March: NewFab's ramping lot; April: TSMC's.
    expect(rows.map((r) => [r.design.wafersOut, r.design.goodDies, r.machinesBuilt, r.source])).toEqual([
      [0, 0, 40, 'planned'],
      [100, 24_000, 240, 'planned'],
      [70, 37_800, 378, 'planned'],
    ]);
    expect(plan.lateTranches.map((t) => [t.dueMonth, t.unitsShortAtDue, t.filledMonth])).toEqual([
      ['2021-02', 160, '2021-03'],
      ['2021-03', 120, '2021-04'],
    ]);
    expect(plan.lateTranches[1]!.why).toMatch(/NewFab 100 at 40% yield, month 2 of its ramp/);
    expect(plan.lateTranches[1]!.why).toMatch(/160 went to tranches ahead of it/);
    expect(rows[2]!.allocation).toMatchObject({ selfMiningTarget: 37, selfMining: 37, toStock: 221 });
    expect(await selfMiningAllocation(app, '2021-02', '2021-04')).toEqual([
      { month: '2021-02', productId: 'A1246', units: 0 },
      { month: '2021-03', productId: 'A1246', units: 0 },
      { month: '2021-04', productId: 'A1246', units: 37 },
    ]);
  });

  it('serves the plan and the recommendation over HTTP', async () => {
    const plan = await s.call('GET', '/api/supply/plan?from=2021-02&to=2021-04', { role: 'viewer' });
    expect(plan.status).toBe(200);
    expect(plan.body.lateTranches).toHaveLength(2);
    const q = (btc: number) =>
      `/api/supply/recommendation?month=2021-01&btcUsd=${btc}&difficulty=20000000000000&spotUsdPerTh=40`;
    const low = await s.call('GET', q(20_000), { role: 'viewer' });
    const high = await s.call('GET', q(60_000), { role: 'viewer' });
    expect(low.status).toBe(200);
    expect(high.body.totalWafers).toBeGreaterThan(low.body.totalWafers);
    expect(low.body.explanation.join(' ')).toMatch(/payback/);
    const bad = await s.call('GET', '/api/supply/plan?from=2021-13&to=2021-04', { role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
    const yearZero = await s.call('GET', '/api/supply/plan?from=0000-01&to=0000-02', { role: 'viewer' });
    expect(yearZero.status).toBe(400);
    expect(yearZero.body.error.field).toBe('from');
  });

  it('refuses bad input over HTTP with the field and changes nothing', async () => {
    const before = await tableCounts(app);
    const yieldTooHigh = await s.call('POST', '/api/supply/partnerships', {
      role: 'supply',
      body: {
        foundryId: 'newfab',
        designId: 'A12',
        startMonth: '2021-02',
        yieldCurve: { startPct: 30, maturePct: 120, monthsToMature: 5 },
      },
    });
    expect(yieldTooHigh.status).toBe(400);
    expect(yieldTooHigh.body.error.field).toBe('yieldCurve.maturePct');
    const tooMany = await s.call('POST', '/api/supply/wafer-orders', {
      role: 'supply',
      body: { agreementId: 1, designId: 'A12', wafers: 31, placedMonth: '2021-01' },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: 'supply.agreement-capacity', field: 'wafers' });
    const build = await s.call('POST', '/api/supply/builds', {
      role: 'supply',
      body: { productId: 'A1246', month: '2021-02', units: 41 },
    });
    expect(build.status).toBe(409);
    expect(build.body.error).toMatchObject({ code: 'supply.build-exceeds-chips', field: 'units' });
    const forbidden = await s.call('POST', '/api/supply/builds', {
      role: 'sales',
      body: { productId: 'A1246', month: '2021-02', units: 1 },
    });
    expect(forbidden.status).toBe(403);
    const noReason = await s.call('POST', '/api/supply/wafer-orders/1/cancellation', {
      role: 'supply',
      body: { month: '2021-02', reason: ' ' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ field: 'reason', message: 'reason: must say why' });
    expect(await tableCounts(app)).toEqual(before);
  });

  // Last: it records a delivery, which the tests above do not expect.
  it('sends machines delivered in a month to their tranche, not to stock', async () => {
    const before = await supplyPlan(app, { from: '2021-01', to: '2021-01' });
    expect(before.months[0]!.models[0]!.allocation).toMatchObject({
      tranches: [],
      selfMining: 10,
      toStock: 50,
    });
    await recordPayment(app, app.actor('finance'), contractId, {
      day: '2021-01-08',
      amountUsd: contractValue,
    });
    await recordDelivery(app, app.actor('sales'), contractId, {
      day: '2021-01-12',
      lines: [{ lineId: 1, units: 50 }],
    });
    const plan = await supplyPlan(app, { from: '2021-01', to: '2021-02' });
    const january = plan.months[0]!.models.find((r) => r.productId === 'A1246')!.allocation;
    // January built 60: 50 went to the February tranche early, the other 10 to self-mining.
    expect(january.tranches).toEqual([
      expect.objectContaining({ contractId, tranche: 1, dueMonth: '2021-02', units: 50, recorded: true }),
    ]);
    expect(january).toMatchObject({ selfMining: 10, toStock: 0, fromBeforePlan: 0 });
    const t = plan.totals;
    expect(t.machinesBuilt + t.fromBeforePlan).toBe(t.toTranches + t.selfMining + t.stockEnd);
    // The rest of the tranche is still planned for February, from its open units.
    const february = plan.months[1]!.models.find((r) => r.productId === 'A1246')!.allocation;
    expect(february.tranches[0]).toMatchObject({ contractId, tranche: 1, recorded: false });
    expect(february.unitsDue).toBe(150);
  });

  // After the delivery above: it reads the book as the month saw it, so it runs last too.
  it("gives a past month's chip order from the order book as it stood then, not today's", async () => {
    const path =
      '/api/supply/recommendation?month=2021-01&btcUsd=20000&difficulty=20000000000000&spotUsdPerTh=40';
    const then = await s.call('GET', path, { role: 'viewer' });
    expect(then.status).toBe(200);
    app.clock.set('2021-03-01T00:00:00Z');
    const customer = await addCustomer(app, app.actor('sales'), {
      name: 'Late Signer',
      country: 'US',
      region: 'north-america',
    });
    // Signed in February for April, the month January's wafers come out: today's book has it.
    const late = await bookContract(app, app.actor('sales'), {
      customerId: customer.id,
      kind: 'spot',
      signedOn: '2021-02-10',
      terms: { depositPercent: 0, balance: 'on-delivery', creditDays: 30, depositForfeitedOnCancel: false },
      lines: [
        { productId: 'A1246', units: 1000, usdPerTh: 30_00n, tranches: [{ month: '2021-04', units: 1000 }] },
      ],
    });
    const open = async (q: string) =>
      (await s.call('GET', `/api/sales/open-tranches${q}`, { role: 'viewer' })).body.map(
        (t: { contractId: number }) => t.contractId,
      );
    expect(await open('')).toContain(late.id);
    expect(await open('?asOf=2021-01-31')).not.toContain(late.id);
    expect(await open('?asOf=2021-01-31')).toContain(contractId);
    const now = await s.call('GET', path, { role: 'viewer' });
    expect(now.body).toEqual(then.body);
    // Read from today's book, April's 1,000 units would be due when January's wafers come out.
    expect(then.body.demand.contracted[0].unitsDue).not.toContainEqual(
      expect.objectContaining({ productId: 'A1246', units: expect.toSatisfy((u: number) => u >= 1000) }),
    );
  });

  // Runs after the one above (the clock in March): supply's own later records are not January's.
  it("gives a past month's chip order from the wafer orders known then, not a later cancellation", async () => {
    const path =
      '/api/supply/recommendation?month=2021-01&btcUsd=20000&difficulty=20000000000000&spotUsdPerTh=40';
    const then = await s.call('GET', path, { role: 'viewer' });
    expect(then.status).toBe(200);
    const january = (await listWaferOrders(app)).find((o) => o.placedMonth === '2021-01')!;
    const newFab = (await listWaferOrders(app)).find((o) => o.placedMonth === '2020-12')!;
    // Both still on their way at January's end; cancelled in February, as January did not know.
    for (const order of [january, newFab])
      await cancelWaferOrder(app, app.actor('supply'), order.id, { month: '2021-02', reason: 'BTC fell' });
    expect((await listWaferOrders(app, { status: 'placed' })).map((o) => o.id)).not.toContain(newFab.id);
    // Signed in March (today) though its term began in January: January did not have it.
    const late = await signAgreement(app, app.actor('supply'), {
      foundryId: 'newfab',
      wafersPerMonth: 500,
      takeOrPayWafers: 0,
      startMonth: '2021-01',
      termMonths: 12,
    });
    expect(late.signedMonth).toBe('2021-03');
    const ahead = { ...late, signedMonth: '2021-04' };
    const { id: _, endMonth: __, ...aheadInput } = ahead;
    expect((await refusal(signAgreement(app, app.actor('supply'), aheadInput))).field).toBe('signedMonth');
    const inMarch = await s.call('GET', path.replace('2021-01', '2021-03'), { role: 'viewer' });
    expect(inMarch.body.agreements.map((a: { agreementId: number }) => a.agreementId)).toContain(late.id);
    const now = await s.call('GET', path, { role: 'viewer' });
    expect(now.body).toEqual(then.body);
  });
});
