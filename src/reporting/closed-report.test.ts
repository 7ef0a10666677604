/**
 * The finance section on a small book worked out by hand, and a closed quarter's report frozen:
 * the same figures asked again, and a change behind them found. Through the API and the CLI.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../app/context.js';
import {
  addCustomer,
  bookContract,
  cancelContract,
  recordDelivery,
  recordPayment,
  recordRefund,
} from '../sales/service.js';
import { seedCatalog } from '../sales/test-fixtures.js';
import { cliSessionContext, freshCliEnv, runCli } from '../testing/cli.js';
import { type Json, type TestApp, type TestServer, testServer } from '../testing/index.js';
import { reportHashes, UNHASHED } from './frozen.js';
import { computeQuarterlyReport } from './service.js';

const terms = (depositPercent: number, forfeit = true) =>
  ({ depositPercent, balance: 'before-shipment', creditDays: 0, depositForfeitedOnCancel: forfeit }) as const;
const machines = (
  productId: string,
  units: number,
  usdPerTh: bigint,
  tranches: { month: string; units: number }[],
) => ({
  productId,
  units,
  usdPerTh,
  usdPerUnit: undefined,
  tranches,
});

/**
 * X: A futures, 100 × A1246 (90 TH/s) at $30/TH = $270,000, 30% deposit paid in 2020Q3; in Q4
 *    $75,600 paid and 40 delivered ($108,000); 60 due 2022-03.
 *    C futures, 100 × A1166P (81 TH/s) at $30/TH = $243,000, its $72,900 deposit paid in Q3,
 *    cancelled in Q4: the deposit forfeited.
 *    D spot, 10 × A1246 at $40/TH = $36,000, signed in Q4, $18,000 paid, cancelled and refunded
 *    the same day (a cancellation keeps the cash until a refund pays it back).
 * Y: B spot, 50 K210 at $1,000 = $50,000 on 30 days' credit, delivered 2020-10-10, $20,000 paid.
 */
async function handBook(ctx: AppContext) {
  const a = { id: 'test:admin', role: 'admin' } as const;
  const x = (await addCustomer(ctx, a, { name: 'X', country: 'US', region: 'north-america' })).id;
  const y = (await addCustomer(ctx, a, { name: 'Y', country: 'CN', region: 'asia-pacific' })).id;
  const A = await bookContract(ctx, a, {
    customerId: x,
    kind: 'futures',
    signedOn: '2020-08-01',
    terms: terms(30),
    lines: [
      machines('A1246', 100, 3000n, [
        { month: '2020-11', units: 40 },
        { month: '2022-03', units: 60 },
      ]),
    ],
  });
  await recordPayment(ctx, a, A.id, { day: '2020-08-02', amountUsd: 8_100_000n });
  const C = await bookContract(ctx, a, {
    customerId: x,
    kind: 'futures',
    signedOn: '2020-07-01',
    terms: terms(30),
    lines: [machines('A1166P', 100, 3000n, [{ month: '2021-06', units: 100 }])],
  });
  await recordPayment(ctx, a, C.id, { day: '2020-07-02', amountUsd: 7_290_000n });
  await recordPayment(ctx, a, A.id, { day: '2020-11-01', amountUsd: 7_560_000n });
  await recordDelivery(ctx, a, A.id, { day: '2020-11-15', lines: [{ lineId: 1, units: 40 }] });
  const B = await bookContract(ctx, a, {
    customerId: y,
    kind: 'spot',
    signedOn: '2020-10-05',
    terms: { depositPercent: 0, balance: 'on-delivery', creditDays: 30, depositForfeitedOnCancel: false },
    lines: [{ productId: 'K210', units: 50, usdPerUnit: 100_000n, usdPerTh: undefined, tranches: undefined }],
  });
  await recordDelivery(ctx, a, B.id, { day: '2020-10-10', lines: [{ lineId: 1, units: 50 }] });
  await recordPayment(ctx, a, B.id, { day: '2020-12-01', amountUsd: 2_000_000n });
  const D = await bookContract(ctx, a, {
    customerId: x,
    kind: 'spot',
    signedOn: '2020-10-20',
    terms: terms(50, false),
    lines: [machines('A1246', 10, 4000n, [{ month: '2020-12', units: 10 }])],
  });
  await recordPayment(ctx, a, D.id, { day: '2020-10-21', amountUsd: 1_800_000n });
  await cancelContract(ctx, a, C.id, { day: '2020-12-15' });
  await cancelContract(ctx, a, D.id, { day: '2020-12-20' });
  await recordRefund(ctx, a, D.id, { day: '2020-12-20', amountUsd: 1_800_000n });
  return { A: A.id, B: B.id, C: C.id, D: D.id };
}

