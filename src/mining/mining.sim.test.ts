/**
 * Self-mining with the fleet's real poller and control over TCP against the simulator: deploy to an
 * approved site (refused at a pending one), see the machines hashing, import a month of payouts,
 * read expected and actual BTC, luck and cost per BTC, raise the power price until the advice says
 * to curtail, apply it, and see the site's hashrate fall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { replayInto } from '../ledger/replay.js';
import { type Json, type TestServer, tableCounts, testApp, testServer } from '../testing/index.js';
import { seedCatalogAndMarket } from './test-fixtures.js';

describe('self-mining against simulated miners', () => {
  let s: TestServer;
  let sim: Simulator;
  const at = (hh: number, mm: number) => new Date(Date.UTC(2022, 5, 18, hh, mm)).toISOString();
  const poll = async (when: string) => {
    s.app.clock.set(when);
    const r = await s.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    s = await testServer();
    s.app.clock.set(at(9, 0));
    await seedCatalogAndMarket(s.app, s.app.actor('admin'), '2022-05-01', '2022-06-30');
    sim = await startSimulator({ count: 6, base: '127.80.0.1', seed: 'self-mining', model: 'A1246' });
  });
  afterAll(async () => {
    await sim.stop();
    await s.close();
  });

  it('sets up an approved site and a pending one, refusing bad input without writing', async () => {
    const before = await tableCounts(s.app);
    const bad = await s.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: { code: 'SG1', name: 'Singapore', country: 'SG', capacityMw: -1, usdPerKwh: 0.05 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('capacityMw');
    // The country by name, as sites stored it before: refused, naming the field, nothing written.
    const named = await s.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: { code: 'SG1', name: 'Singapore', country: 'Singapore', capacityMw: 1, usdPerKwh: 0.05 },
    });
    expect(named.status).toBe(400);
    expect(named.body.error).toMatchObject({ field: 'country' });
    expect(named.body.error.message).toMatch(/ISO 3166-1 alpha-2 country code such as US, SG/);
    expect((await s.call('GET', '/api/mining/sites/SG1', { role: 'viewer' })).status).toBe(404);
    const stray = await s.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: {
        code: 'SG1',
        name: 'Singapore',
        country: 'SG',
        capacityMw: 1,
        usdPerKwh: 0.05,
        colour: 'red',
      },
    });
    expect(stray.status).toBe(400);
    const viewer = await s.call('POST', '/api/mining/sites', {
      role: 'viewer',
      body: { code: 'SG1', name: 'Singapore', country: 'SG', capacityMw: 1, usdPerKwh: 0.05 },
    });
    expect(viewer.status).toBe(403);
    expect(await tableCounts(s.app)).toEqual(before);

    const sg = await s.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: {
        code: 'SG1',
        name: 'Singapore One',
        country: 'SG',
        capacityMw: 0.03,
        usdPerKwh: '0.05',
        priceFrom: '2022-01-01',
        status: 'approved',
        permitRef: 'EMA-2022-04',
        permitFrom: '2022-01-01',
      },
    });
    expect(sg.status, JSON.stringify(sg.body)).toBe(201);
    expect(sg.body).toMatchObject({ capacityW: 30_000, usdPerKwh: 0.05, compliance: { status: 'approved' } });
    const na = await s.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: { code: 'NA1', name: 'Texas', country: 'US', capacityMw: 5, usdPerKwh: 0.03 },
    });
    expect(na.body.compliance.status).toBe('pending');
  });

  it('deploys the machines to the approved site only, and installs them', async () => {
    const serials = sim.miners.map((m) => m.dna);
    const pending = await s.call('POST', '/api/mining/deployments', {
      role: 'ops',
      body: { site: 'NA1', productId: 'A1246', serials, shippedOn: '2022-05-20' },
    });
    expect(pending.status).toBe(409);
    expect(pending.body.error).toMatchObject({ code: 'mining.site-not-approved', field: 'site' });
    // six A1246 need 20.52 kW: fits 30 kW; nine would not
    const over = await s.call('POST', '/api/mining/deployments', {
      role: 'ops',
      body: { site: 'SG1', productId: 'A1246', units: 9, serialPrefix: 'X-', shippedOn: '2022-05-20' },
    });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('mining.over-capacity');
    const ok = await s.call('POST', '/api/mining/deployments', {
      role: 'ops',
      body: { site: 'SG1', productId: 'A1246', serials, shippedOn: '2022-05-20' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ units: 6, nominalThs: 540 });
    const inst = await s.call('POST', '/api/mining/installations', {
      role: 'ops',
      body: { serials, installedOn: '2022-06-01' },
    });
    expect(inst.status).toBe(201);
    const machines = await s.call('GET', '/api/mining/machines?site=SG1', { role: 'viewer' });
    expect(machines.body.byState).toEqual({ 'in-transit': 0, installed: 6, hashing: 0 });
  });

  it('sees them hashing once the fleet poller finds them', async () => {
    const scan = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.80.0.0/29', site: 'SG1' },
    });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    expect(scan.body.registered).toHaveLength(6);
    await poll(at(10, 0));
    await poll(at(10, 1));
    const machines = await s.call('GET', '/api/mining/machines?site=SG1', { role: 'viewer' });
    expect(machines.body.byState).toEqual({ 'in-transit': 0, installed: 0, hashing: 6 });
    expect(machines.body.machines[0].fleet).toMatchObject({ status: 'ok', hashrateThs: expect.any(Number) });

    const status = await s.call('GET', '/api/mining/status', { role: 'viewer' });
    expect(status.body).toMatchObject({ on: '2022-06-18', installedThs: 540, measuredBasis: 'latest-polls' });
    expect(status.body.measuredThs).toBeGreaterThan(400);
    const day = await s.call('GET', '/api/mining/hashrate?from=2022-06-17&to=2022-06-18', { role: 'viewer' });
    expect(day.body[0].measuredThs).toBeNull();
    expect(day.body[1].measuredThs).toBeGreaterThan(400);
    expect(day.body[1].installedPh).toBe(0.54);
  });

  it('imports a month of payouts and reads expected and actual BTC, luck and cost per BTC', async () => {
    const csv = [
      'date,pool,btc',
      ...Array.from({ length: 30 }, (_, i) => `2022-06-${String(i + 1).padStart(2, '0')},ViaBTC,0.0011`),
    ].join('\n');
    const imp = await s.call('POST', '/api/treasury/payouts', { role: 'finance', body: { csv } });
    expect(imp.status, JSON.stringify(imp.body)).toBe(201);
    const days = await s.call('GET', '/api/mining/earnings/days?from=2022-06-17&to=2022-06-18', {
      role: 'viewer',
    });
    expect(days.body.map((d: Json) => d.basis)).toEqual(['installed', 'measured']);
    expect(days.body[1].ths).toBeGreaterThan(500);
    const june = (await s.call('GET', '/api/mining/earnings?from=2022-06&to=2022-06', { role: 'viewer' }))
      .body[0];
    expect(june).toMatchObject({
      month: '2022-06',
      actualSats: '3300000',
      days: { measured: 1, installed: 29 },
    });
    expect(june.luck).toBeCloseTo(3_300_000 / Number(june.expectedSats), 10);
    expect(BigInt(june.costPerBtcCents)).toBe(
      (BigInt(june.energyCents) * 100_000_000n + 1_650_000n) / 3_300_000n,
    );
    // the simulator reports wall power: the polled day counts it, the other days the nominal 3,420 W
    const energy = await s.call('GET', '/api/mining/energy?from=2022-06-17&to=2022-06-18&site=SG1', {
      role: 'viewer',
    });
    expect(energy.body.map((e: Json) => [e.basis, e.measuredMachines])).toEqual([
      ['nominal', 0],
      ['measured', 6],
    ]);
    expect(energy.body[0].watts).toBe(6 * 3420);
    expect(energy.body[1].watts).toBeGreaterThan(6 * 3000);
    const value = await s.call('GET', '/api/treasury/valuation?on=2022-06-30', { role: 'viewer' });
    expect(value.body.heldSats).toBe('3300000');
    expect(value.body.miningCostCents).toBe(june.energyCents);
  });

  it('raises the power price until the advice says curtail, applies it, and the site stops hashing', async () => {
    const cheap = await s.call('GET', '/api/mining/advice?on=2022-06-18', { role: 'viewer' });
    expect(cheap.body.groups[0]).toMatchObject({ advice: 'keep-on', machines: 6, hashingNow: 6 });
    const none = await s.call('POST', '/api/mining/advice/apply', {
      role: 'ops',
      body: { on: '2022-06-18' },
    });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('mining.nothing-to-curtail');

    const price = await s.call('POST', '/api/mining/sites/SG1/prices', {
      role: 'ops',
      body: { effectiveFrom: '2022-06-15', usdPerKwh: 0.12 },
    });
    expect(price.status).toBe(201);
    const dear = await s.call('GET', '/api/mining/advice?on=2022-06-18', { role: 'viewer' });
    expect(dear.body.groups[0].advice).toBe('switch-off');
    expect(BigInt(dear.body.savedCentsPerDay)).toBeGreaterThan(0n);
    const asViewer = await s.call('POST', '/api/mining/advice/apply', {
      role: 'viewer',
      body: { on: '2022-06-18' },
    });
    expect(asViewer.status).toBe(403);

    s.app.clock.set(at(11, 0));
    const applied = await s.call('POST', '/api/mining/advice/apply', {
      role: 'ops',
      body: { on: '2022-06-18' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({
      machines: 6,
      notInFleet: 0,
      control: { requested: 6, succeeded: 6 },
    });
    for (const m of sim.miners) expect(sim.control(m.address).softOff).toBe(true);

    await poll(at(11, 5));
    const status = await s.call('GET', '/api/mining/status', { role: 'viewer' });
    expect(status.body.measuredThs).toBe(0);
    const machines = await s.call('GET', '/api/mining/machines?site=SG1', { role: 'viewer' });
    expect(machines.body.byState.hashing).toBe(0);
    const series = await s.call('GET', `/api/fleet/hashrate?site=SG1&from=${at(10, 0)}&to=${at(11, 6)}`, {
      role: 'viewer',
    });
    expect(series.body.points.at(0).hashrateThs).toBeGreaterThan(400);
    expect(series.body.points.at(-1).hashrateThs).toBe(0);

    const history = await s.call('GET', '/api/mining/curtailments', { role: 'viewer' });
    expect(history.body).toHaveLength(1);
    const audit = await s.call('GET', '/api/audit?kind=mining.curtailment', { role: 'admin' });
    expect(audit.body[0]).toMatchObject({ actor: 'token:test-ops', kind: 'mining.curtailment-applied' });
  });

  it('suspending the site flags every machine there, and the advice then switches them off regardless', async () => {
    await s.call('POST', '/api/mining/sites/SG1/prices', {
      role: 'ops',
      body: { effectiveFrom: '2022-06-16', usdPerKwh: 0.03 },
    });
    const r = await s.call('POST', '/api/mining/sites/SG1/compliance', {
      role: 'ops',
      body: { status: 'suspended', reason: 'permit under review', effectiveOn: '2022-06-18' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.flaggedSerials).toHaveLength(6);
    const advice = await s.call('GET', '/api/mining/advice?on=2022-06-18', { role: 'viewer' });
    expect(advice.body.groups[0]).toMatchObject({
      advice: 'switch-off',
      reason: expect.stringContaining('suspended'),
    });
  });

  it('rebuilds every mining and treasury table from the events', async () => {
    const target = await testApp();
    try {
      await replayInto(s.app, target);
      for (const table of [
        'mining_sites',
        'mining_machines',
        'mining_fleet_days',
        'mining_site_prices',
        'mining_curtailment_flags',
        'mining_curtailments',
        'treasury_movements',
      ] as const) {
        const rows = async (db: typeof s.app.db) =>
          (
            await db
              .selectFrom(table as never)
              .selectAll()
              .execute()
          ).map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
        expect(await rows(target.db), table).toEqual(await rows(s.app.db));
      }
    } finally {
      await target.close();
    }
  });
});
