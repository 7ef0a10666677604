/**
 * The acceptance for partial cancellation, refunds and adjustments, through the API only:
 * cancel one tranche of a futures contract and refund part of its deposit a week later; correct a
 * 2020Q4 payment in 2021Q1 as an adjustment after closing 2020Q4. Then the CLI's refusals.
 *
 * By hand (futuresContract): 1,000 A12 × 90 TH/s × $30 = $2,700,000, tranches 2020-12 and 2021-01 of
 * 500 units ($1,350,000 each), 30% deposit ($810,000) forfeited on cancellation.
 *   2020-11-12 deposit $810,000 (2020Q4)                  Q4 end: liability $810,000
 *   2020Q4 closed on 2021-01-20
 *   2021-01-05 adjustment of the deposit: -$10,000 (the bank credited $800,000)
 *   2021-01-10 cancel tranche 2: $1,350,000 cancelled, its deposit share 30% = $405,000 forfeited
 *   2021-01-17 refund $100,000                            liability 800,000 - 405,000 - 100,000 = $295,000
 *   Q1 roll-forward: 810,000 - 10,000 - 100,000 - 0 revenue - 405,000 forfeited = 295,000.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../app/context.js';
import { openScratch } from '../ledger/scratch.js';
import { verifyLedger } from '../ledger/verify.js';
import { cliSessionContext, freshCliEnv, runCli } from '../testing/cli.js';
import { type Json, type TestServer, tableCounts, testConfig, testServer } from '../testing/index.js';
import { addCustomer } from './service.js';
import { futuresContract, futuresTerms, seedCatalog } from './test-fixtures.js';

vi.setConfig({ testTimeout: 120_000 });

/** The fixture's futures contract (futuresContract) as the API takes it. */
const futuresBody = (signedOn: string) => ({
  customerId,
  kind: 'futures',
  signedOn,
  terms: futuresTerms,
  lines: [
    {
      productId: 'A1246',
      units: 1000,
      usdPerTh: '30.00',
      tranches: [
        { month: '2020-12', units: 500 },
        { month: '2021-01', units: 500 },
      ],
    },
  ],
});
let customerId: number;