let s: TestServer;
let ids: Awaited<ReturnType<typeof handBook>>;
const report = async (quarter = '2020Q4') => {
  const r = await s.call('GET', `/api/reports/quarterly/${quarter}`);
  expect(r.status).toBe(200);
  return r.body as Json;
};

beforeAll(async () => {
  s = await testServer();
  s.app.clock.set('2021-01-20T00:00:00Z');
  await seedCatalog(s.app);
  ids = await handBook(s.app);
});
afterAll(async () => s?.close());

describe('the finance section of a hand-built book', () => {
  it('rolls the contract liability forward as worked by hand, tying to the balance sheet', async () => {
    const r = await report();
    expect(r.books.rollForward).toMatchObject({
      openingCents: String(8_100_000 + 7_290_000), // A and C's deposits
      cashReceivedCents: String(7_560_000 + 1_800_000), // B's $20,000 settled its receivable
      revenueFromOpeningCents: '8100000',
      revenueFromQuarterCashCents: '2700000',
      refundsCents: '1800000',
      forfeitedCents: '7290000',
      closingCents: '4860000',
      cashToReceivablesCents: '2000000',
      revenueBilledCents: '5000000',
      balanceSheetCents: '4860000',
      ties: true,
    });
    expect(r.orderBook.contractLiabilities.valueCents).toBe('4860000');
  });

  it('gives the obligations, the early deposits, the cancellations, concentration and ageing', async () => {
    const { books, orderBook } = await report();
    expect(books.obligations.withinTwelveMonths).toMatchObject({ units: 0, valueCents: '0' });
    expect(books.obligations.later).toMatchObject({ units: 60, valueCents: '16200000' });
    expect(orderBook.scheduled).toEqual([expect.objectContaining({ quarter: '2022Q1', units: 60 })]);
    expect(books.depositsAheadOfDelivery).toMatchObject({
      contracts: 1,
      contractIds: [ids.A],
      liabilityCents: '4860000',
    });
    expect(books.cancellations).toMatchObject({
      units: 110,
      valueCents: '27900000',
      forfeitedCents: '7290000',
    });
    expect(books.cancellations.contracts.map((c: Json) => [c.contractId, c.forfeitedCents])).toEqual([
      [ids.C, '7290000'],
      [ids.D, '0'],
    ]);
    expect(books.concentration.revenue.map((c: Json) => [c.customer, c.valueCents])).toEqual([
      ['X', '10800000'],
      ['Y', '5000000'],
    ]);
    expect(books.concentration.backlog.map((c: Json) => [c.customer, c.sharePct])).toEqual([['X', 100]]);
    // B's $30,000 still owed was due 2020-11-09: 52 days past due at the quarter's end.
    expect(books.receivablesAgeing.bands.find((b: Json) => b.valueCents !== '0')).toMatchObject({
      band: '31-60 days',
      valueCents: '3000000',
    });
    expect(books.backlogAgeing.bands.find((b: Json) => b.valueCents !== '0')).toMatchObject({
      band: '91-180 days',
      valueCents: '16200000',
    });
    // 60 × 90 TH/s open at 2020-12-31, $45/TH spot against $30 locked.
    expect(orderBook.opportunityCost).toMatchObject({ lockedCents: '16200000', atSpotCents: '24300000' });
  });

  it('says the same of 2020Q4 when the books have moved on in 2021', async () => {
    const before = await report();
    await recordPayment(s.app, s.app.actor('admin'), ids.A, { day: '2021-01-10', amountUsd: 100_000n });
    const after = await report();
    expect(after.books).toEqual(before.books);
    expect(after.orderBook).toEqual(before.orderBook);
    // The figure's drill-down lists the contracts as they stood that day, adding up to it.
    const listed = await s.call('GET', '/api/sales/contracts?liabilityAt=2020-12-31');
    expect(listed.body.contracts.map((c: Json) => [c.id, c.liabilityCents])).toEqual([[ids.A, '4860000']]);
    const today = await s.call('GET', `/api/sales/contracts?liabilityAt=2021-01-20`);
    expect(today.body.contracts.map((c: Json) => [c.id, c.liabilityCents])).toEqual([[ids.A, '4960000']]);
  });
});

