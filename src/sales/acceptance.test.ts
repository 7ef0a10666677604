/**
 * The acceptance, as a new user would try it, through the HTTP API only: a customer, a
 * futures contract of 1,000 A12 machines in three monthly tranches at a locked price, a 30%
 * deposit, a balance payment, two tranche deliveries, a deferral and a cancellation of the rest.
 * Every figure is checked against the hand computation below, in the quarter each event fell in,
 * and every refused event is shown to change no figure and no table.
 *
 * By hand: A1246 = 90 TH/s, locked at $30/TH, spot $45/TH on the signing day.
 *   value 1,000 × 90 × 30 = $2,700,000; deposit 30% = $810,000; tranches 400 / 300 / 300
 *   = $1,080,000 / $810,000 / $810,000. The deposit pays 30% of each delivery, the balance the rest.
 *   2020-11-10 signed                 Q4
 *   2020-11-12 deposit  $810,000      Q4
 *   2020-12-01 balance $1,323,000     Q4  (70% of tranches 1 and 2: 756,000 + 567,000)
 *   2020-12-15 deliver 400            Q4  revenue $1,080,000
 *     Q4 end: paid 2,133,000 - earned 1,080,000 = liability $1,053,000; backlog 600 units $1,620,000
 *   2021-01-10 deliver 300            Q1  revenue $810,000 (needs 810,000 + 1,890,000 - 567,000 = 2,133,000 paid)
 *   2021-01-20 defer tranche 3 from 2021-02 to 2021-05   Q1
 *     Q1 end: liability 2,133,000 - 1,890,000 = $243,000; backlog 300 units $810,000, scheduled 2021Q2
 *   2021-04-15 cancel the rest        Q2  cancelled $810,000; unapplied deposit 810,000 - 567,000
 *     = $243,000 forfeited, nothing refunded; Q2 end: liability 0, backlog 0.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Json, type TestServer, tableCounts, testServer } from '../testing/index.js';

// Many requests per test, each refusal checked against every table; slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

let s: TestServer;
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  s.call(method, path, { body, ...(headers ? { headers } : {}) });

/** Everything a refused request must leave alone: every table's rows and every figure. */
async function snapshot(contractId?: number) {
  const quarters = await Promise.all(
    ['2020Q4', '2021Q1', '2021Q2'].map(async (q) => (await call('GET', `/api/sales/quarters/${q}`)).body),
  );
  const contract = contractId ? (await call('GET', `/api/sales/contracts/${contractId}`)).body : null;
  return { counts: await tableCounts(s.app), quarters, contract };
}

