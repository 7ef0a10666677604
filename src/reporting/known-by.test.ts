/**
 * A quarter's report reads the self-mining sites, their compliance and the targets, and the AI
 * chips of the catalogue, as they stood at the quarter's end (by their business dates): a site,
 * target or product added later leaves it as it was, and a closed quarter's frozen report is not
 * "changed since close" by them. A contract dated before a product entered the catalogue but
 * recorded after is still taken. Through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chip as catalogChip } from '../catalog/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';

let s: TestServer;
const report = async (quarter: string) => {
  const r = await s.call('GET', `/api/reports/quarterly/${quarter}`, { role: 'viewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const post = (role: 'ops' | 'supply' | 'sales' | 'finance', path: string, body: unknown) =>
  s.call('POST', path, { role, body });
const site = (code: string, more: Record<string, unknown>) => ({
  code,
  name: `Site ${code}`,
  country: 'US',
  capacityMw: 5,
  usdPerKwh: 0.04,
  ...more,
});
const target = (more: Record<string, unknown> = {}) => ({
  byDay: '2021-12-31',
  low: '2 EH',
  high: '4 EH',
  sharePercent: 10,
  ...more,
});
const chip = (id: string, more: Record<string, unknown> = {}) => ({
  ...catalogChip(id),
  stage: 'mass-production',
  ...more,
});
const sitesOf = (r: Json) => r.selfMining.sites.map((x: Json) => [x.site, x.status]);
const chipsOf = (r: Json) => r.aiChips.chips.map((c: Json) => c.id);

beforeAll(async () => {
  s = await testServer();
  s.app.clock.set('2021-06-15T00:00:00Z');
}, 120_000);
afterAll(async () => s?.close());

describe("a quarter's report as of its end", () => {
  it('shows the sites open by then, in the status they had then, and the targets set by then', async () => {
    expect((await report('2021Q1')).selfMining).toMatchObject({ available: false });
    // Added today with no earlier day: not a site of 2021Q1.
    expect((await post('ops', '/api/mining/sites', site('SG1', { status: 'pending' }))).status).toBe(201);
    expect((await report('2021Q1')).selfMining.available).toBe(false);
    // Added today, priced and approved from February: a site of 2021Q1.
    const na1 = site('NA1', {
      priceFrom: '2021-02-01',
      status: 'approved',
      permitRef: 'TX-1',
      permitFrom: '2021-02-01',
    });
    expect((await post('ops', '/api/mining/sites', na1)).status).toBe(201);
    const suspended = await post('ops', '/api/mining/sites/NA1/compliance', {
      status: 'suspended',
      effectiveOn: '2021-05-01',
      reason: 'grid emergency',
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(201);
    // A target set today, and one set (dated) in April.
    expect((await post('ops', '/api/mining/targets', target())).status).toBe(201);
    expect(
      (await post('ops', '/api/mining/targets', target({ low: '1 EH', setOn: '2021-04-10' }))).status,
    ).toBe(201);

    const q1 = await report('2021Q1');
    expect(q1.selfMining.available).toBe(true);
    expect(sitesOf(q1)).toEqual([['NA1', 'approved']]);
    expect(q1.selfMining.target).toBeNull();
    const q2 = await report('2021Q2');
    expect(sitesOf(q2)).toEqual([
      ['NA1', 'suspended'],
      ['SG1', 'pending'],
    ]);
    // The latest set of the targets known by the quarter's end.
    expect(q2.selfMining.target).toMatchObject({ lowPh: 2000, standing: 'below' });
    const april = (await s.call('GET', '/api/mining/status?on=2021-04-30', { role: 'viewer' })).body;
    expect(april.target).toMatchObject({ lowThs: 1_000_000, setOn: '2021-04-10' });
    expect(april.sites.map((x: Json) => [x.site, x.status])).toEqual([['NA1', 'approved']]);
  });

  it('lists the AI chips in the catalogue by then, and takes a contract dated before a chip was added', async () => {
    expect(
      (await post('supply', '/api/catalog/products', chip('K210', { addedOn: '2021-01-04' }))).status,
    ).toBe(201);
    const k230 = await post('supply', '/api/catalog/products', chip('K230'));
    expect([k230.status, k230.body.addedOn]).toEqual([201, '2021-06-15']);
    expect(chipsOf(await report('2021Q1'))).toEqual(['K210']);
    expect(chipsOf(await report('2021Q2'))).toEqual(['K210', 'K230']);
    const listed = await s.call('GET', '/api/catalog/products?asOf=2021-03-31', { role: 'viewer' });
    expect(listed.body.map((p: Json) => p.id)).toEqual(['K210']);
    const one = await s.call('GET', '/api/catalog/products/K230?asOf=2021-03-31', { role: 'viewer' });
    expect([one.status, one.body.error.field]).toEqual([404, 'asOf']);
    expect(one.body.error.message).toContain('2021-06-15');

    // Dated in March, recorded today, after K230 entered the catalogue: taken at its first stage.
    const customer = await post('sales', '/api/sales/customers', {
      name: 'Kendryte Vision',
      country: 'CN',
      region: 'asia-pacific',
    });
    const signed = await post('sales', '/api/sales/contracts', {
      customerId: customer.body.id,
      kind: 'spot',
      signedOn: '2021-03-01',
      terms: { depositPercent: 0, balance: 'on-delivery', creditDays: 30, depositForfeitedOnCancel: false },
      lines: [{ productId: 'K230', units: 10, usdPerUnit: '100.00' }],
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    const later = await post('supply', '/api/catalog/products', chip('K231', { addedOn: '2021-06-16' }));
    expect([later.status, later.body.error.field]).toEqual([400, 'addedOn']);
  });

  it('stays frozen once closed when sites, targets and products are added later, and refuses them inside it', async () => {
    expect((await post('finance', '/api/books/periods/2021Q1/close', {})).status).toBe(201);
    const closed = await report('2021Q1');
    expect(closed.closed).toMatchObject({ changedSinceClose: false });
    expect((await post('ops', '/api/mining/sites', site('KZ1', { status: 'pending' }))).status).toBe(201);
    expect((await post('ops', '/api/mining/targets', target({ low: '3 EH' }))).status).toBe(201);
    expect((await post('supply', '/api/catalog/products', chip('K510'))).status).toBe(201);
    const later = await report('2021Q1');
    expect(later.closed).toMatchObject({ changedSinceClose: false, changedSections: [] });
    expect(later.closed.currentHash).toBe(closed.closed.hash);

    // Dated inside the closed quarter: each refused, naming its field, nothing written.
    const refusals = [
      await post('ops', '/api/mining/sites', site('KZ2', { priceFrom: '2021-03-01' })),
      await post(
        'ops',
        '/api/mining/sites',
        site('KZ3', {
          priceFrom: '2021-06-01',
          status: 'approved',
          permitRef: 'P',
          permitFrom: '2021-03-01',
        }),
      ),
      await post('ops', '/api/mining/targets', target({ setOn: '2021-03-31' })),
      await post('supply', '/api/catalog/products', chip('K520', { addedOn: '2021-02-01' })),
    ];
    expect(refusals.map((r) => [r.status, r.body.error.code, r.body.error.field])).toEqual([
      [409, 'books.period-closed', 'priceFrom'],
      [409, 'books.period-closed', 'permitFrom'],
      [409, 'books.period-closed', 'setOn'],
      [409, 'books.period-closed', 'addedOn'],
    ]);
    const sites = (await s.call('GET', '/api/mining/sites', { role: 'viewer' })).body;
    expect(sites.map((x: Json) => x.code)).toEqual(['KZ1', 'NA1', 'SG1']);
    expect((await report('2021Q1')).closed.changedSinceClose).toBe(false);
  });
});