describe('a closed quarter', () => {
  it('is frozen at the close, and says when the books behind it have changed since', async () => {
    const open = await report();
    expect(open.closed).toBeNull();
    const closed = await s.call('POST', '/api/books/periods/2020Q4/close', { role: 'finance', body: {} });
    expect(closed.status).toBe(201);
    const frozen = await report();
    expect(frozen.closed).toMatchObject({ changedSinceClose: false, changedSections: [] });
    expect(frozen.closed.hash).toBe(frozen.closed.currentHash);
    expect(frozen.books).toEqual(open.books);

    // A row of the order book's projections changed by hand: the frozen figures stand, flagged.
    await sql`update sales_rollup_money set liability_cents = liability_cents + 100 where quarter = '2020Q4'`.execute(
      s.app.db,
    );
    const later = await report();
    expect(later.books).toEqual(open.books);
    expect(later.closed.changedSinceClose).toBe(true);
    expect(later.closed.changedSections).toEqual(expect.arrayContaining(['orderBook', 'books']));
    const md = await s.text('/api/reports/quarterly/2020Q4?format=md', 'viewer');
    expect(md).toContain('Frozen when 2020Q4 was closed');
    expect(md).toContain('The books behind it have changed since');

    const reopened = await s.call('POST', '/api/books/periods/2020Q4/reopen', {
      role: 'admin',
      body: { reason: 'the hand edit above' },
    });
    expect(reopened.status).toBe(201);
    // Reopened, the report is computed afresh and still compared with what was closed.
    const afresh = await report();
    expect(afresh.closed).toMatchObject({ reopened: true, changedSinceClose: true });
    expect(afresh.orderBook.contractLiabilities.valueCents).not.toBe(
      open.orderBook.contractLiabilities.valueCents,
    );
  });

  it('compares today’s figures with the closed ones without computing what the comparison leaves out', async () => {
    // A closed quarter is served as stored: today's report is computed only for its hashes, and the
    // outlook and the service network (the slow two) are not part of them.
    const whole = await computeQuarterlyReport(s.app, '2020Q4');
    const compared = await computeQuarterlyReport(s.app, '2020Q4', { skip: UNHASHED });
    expect(compared.outlook).toMatchObject({
      available: false,
      reason: expect.stringMatching(/^Not computed/),
    });
    expect(compared.serviceNetwork).toMatchObject({ available: false });
    expect(reportHashes(compared)).toEqual(reportHashes(whole));
  });

  it('stays unchanged when the books move on in the next quarter, and says so', async () => {
    s.app.clock.set('2021-02-01T00:00:00Z');
    const as = (role: 'admin' | 'finance' | 'sales' | 'supply') => (path: string, body: unknown) =>
      s.call(path.startsWith('PATCH ') ? 'PATCH' : 'POST', path.replace(/^PATCH /, ''), { role, body });
    expect((await as('finance')('/api/books/periods/2020Q4/close', {})).status).toBe(201);
    const closed = await report();
    // Every kind of write the report reads, dated in 2021Q1, through the API.
    const customers = (await s.call('GET', '/api/sales/customers', { role: 'sales' })).body;
    const x = (customers.customers ?? customers).find((c: Json) => c.name === 'X').id;
    const signed = await as('sales')('/api/sales/contracts', {
      customerId: x,
      kind: 'spot',
      signedOn: '2021-01-15',
      terms: { depositPercent: 50, balance: 'before-shipment', depositForfeitedOnCancel: false },
      lines: [
        { productId: 'A1246', units: 5, usdPerTh: '40.00', tranches: [{ month: '2021-02', units: 5 }] },
      ],
    });
    const writes = [
      signed,
      await as('finance')(`/api/sales/contracts/${signed.body.id}/payments`, {
        day: '2021-01-16',
        amountUsd: '9000',
      }),
      await as('finance')(`/api/sales/contracts/${ids.A}/payments`, { day: '2021-01-17', amountUsd: '1000' }),
      await as('supply')('PATCH /api/catalog/products/K510', {
        stage: 'mass-production',
        stageFrom: '2021-01-20',
      }),
      await as('finance')('/api/treasury/machine-life', {
        effectiveFrom: '2021-01-01',
        lifeMonths: 48,
        reason: 'longer-lived machines',
      }),
      await as('finance')('/api/treasury/cash', {
        day: '2021-01-10',
        category: 'opex',
        direction: 'out',
        amount: '500',
      }),
      await as('supply')('/api/supply/foundries', {
        id: 'tsmc',
        name: 'TSMC',
        country: 'TW',
        leadTimeMonths: 3,
      }),
    ];
    expect(
      writes.map((w) => w.status),
      JSON.stringify(writes.map((w) => w.body)),
    ).toEqual([201, 200, 200, 200, 201, 201, 201]);
    const later = await report();
    expect(later.closed).toMatchObject({ changedSinceClose: false, changedSections: [] });
    expect(later.closed.currentHash).toBe(closed.closed.hash);
    expect(later).toEqual(closed);

    // Reopened and changed back in 2020Q4: the report says what differs from the close, until
    // the quarter closes again with the new figures.
    expect(
      (
        await s.call('POST', '/api/books/periods/2020Q4/reopen', {
          role: 'admin',
          body: { reason: 'a December payment was missed' },
        })
      ).status,
    ).toBe(201);
    // Y paying $2,000 more of B's receivable on 2020-12-10 (B's last event is 2020-12-01).
    const paid = await as('finance')(`/api/sales/contracts/${ids.B}/payments`, {
      day: '2020-12-10',
      amountUsd: '2000',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const reopened = await report();
    expect(reopened.closed).toMatchObject({
      reopened: true,
      changedSinceClose: true,
      hash: closed.closed.hash,
    });
    expect(reopened.closed.changedSections).toEqual(expect.arrayContaining(['books', 'orderBook']));
    expect(BigInt(reopened.orderBook.receivables.valueCents)).toBe(
      BigInt(closed.orderBook.receivables.valueCents) - 200_000n,
    );
    const md = await s.text('/api/reports/quarterly/2020Q4?format=md', 'viewer');
    expect(md).toContain('has been reopened since');
    expect(md).toContain('The books behind it have changed since');
    expect((await as('finance')('/api/books/periods/2020Q4/close', {})).status).toBe(201);
    const again = await report();
    expect(again.closed).toMatchObject({ reopened: false, changedSinceClose: false });
    expect(again.closed.hash).not.toBe(closed.closed.hash);
  });

  describe('from the CLI', () => {
    const env = freshCliEnv();
    it('closes the quarter and shows its report frozen', async () => {
      const ctx = await cliSessionContext(env);
      await seedCatalog({ ...ctx, actor: (role = 'admin') => ({ id: `test:${role}`, role }) } as TestApp);
      await handBook(ctx);
      expect((await runCli(['books', 'close', '2020Q4'], env)).status).toBe(0);
      const json = await runCli(['report', '2020Q4', '--json'], env);
      expect(json.status).toBe(0);
      const r = JSON.parse(json.stdout);
      expect(r.closed).toMatchObject({ changedSinceClose: false });
      expect(r.books.rollForward.closingCents).toBe('4860000');
      const md = await runCli(['report', '2020Q4'], env);
      expect(md.stdout).toContain('Nothing behind it has changed since.');
    });
  });
});