describe('partial cancellation, refunds and adjustments through the API', () => {
  let s: TestServer;
  let id: number;
  let paymentId: string;
  const call = (method: string, path: string, body?: unknown) =>
    s.call(method, path, { role: 'finance', ...(body === undefined ? {} : { body }) });
  const quarter = async (q: string) => (await call('GET', `/api/sales/quarters/${q}`)).body;

  /** A refusal: its status, code and field, and no table or figure changed. */
  async function refused(path: string, body: unknown, status: number, code: string, field: string) {
    const before = [
      await tableCounts(s.app),
      await quarter('2021Q1'),
      (await call('GET', `/api/sales/contracts/${id}`)).body,
    ];
    const res = await call('POST', path, body);
    expect([res.status, res.body.error?.code, res.body.error?.field], JSON.stringify(res.body)).toEqual([
      status,
      code,
      field,
    ]);
    expect(res.body.error.message).toMatch(/\w/);
    const after = [
      await tableCounts(s.app),
      await quarter('2021Q1'),
      (await call('GET', `/api/sales/contracts/${id}`)).body,
    ];
    expect(after).toEqual(before);
  }

  beforeAll(async () => {
    s = await testServer();
    await seedCatalog(s.app);
    s.app.clock.set('2020-11-10T12:00:00Z');
    // The book itself through the API, as a new user would enter it.
    const customer = await s.call('POST', '/api/sales/customers', {
      role: 'sales',
      body: { name: 'C', country: 'US', region: 'north-america' },
    });
    customerId = customer.body.id;
    const contract = await s.call('POST', '/api/sales/contracts', {
      role: 'sales',
      body: futuresBody('2020-11-10'),
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    id = contract.body.id;
    s.app.clock.set('2020-11-12T12:00:00Z');
    expect(
      (
        await call('POST', `/api/sales/contracts/${id}/payments`, {
          day: '2020-11-12',
          amountUsd: '810000.00',
        })
      ).status,
    ).toBe(200);
    const entries = await call('GET', `/api/sales/entries?contractId=${id}&type=payment-received`);
    paymentId = entries.body.entries[0].eventId;
    s.app.clock.set('2021-01-20T12:00:00Z');
    expect((await call('POST', '/api/books/periods/2020Q4/close', {})).status).toBe(201);
  });
  afterAll(async () => s.close());

  it('refuses a contract back-dated into the closed 2020Q4, naming the period, and writes nothing', async () => {
    await refused('/api/sales/contracts', futuresBody('2020-11-01'), 409, 'books.period-closed', 'signedOn');
    const res = await call('POST', '/api/sales/contracts', futuresBody('2020-11-01'));
    expect(res.body.error.message).toContain('2020Q4');
  });

  it('corrects a payment of the closed 2020Q4 in 2021Q1, naming it; 2020Q4 keeps its figures', async () => {
    const q4 = await quarter('2020Q4');
    await refused(
      `/api/sales/payments/${paymentId}/adjustments`,
      { day: '2020-12-31', amountUsd: '-10000.00', reason: 'bank credited less' },
      409,
      'books.period-closed',
      'day',
    );
    await refused(
      `/api/sales/payments/${paymentId}/adjustments`,
      { day: '2021-01-05', amountUsd: '-810000.01', reason: 'bank credited less' },
      409,
      'sales.adjustment-below-zero',
      'amountUsd',
    );
    const res = await call('POST', `/api/sales/payments/${paymentId}/adjustments`, {
      day: '2021-01-05',
      amountUsd: '-10000.00',
      reason: 'bank credited $800,000',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.effect).toEqual({
      type: 'payment-adjustment',
      amountCents: '-1000000',
      correctsEventId: paymentId,
    });
    expect(await quarter('2020Q4')).toEqual(q4);
    expect((await quarter('2021Q1')).payments.receivedCents).toBe('-1000000');
    const listed = (await call('GET', `/api/sales/payments/${paymentId}/adjustments`)).body;
    expect(listed).toMatchObject({
      contractId: id,
      day: '2020-11-12',
      recordedCents: '81000000',
      amountCents: '80000000',
      adjustments: [
        { day: '2021-01-05', quarter: '2021Q1', amountCents: '-1000000', reason: 'bank credited $800,000' },
      ],
    });
    const entry = (await call('GET', `/api/sales/entries?contractId=${id}&type=payment-adjustment`)).body
      .entries;
    expect(entry).toMatchObject([{ correctsEventId: paymentId, amountCents: '-1000000', quarter: '2021Q1' }]);
    // The company's cash moves on the adjustment's day, not back in the closed quarter.
    const cash = async (on: string) => (await call('GET', `/api/treasury/cash?on=${on}`)).body.usdCents;
    expect([await cash('2020-12-31'), await cash('2021-01-04'), await cash('2021-01-05')]).toEqual([
      '81000000',
      '81000000',
      '80000000',
    ]);
    const unknown = await call('POST', '/api/sales/payments/999999/adjustments', {
      day: '2021-01-05',
      amountUsd: '1.00',
      reason: 'x',
    });
    expect([unknown.status, unknown.body.error.field]).toEqual([404, 'eventId']);
  });

  it('cancels one tranche, forfeiting its share of the deposit, and refunds part of the rest a week later', async () => {
    const path = `/api/sales/contracts/${id}/cancellation`;
    await refused(
      path,
      { day: '2021-01-10', parts: [{ tranche: 2, units: 501 }] },
      409,
      'sales.over-cancellation',
      'parts.0.units',
    );
    await refused(
      path,
      { day: '2021-01-10', parts: [{ lineId: 1, tranche: 7 }] },
      400,
      'invalid',
      'parts.0.tranche',
    );
    await refused(
      path,
      { day: '2021-01-10', parts: [{ lineId: 3, units: 1 }] },
      400,
      'invalid',
      'parts.0.lineId',
    );
    await refused(path, { day: '2021-01-10', parts: [] }, 400, 'invalid', 'parts');
    await refused(path, { day: '2020-12-20', parts: [{ tranche: 2 }] }, 409, 'books.period-closed', 'day');

    const res = await call('POST', path, {
      day: '2021-01-10',
      parts: [{ tranche: 2 }],
      reason: 'customer asked',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.effect).toMatchObject({
      valueCents: '135000000',
      forfeitedCents: '40500000',
      refundedCents: '0',
    });
    expect(res.body.figures).toMatchObject({
      status: 'signed',
      backlogUnits: 500,
      liabilityCents: '39500000',
    });

    s.app.clock.set('2021-01-17T12:00:00Z');
    await refused(
      `/api/sales/contracts/${id}/refunds`,
      { day: '2021-01-17', amountUsd: '395000.01' },
      409,
      'sales.over-refund',
      'amountUsd',
    );
    const refund = await call('POST', `/api/sales/contracts/${id}/refunds`, {
      day: '2021-01-17',
      amountUsd: '100000.00',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body.figures).toMatchObject({ refundedCents: '10000000', liabilityCents: '29500000' });

    const q1 = await quarter('2021Q1');
    expect(q1).toMatchObject({
      cancellations: { units: 500, valueCents: '135000000' },
      payments: { receivedCents: '-1000000', refundedCents: '10000000' },
      atEnd: {
        contractLiabilities: { valueCents: '29500000' },
        backlog: { units: 500, valueCents: '135000000' },
      },
    });
    expect(q1.forfeitedDeposits.valueCents).toBe('40500000');
    const q4 = await quarter('2020Q4');
    const opening = BigInt(q4.atEnd.contractLiabilities.valueCents);
    const rolled =
      opening +
      BigInt(q1.payments.receivedCents) -
      BigInt(q1.payments.refundedCents) -
      BigInt(q1.deliveries.valueCents) -
      BigInt(q1.forfeitedDeposits.valueCents);
    expect(String(rolled)).toBe(q1.atEnd.contractLiabilities.valueCents);
    const cancellations = (await call('GET', '/api/sales/entries?quarter=2021Q1&type=cancellation')).body
      .entries;
    expect(cancellations).toMatchObject([
      { contractId: id, day: '2021-01-10', amountCents: '135000000', forfeitedCents: '40500000' },
    ]);
  });

  it('ships what remains, then refuses to cancel a delivered tranche', async () => {
    s.app.clock.set('2021-01-26T12:00:00Z');
    // Deposit in force 405,000 forfeited + 405,000 for tranche 1, plus its balance 945,000; 700,000 paid.
    expect(
      (
        await call('POST', `/api/sales/contracts/${id}/payments`, {
          day: '2021-01-25',
          amountUsd: '1055000.00',
        })
      ).status,
    ).toBe(200);
    const shipped = await s.call('POST', `/api/sales/contracts/${id}/deliveries`, {
      role: 'admin',
      body: { day: '2021-01-26', lines: [{ lineId: 1, units: 500 }] },
    });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body.figures).toMatchObject({
      status: 'delivered',
      liabilityCents: '0',
      receivableCents: '0',
    });
    await refused(
      `/api/sales/contracts/${id}/cancellation`,
      { day: '2021-01-26', parts: [{ tranche: 1 }] },
      409,
      'sales.tranche-delivered',
      'parts.0.tranche',
    );
  });

  it('reports 2021Q1 with the roll-forward tying to the closing liabilities, the cancellation and the forfeit', async () => {
    s.app.clock.set('2021-04-05T12:00:00Z');
    const r = await call('GET', '/api/reports/quarterly/2021Q1');
    expect(r.status).toBe(200);
    // 810,000 + (-10,000 + 1,055,000) - 100,000 refunded - 405,000 forfeited - 1,350,000 delivered = 0.
    expect(r.body.books.rollForward).toMatchObject({
      openingCents: '81000000',
      cashReceivedCents: '104500000',
      refundsCents: '10000000',
      forfeitedCents: '40500000',
      closingCents: '0',
      balanceSheetCents: '0',
      ties: true,
    });
    const rf = r.body.books.rollForward;
    expect(BigInt(rf.revenueFromOpeningCents) + BigInt(rf.revenueFromQuarterCashCents)).toBe(135_000_000n);
    expect(r.body.orderBook.contractLiabilities.valueCents).toBe(rf.closingCents);
    expect(r.body.books.cancellations).toMatchObject({
      units: 500,
      valueCents: '135000000',
      forfeitedCents: '40500000',
      contracts: [{ contractId: id, units: 500, valueCents: '135000000', forfeitedCents: '40500000' }],
    });
    const md = await s.text('/api/reports/quarterly/2021Q1?format=md', 'finance');
    expect(md).toContain('| − deposits forfeited | −$405.0k |');
    expect(md).toContain('500 units ($1.35M) cancelled; deposits forfeited $405.0k.');
    expect(md).toContain('The closing balance ties to the balance sheet.');
  });

  // One verify (it rebuilds every table into a scratch database, the slow part): the row changed
  // by hand is the only difference, so everything else the acceptance wrote rebuilds as stored.
  it('verifies the ledger: the only difference is the row of a projection changed by hand', {
    timeout: 300_000,
  }, async () => {
    await sql`update sales_contracts set refunded_cents = refunded_cents - 1 where id = ${id}`.execute(
      s.app.db,
    );
    const scratch = await openScratch(testConfig.database);
    try {
      const report = await verifyLedger(
        s.app,
        { db: scratch.db, projections: s.app.projections },
        s.app.tables,
      );
      expect(report.undeclared).toEqual([]);
      expect(report.differences).toEqual([
        {
          table: 'sales_contracts',
          key: { id },
          kind: 'changed',
          column: 'refunded_cents',
          stored: 9_999_999,
          rebuilt: 10_000_000,
        },
      ]);
    } finally {
      await scratch.close();
    }
  });
});

describe('the cancel, refund and adjust-payment commands', () => {
  const env = freshCliEnv();
  let id: number;
  beforeAll(async () => {
    const ctx = await cliSessionContext(env);
    const admin: Actor = { id: 'test', role: 'admin' };
    await seedCatalog({ ...ctx, actor: () => admin });
    const customer = await addCustomer(ctx, admin, { name: 'C', country: 'US', region: 'north-america' });
    id = (await futuresContract(ctx, admin, customer.id)).id;
    await runCli(['sales', 'pay', String(id), '--day', '2020-11-12', '--amount', '810000.00'], env);
  });

  // Exit 2 is bad input; a broken rule of the book (more than remains, a refund above the
  // prepayments) is 3, as the kernel's one table of exit codes says for every command.
  it('cancels a tranche, or units of a line, and refuses bad input in one line with exit 2 or 3', async () => {
    const tranche = await runCli(
      ['sales', 'cancel', String(id), '--day', '2021-01-10', '--tranche', '2'],
      env,
    );
    expect(tranche.status, tranche.stderr).toBe(0);
    expect(tranche.stdout).toMatch(/^cancelled \$1,350,000\.00, deposit forfeited \$405,000\.00/);
    const over = await runCli(
      ['sales', 'cancel', String(id), '--day', '2021-01-11', '--line', '1', '--units', '501'],
      env,
    );
    expect([over.status, over.stderr.trim().split('\n').length]).toEqual([3, 1]);
    expect(over.stderr).toMatch(/--units/);
    const unknown = await runCli(
      ['sales', 'cancel', String(id), '--day', '2021-01-11', '--tranche', '9'],
      env,
    );
    expect([unknown.status, unknown.stderr]).toEqual([
      2,
      expect.stringMatching(/^[^\n]*--tranche[^\n]*\n?$/),
    ]);
    const refund = await runCli(
      ['sales', 'refund', String(id), '--day', '2021-01-17', '--amount', '405000.01'],
      env,
    );
    expect([refund.status, refund.stderr]).toEqual([3, expect.stringMatching(/^[^\n]*--amount[^\n]*\n?$/)]);
    const ok = await runCli(
      ['sales', 'refund', String(id), '--day', '2021-01-17', '--amount', '100000.00'],
      env,
    );
    expect(ok.status, ok.stderr).toBe(0);
    const units = await runCli(
      ['sales', 'cancel', String(id), '--day', '2021-01-18', '--line', '1', '--units', '100'],
      env,
    );
    expect(units.status, units.stderr).toBe(0);
    expect(units.stdout).toMatch(/#1 2020-12: 400 open of 500/);
  });

  it('adjusts a payment by its event id and lists the adjustment with its reference', async () => {
    const show = await runCli(['sales', 'contract', 'show', String(id), '--json'], env);
    const payment = (JSON.parse(show.stdout) as Json).history.find(
      (h: Json) => h.kind === 'sales.payment-received',
    ).eventId;
    const adjusted = await runCli(
      [
        'sales',
        'adjust-payment',
        payment,
        '--day',
        '2021-02-01',
        '--amount',
        '5000.00',
        '--reason',
        'fee refunded by the bank',
      ],
      env,
    );
    expect(adjusted.status, adjusted.stderr).toBe(0);
    const zero = await runCli(
      ['sales', 'adjust-payment', payment, '--day', '2021-02-01', '--amount', '0', '--reason', 'x'],
      env,
    );
    expect([zero.status, zero.stderr]).toEqual([2, expect.stringMatching(/^[^\n]*--amount[^\n]*\n?$/)]);
    const listed = await runCli(['sales', 'payment-adjustments', payment], env);
    expect(listed.stdout).toMatch(/recorded \$810,000\.00, stands at \$815,000\.00/);
    expect(listed.stdout).toMatch(/2021-02-01 \(2021Q1\) \$5,000\.00 by .*: fee refunded by the bank/);
  });
});