async function refused(
  method: string,
  path: string,
  body: unknown,
  expected: { status: number; code?: string; field?: string },
  contractId?: number,
): Promise<Json> {
  const before = await snapshot(contractId);
  const res = await call(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(expected.status);
  if (expected.code) expect(res.body.error.code).toBe(expected.code);
  if (expected.field) expect(res.body.error.field).toBe(expected.field);
  expect(res.body.error.message).toMatch(/\w/);
  expect(await snapshot(contractId)).toEqual(before);
  return res.body;
}

beforeAll(async () => {
  s = await testServer();
  s.app.clock.set('2020-11-10T12:00:00Z');
  const machine = (id: string, ths: number, stage: string) => ({
    kind: 'machine',
    id,
    name: `AvalonMiner ${id.slice(1)}`,
    family: id.slice(0, 3),
    generation: Number(id.slice(1, 3)),
    ths,
    watts: 3420,
    chipsPerMachine: 330,
    hashboards: 3,
    launchDate: '2020-10-01',
    stage,
  });
  for (const p of [machine('A1246', 90, 'mass-production'), machine('A1026', 30, 'end-of-life')]) {
    expect((await call('POST', '/api/catalog/products', p)).status).toBe(201);
  }
  const market = await call('POST', '/api/market/imports', {
    csv: 'date,btc_usd,difficulty,fees_per_block_btc,spot_usd_per_th\n2020-11-09,15300,18000000000000,0.4,45\n',
    source: 'acceptance test',
  });
  expect(market.status, JSON.stringify(market.body)).toBeLessThan(300);
});

afterAll(async () => {
  await s?.close();
});

describe('the acceptance scenario through the HTTP API', () => {
  let customerId: number;
  let contractId: number;
  const path = () => `/api/sales/contracts/${contractId}`;
  const quarter = async (q: string) => (await call('GET', `/api/sales/quarters/${q}`)).body;

  it('adds a customer', async () => {
    const res = await call('POST', '/api/sales/customers', {
      name: 'Blue Energy',
      country: 'us',
      region: 'north-america',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Blue Energy', country: 'US', region: 'north-america' });
    customerId = res.body.id;
    await refused(
      'POST',
      '/api/sales/customers',
      { name: 'blue energy', country: 'US', region: 'north-america' },
      { status: 409, code: 'sales.duplicate-customer', field: 'name' },
    );
  });

  it('refuses a pre-order of a product not in pre-order and the sale of one at end of life', async () => {
    const base = {
      customerId,
      signedOn: '2020-11-10',
      terms: { depositPercent: 30, balance: 'before-shipment', depositForfeitedOnCancel: true },
    };
    await refused(
      'POST',
      '/api/sales/contracts',
      { ...base, kind: 'pre-order', lines: [{ productId: 'A1246', units: 10, usdPerTh: '30' }] },
      { status: 409, code: 'sales.product-not-in-pre-order', field: 'lines.0.productId' },
    );
    await refused(
      'POST',
      '/api/sales/contracts',
      { ...base, kind: 'spot', lines: [{ productId: 'A1026', units: 10, usdPerTh: '30' }] },
      { status: 409, code: 'sales.product-end-of-life', field: 'lines.0.productId' },
    );
  });

  it('books the futures contract at the locked price', async () => {
    const res = await call('POST', '/api/sales/contracts', {
      customerId,
      kind: 'futures',
      signedOn: '2020-11-10',
      reference: 'PO-2020-117',
      terms: { depositPercent: 30, balance: 'before-shipment', depositForfeitedOnCancel: true },
      lines: [
        {
          productId: 'A1246',
          units: 1000,
          usdPerTh: '30.00',
          tranches: [
            { month: '2020-12', units: 400 },
            { month: '2021-01', units: 300 },
            { month: '2021-02', units: 300 },
          ],
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    contractId = res.body.id;
    expect(res.body.figures).toMatchObject({
      valueCents: '270000000',
      depositCents: '81000000',
      th: 90_000,
      backlogCents: '270000000',
      status: 'signed',
    });
    expect(res.body.spotCentsPerTh).toBe('4500');
    expect(res.body.lockedToSpot).toBeCloseTo(2 / 3, 10);
  });

  it('refuses shipping before the balance is paid, and a payment above what is owed', async () => {
    s.app.clock.set('2020-11-20T12:00:00Z');
    expect(
      (await call('POST', `${path()}/payments`, { day: '2020-11-12', amountUsd: '810,000.00' })).status,
    ).toBe(200);
    const body = await refused(
      'POST',
      `${path()}/deliveries`,
      { day: '2020-11-20', lines: [{ lineId: 1, units: 400 }] },
      { status: 409, code: 'sales.unpaid-tranche' },
      contractId,
    );
    expect(body.error.detail).toEqual({ requiredCents: '156600000', paidCents: '81000000' });
    await refused(
      'POST',
      `${path()}/payments`,
      { day: '2020-11-20', amountUsd: '1890000.01' },
      { status: 409, code: 'sales.overpayment', field: 'amountUsd' },
      contractId,
    );
  });

  it('takes the balance and delivers the first tranche in Q4', async () => {
    s.app.clock.set('2020-12-15T12:00:00Z');
    expect((await call('POST', `${path()}/payments`, { day: '2020-12-01', amountUsd: 1323000 })).status).toBe(
      200,
    );
    const res = await call('POST', `${path()}/deliveries`, {
      day: '2020-12-15',
      lines: [{ lineId: 1, units: 400 }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.effect).toMatchObject({
      revenueCents: '108000000',
      lines: [
        { lineId: 1, units: 400, th: 36_000, tranches: [{ tranche: 1, month: '2020-12', units: 400 }] },
      ],
    });
    expect(res.body.figures).toMatchObject({
      paidCents: '213300000',
      revenueCents: '108000000',
      liabilityCents: '105300000',
      receivableCents: '0',
      backlogCents: '162000000',
      backlogUnits: 600,
      status: 'delivering',
    });
  });

  it('refuses delivering more than remains, and a refund above the prepayments', async () => {
    s.app.clock.set('2020-12-20T12:00:00Z');
    await refused(
      'POST',
      `${path()}/deliveries`,
      { day: '2020-12-16', lines: [{ lineId: 1, units: 601 }] },
      { status: 409, code: 'sales.over-delivery', field: 'lines.0.units' },
      contractId,
    );
    await refused(
      'POST',
      `${path()}/refunds`,
      { day: '2020-12-16', amountUsd: '1053000.01' },
      { status: 409, code: 'sales.over-refund', field: 'amountUsd' },
      contractId,
    );
  });

  it('reports 2020Q4 as computed by hand', async () => {
    const q4 = await quarter('2020Q4');
    expect(q4.bookings).toMatchObject({
      contracts: 1,
      units: 1000,
      th: 90_000,
      valueCents: '270000000',
      avgCentsPerTh: '3000',
      machines: { units: 1000, valueCents: '270000000' },
      aiChips: { units: 0, valueCents: '0' },
      byKind: { futures: { contracts: 1, units: 1000, valueCents: '270000000' }, spot: { contracts: 0 } },
      byFamily: [{ family: 'A12', productKind: 'machine', units: 1000, valueCents: '270000000' }],
      source: '/api/sales/contracts?signedIn=2020Q4&asOf=2020-12-31',
    });
    expect(q4.deliveries).toMatchObject({
      units: 400,
      th: 36_000,
      valueCents: '108000000',
      avgCentsPerTh: '3000',
    });
    expect(q4.payments).toMatchObject({ receivedCents: '213300000', refundedCents: '0' });
    expect(q4.futuresDiscount).toMatchObject({
      lockedCents: '270000000',
      spotCents: '405000000',
      th: 90_000,
    });
    expect(q4.futuresDiscount.ratio).toBeCloseTo(2 / 3, 10);
    expect(q4.forfeitedDeposits.valueCents).toBe('0');
    expect(q4.atEnd).toMatchObject({
      day: '2020-12-31',
      contractLiabilities: { valueCents: '105300000', source: '/api/sales/contracts?liabilityAt=2020-12-31' },
      receivables: { valueCents: '0' },
      backlog: { units: 600, th: 54_000, valueCents: '162000000' },
      scheduled: [{ quarter: '2021Q1', units: 600, th: 54_000, valueCents: '162000000', late: false }],
    });
    // Each figure's source lists the contract behind it.
    const listed = await call('GET', q4.atEnd.contractLiabilities.source);
    expect(listed.body.contracts.map((c: Json) => c.id)).toEqual([contractId]);
    const entries = await call('GET', q4.deliveries.entries);
    expect(entries.body.entries).toMatchObject([
      { contractId, type: 'delivery', amountCents: '108000000', units: 400 },
    ]);
  });

  it('delivers the second tranche and defers the third in Q1', async () => {
    s.app.clock.set('2021-01-20T12:00:00Z');
    const delivered = await call('POST', `${path()}/deliveries`, {
      day: '2021-01-10',
      lines: [{ lineId: 1, units: 300 }],
    });
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.effect.revenueCents).toBe('81000000');
    const deferred = await call('POST', `${path()}/reschedule`, {
      day: '2021-01-20',
      moves: [{ lineId: 1, tranche: 3, month: '2021-05' }],
      reason: 'BTC fell; the customer asked to defer',
    });
    expect(deferred.status, JSON.stringify(deferred.body)).toBe(200);
    expect(deferred.body.lines[0].tranches).toEqual([
      { tranche: 1, month: '2020-12', units: 400, delivered: 400, cancelled: 0, open: 0 },
      { tranche: 2, month: '2021-01', units: 300, delivered: 300, cancelled: 0, open: 0 },
      { tranche: 3, month: '2021-05', units: 300, delivered: 0, cancelled: 0, open: 300 },
    ]);
    await refused(
      'POST',
      `${path()}/reschedule`,
      { day: '2021-01-20', moves: [{ lineId: 1, tranche: 3, month: '2020-12' }] },
      { status: 409, code: 'sales.reschedule-into-past', field: 'moves.0.month' },
      contractId,
    );

    const q1 = await quarter('2021Q1');
    expect(q1.bookings).toMatchObject({ contracts: 0, units: 0, valueCents: '0' });
    expect(q1.deliveries).toMatchObject({ units: 300, th: 27_000, valueCents: '81000000' });
    expect(q1.payments.receivedCents).toBe('0');
    expect(q1.atEnd).toMatchObject({
      contractLiabilities: { valueCents: '24300000' },
      receivables: { valueCents: '0' },
      backlog: { units: 300, valueCents: '81000000' },
      scheduled: [{ quarter: '2021Q2', units: 300, th: 27_000, valueCents: '81000000', late: false }],
    });
    // Q4 is closed: its figures did not move.
    expect((await quarter('2020Q4')).atEnd.contractLiabilities.valueCents).toBe('105300000');
  });

  it('cancels the rest in Q2: the unapplied deposit is forfeited', async () => {
    s.app.clock.set('2021-04-15T12:00:00Z');
    const res = await call('POST', `${path()}/cancellation`, {
      day: '2021-04-15',
      reason: 'customer withdrew',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.effect).toMatchObject({
      valueCents: '81000000',
      forfeitedCents: '24300000',
      refundedCents: '0',
    });
    expect(res.body.figures).toMatchObject({
      status: 'cancelled',
      valueCents: '270000000',
      netPaidCents: '213300000',
      revenueCents: '189000000',
      deliveredUnits: 700,
      deliveredTh: 63_000,
      cancelledValueCents: '81000000',
      cancelledUnits: 300,
      forfeitedDepositCents: '24300000',
      liabilityCents: '0',
      receivableCents: '0',
      backlogCents: '0',
    });
    const q2 = await quarter('2021Q2');
    expect(q2.cancellations).toMatchObject({ units: 300, th: 27_000, valueCents: '81000000' });
    expect(q2.forfeitedDeposits.valueCents).toBe('24300000');
    expect(q2.deliveries.valueCents).toBe('0');
    expect(q2.atEnd).toMatchObject({
      contractLiabilities: { valueCents: '0' },
      backlog: { units: 0, valueCents: '0' },
      scheduled: [],
    });

    await refused(
      'POST',
      `${path()}/payments`,
      { day: '2021-04-15', amountUsd: '1.00' },
      { status: 409, code: 'sales.contract-cancelled' },
      contractId,
    );
    await refused(
      'POST',
      `${path()}/deliveries`,
      { day: '2021-04-15', lines: [{ lineId: 1, units: 1 }] },
      { status: 409, code: 'sales.contract-cancelled' },
      contractId,
    );
  });

  it('adds up over the years: revenue of all quarters is the value delivered', async () => {
    const y2020 = (await call('GET', '/api/sales/years/2020')).body;
    const y2021 = (await call('GET', '/api/sales/years/2021')).body;
    expect(y2020.deliveries.valueCents).toBe('108000000');
    expect(y2021.deliveries.valueCents).toBe('81000000');
    expect(BigInt(y2020.deliveries.valueCents) + BigInt(y2021.deliveries.valueCents)).toBe(189_000_000n);
    expect(y2021.forfeitedDeposits.valueCents).toBe('24300000');
    expect(y2020.bookings.valueCents).toBe('270000000');
    expect(y2021.aiChipRevenue).toMatchObject({ thisYearCents: '0', lastYearCents: '0', multiple: null });
  });

  it('shows the whole history, each step with the figures after it, agreeing with the stored row', async () => {
    const detail = (await call('GET', path())).body;
    expect(detail.history.map((h: Json) => [h.day, h.kind])).toEqual([
      ['2020-11-10', 'sales.contract-signed'],
      ['2020-11-12', 'sales.payment-received'],
      ['2020-12-01', 'sales.payment-received'],
      ['2020-12-15', 'sales.delivery-recorded'],
      ['2021-01-10', 'sales.delivery-recorded'],
      ['2021-01-20', 'sales.tranches-rescheduled'],
      ['2021-04-15', 'sales.contract-cancelled'],
    ]);
    expect(detail.history.map((h: Json) => h.figuresAfter.liabilityCents)).toEqual([
      '0',
      '81000000',
      '213300000',
      '105300000',
      '24300000',
      '24300000',
      '0',
    ]);
    const listed = (await call('GET', `/api/sales/contracts?customerId=${customerId}`)).body.contracts[0];
    expect(listed).toMatchObject({
      id: contractId,
      status: detail.figures.status,
      valueCents: detail.figures.valueCents,
      revenueCents: detail.figures.revenueCents,
      liabilityCents: detail.figures.liabilityCents,
      forfeitedDepositCents: detail.figures.forfeitedDepositCents,
    });
  });

  it('refuses bad input with a 400 naming the field, writing nothing', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/sales/customers', { name: 'X', country: 'USA', region: 'north-america' }, 'country'],
      ['POST', '/api/sales/customers', { name: 'X', country: 'US', region: 'mars' }, 'region'],
      ['POST', '/api/sales/customers', { name: 'X', country: 'US', region: 'europe', vip: true }, 'body'],
      ['POST', `${path()}/payments`, { day: '2021-04-31', amountUsd: '1' }, 'day'],
      ['POST', `${path()}/payments`, { day: '2021-04-15', amountUsd: 'lots' }, 'amountUsd'],
      ['POST', `${path()}/payments`, { day: '2021-04-15', amountUsd: '0' }, 'amountUsd'],
      ['POST', `${path()}/payments`, { day: '2021-04-15', amountUsd: '12.345' }, 'amountUsd'],
      ['POST', `${path()}/deliveries`, { day: '2021-04-15', lines: [] }, 'lines'],
      [
        'POST',
        `${path()}/deliveries`,
        { day: '2021-04-15', lines: [{ lineId: 1, units: 1.5 }] },
        'lines.0.units',
      ],
      [
        'POST',
        `${path()}/reschedule`,
        { day: '2021-04-15', moves: [{ lineId: 1, tranche: 3, month: '2021-13' }] },
        'moves.0.month',
      ],
      ['POST', '/api/sales/contracts', { customerId, kind: 'swap' }, 'kind'],
      [
        'POST',
        '/api/sales/contracts',
        {
          customerId,
          kind: 'spot',
          signedOn: '2021-04-15',
          terms: {
            depositPercent: 0,
            balance: 'before-shipment',
            creditDays: 30,
            depositForfeitedOnCancel: false,
          },
          lines: [{ productId: 'A1246', units: 1, usdPerTh: '50' }],
        },
        'terms.creditDays',
      ],
      [
        'POST',
        '/api/sales/contracts',
        {
          customerId,
          kind: 'spot',
          signedOn: '2021-04-15',
          terms: { depositPercent: 130, balance: 'before-shipment', depositForfeitedOnCancel: false },
          lines: [{ productId: 'A1246', units: 1, usdPerTh: '50' }],
        },
        'terms.depositPercent',
      ],
      [
        'POST',
        '/api/sales/contracts',
        {
          customerId,
          kind: 'spot',
          signedOn: '2021-04-15',
          terms: { depositPercent: 0, balance: 'before-shipment', depositForfeitedOnCancel: false },
          lines: [{ productId: 'A9999', units: 1, usdPerTh: '50' }],
        },
        'lines.0.productId',
      ],
      [
        'POST',
        '/api/sales/contracts',
        {
          customerId,
          kind: 'spot',
          signedOn: '2021-04-15',
          terms: { depositPercent: 0, balance: 'before-shipment', depositForfeitedOnCancel: false },
          lines: [{ productId: 'A1246', units: 1, usdPerUnit: '50' }],
        },
        'lines.0.usdPerTh',
      ],
      [
        'POST',
        '/api/sales/contracts',
        {
          customerId,
          kind: 'spot',
          signedOn: '2021-05-01',
          terms: { depositPercent: 0, balance: 'before-shipment', depositForfeitedOnCancel: false },
          lines: [{ productId: 'A1246', units: 1, usdPerTh: '50' }],
        },
        'signedOn',
      ],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await refused(method, url, body, { status: 400 });
      expect(res.error.field, `${url} ${JSON.stringify(body)}`).toBe(field);
    }
    await refused(
      'POST',
      '/api/sales/contracts/999/payments',
      { day: '2021-04-15', amountUsd: '1' },
      { status: 404 },
    );
    await refused(
      'POST',
      '/api/sales/contracts',
      {
        customerId: 999,
        kind: 'spot',
        signedOn: '2021-04-15',
        terms: { depositPercent: 0, balance: 'before-shipment', depositForfeitedOnCancel: false },
        lines: [{ productId: 'A1246', units: 1, usdPerTh: '50' }],
      },
      { status: 404, field: 'customerId' },
    );
  });

  it('needs the right role', async () => {
    expect(
      (
        await s.call('POST', `${path()}/payments`, {
          role: 'sales',
          body: { day: '2021-04-15', amountUsd: '1' },
        })
      ).status,
    ).toBe(403);
    expect((await s.call('GET', '/api/sales/quarters/2020Q4', { role: null })).status).toBe(401);
    expect((await s.call('GET', '/api/sales/quarters/2020Q4', { role: 'viewer' })).status).toBe(200);
  });
});
