/**
 * A product may be sold as its stage stood on the signing day, not as it stands today: a machine
 * in pre-order until February, in mass production since, could be pre-ordered in January but not
 * sold spot then, whether the contract comes one by one or in a bulk import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProduct, updateProduct } from '../catalog/service.js';
import { refusal, type TestApp, tableCounts, testApp } from '../testing/index.js';
import { importSales } from './import.js';
import { addCustomer, bookContract } from './service.js';

let app: TestApp;
let customerId = 0;

beforeAll(async () => {
  app = await testApp();
  app.clock.set('2021-03-01T00:00:00Z');
  await addProduct(app, app.actor(), {
    kind: 'machine',
    id: 'A1366',
    name: 'AvalonMiner 1366',
    family: 'A13',
    generation: 13,
    algorithm: 'sha256',
    ths: 110,
    watts: 3300,
    chipsPerMachine: 120,
    hashboards: 3,
    launchDate: '2021-02-01',
    stage: 'pre-order',
  });
  await updateProduct(app, app.actor(), 'A1366', { stage: 'mass-production', stageFrom: '2021-02-01' });
  customerId = (
    await addCustomer(app, app.actor('sales'), {
      name: 'Blue Energy',
      country: 'US',
      region: 'north-america',
    })
  ).id;
});
afterAll(async () => app?.close());

const contract = (kind: 'spot' | 'pre-order', signedOn: string) => ({
  kind,
  signedOn,
  terms: {
    depositPercent: 30,
    balance: 'before-shipment' as const,
    creditDays: 0,
    depositForfeitedOnCancel: true,
  },
  lines: [{ productId: 'A1366', units: 10, usdPerTh: 30_00n, tranches: [{ month: '2021-04', units: 10 }] }],
});

describe('the stage on the signing day', () => {
  it('refuses a spot sale signed while the product was in pre-order, writing nothing', async () => {
    const before = await tableCounts(app);
    const refused = await refusal(
      bookContract(app, app.actor('sales'), { customerId, ...contract('spot', '2021-01-15') }),
    );
    expect(refused).toMatchObject({ code: 'sales.product-not-for-sale', field: 'lines.0.productId' });
    expect(refused.message).toContain('pre-order');
    expect(await tableCounts(app)).toEqual(before);
  });

  it('takes a pre-order signed then, and a spot sale signed once in mass production', async () => {
    const preOrder = await bookContract(app, app.actor('sales'), {
      customerId,
      ...contract('pre-order', '2021-01-15'),
    });
    expect(preOrder.kind).toBe('pre-order');
    const spot = await bookContract(app, app.actor('sales'), {
      customerId,
      ...contract('spot', '2021-02-10'),
    });
    expect(spot.kind).toBe('spot');
    // Today it is in mass production: a pre-order signed today is refused.
    const late = await refusal(
      bookContract(app, app.actor('sales'), { customerId, ...contract('pre-order', '2021-03-01') }),
    );
    expect(late.code).toBe('sales.product-not-in-pre-order');
  });

  it('reads the same stage in a bulk import, each contract on its own signing day', async () => {
    const rows = (...items: object[]) =>
      items.map((i) => JSON.stringify(i, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).join('\n');
    const mixed = rows(
      { type: 'contract', customerId, ...contract('pre-order', '2021-01-20') },
      { type: 'contract', customerId, ...contract('spot', '2021-01-20') },
    );
    const before = await tableCounts(app);
    const refused = await refusal(importSales(app, app.actor('sales'), mixed, { format: 'ndjson' }));
    expect(JSON.stringify(refused)).toContain('sales.product-not-for-sale');
    expect(await tableCounts(app)).toEqual(before);
    const report = await importSales(
      app,
      app.actor('sales'),
      rows(
        { type: 'contract', customerId, ...contract('pre-order', '2021-01-20') },
        { type: 'contract', customerId, ...contract('spot', '2021-02-20') },
      ),
      { format: 'ndjson' },
    );
    expect(report).toMatchObject({ contracts: 2 });
  });
});
