/** The order book sorted, searched and exported as CSV, through the HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';
import { addCustomer } from './service.js';
import { futuresContract, seedCatalog } from './test-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  s.app.clock.set('2020-11-10T12:00:00Z');
  await seedCatalog(s.app);
  const actor = s.app.actor('sales');
  const blue = await addCustomer(s.app, actor, {
    name: 'Blue, Inc.',
    country: 'US',
    region: 'north-america',
  });
  const green = await addCustomer(s.app, actor, { name: 'Green', country: 'US', region: 'north-america' });
  await futuresContract(s.app, actor, blue.id, 100);
  await futuresContract(s.app, actor, green.id, 1000);
  await futuresContract(s.app, actor, blue.id, 10);
});
afterAll(() => s?.close());

const fetchText = async (path: string) => {
  const res = await fetch(`${s.url}${path}`, {
    headers: { authorization: `Bearer ${await s.token('viewer')}` },
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('the order book list', () => {
  it('sorts by any column either way, ties by number', async () => {
    const ids = async (sort: string) =>
      (await s.call('GET', `/api/sales/contracts?sort=${sort}`)).body.contracts.map(
        (c: { id: number }) => c.id,
      );
    expect(await ids('-backlog')).toEqual([2, 1, 3]);
    expect(await ids('backlog')).toEqual([3, 1, 2]);
    expect(await ids('customer')).toEqual([1, 3, 2]);
    const wrong = await s.call('GET', '/api/sales/contracts?sort=size');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('sort');
  });

  it("finds contracts by number or a piece of the customer's name", async () => {
    const found = async (search: string) =>
      (await s.call('GET', `/api/sales/contracts?search=${encodeURIComponent(search)}`)).body;
    expect((await found('blue')).total).toBe(2);
    expect((await found('#2')).contracts.map((c: { id: number }) => c.id)).toEqual([2]);
    expect((await found('100%')).total).toBe(0);
  });

  it('exports every matching contract as CSV in the asked order, dollars to the cent', async () => {
    const csv = await fetchText('/api/sales/contracts.csv?customerId=1&sort=-value');
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Contract,Customer,Kind,Signed,Status,Value (USD),Units,Delivered units,Paid (USD),Revenue (USD),Liability (USD),Receivable (USD),Backlog (USD)',
    );
    // 100 A1246 × 90 TH/s × $30/TH = $270,000; the name's comma is quoted.
    expect(lines.slice(1)).toEqual([
      '1,"Blue, Inc.",futures,2020-11-10,signed,270000.00,100,0,0.00,0.00,0.00,0.00,270000.00',
      '3,"Blue, Inc.",futures,2020-11-10,signed,27000.00,10,0,0.00,0.00,0.00,0.00,27000.00',
    ]);
    const refused = await s.call('GET', '/api/sales/contracts.csv?signedIn=soon');
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('signedIn');
  });
});
