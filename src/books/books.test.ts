/**
 * Closing the books, through the API as finance does it: a closed quarter refuses every write dated
 * inside it (and writes nothing), reopening needs an admin and a reason, and both are in the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCustomer } from '../sales/service.js';
import { futuresContract, futuresTerms, seedCatalog } from '../sales/test-fixtures.js';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { parsePeriod } from './model.js';

describe('closing a period', () => {
  let s: TestServer;
  let contractId: number;
  let customerId: number;
  beforeAll(async () => {
    s = await testServer();
    await seedCatalog(s.app);
    const actor = s.app.actor('admin');
    customerId = (await addCustomer(s.app, actor, { name: 'C', country: 'US', region: 'north-america' })).id;
    contractId = (await futuresContract(s.app, actor, customerId)).id;
    s.app.clock.set('2021-01-20T00:00:00Z');
  });
  afterAll(async () => s.close());

  const pay = (day: string, key?: string) =>
    s.call('POST', `/api/sales/contracts/${contractId}/payments`, {
      role: 'finance',
      body: { day, amountUsd: '1000.00' },
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });

  /** A spot contract signed inside 2020Q4. */
  const backDatedContract = () =>
    s.call('POST', '/api/sales/contracts', {
      role: 'sales',
      body: {
        customerId,
        kind: 'spot',
        signedOn: '2020-11-01',
        terms: futuresTerms,
        lines: [
          { productId: 'A1246', units: 10, usdPerTh: '30.00', tranches: [{ month: '2021-02', units: 10 }] },
        ],
      },
    });

  it('reads months and quarters, and nothing else', () => {
    expect(parsePeriod('2020Q4')).toEqual({ name: '2020Q4', firstDay: '2020-10-01', lastDay: '2020-12-31' });
    expect(parsePeriod('2021-02')).toEqual({
      name: '2021-02',
      firstDay: '2021-02-01',
      lastDay: '2021-02-28',
    });
    expect(() => parsePeriod('2020-13')).toThrow();
    expect(() => parsePeriod('Q4')).toThrow(/month \(2020-12\) or a quarter/);
  });

  it('refuses to close a period not yet over, and a viewer may not close one', async () => {
    const early = await s.call('POST', '/api/books/periods/2021Q1/close', { role: 'finance', body: {} });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'books.period-not-over', field: 'period' });
    expect(
      (await s.call('POST', '/api/books/periods/2020Q4/close', { role: 'viewer', body: {} })).status,
    ).toBe(403);
  });

  it('refuses every write dated inside a closed quarter, naming the period and the field, and writes nothing', async () => {
    const closed = await s.call('POST', '/api/books/periods/2020Q4/close', {
      role: 'finance',
      body: { note: 'reported on the 2020Q4 call' },
    });
    expect(closed.status).toBe(201);
    expect(closed.body).toMatchObject({
      period: '2020Q4',
      closed: true,
      firstDay: '2020-10-01',
      lastDay: '2020-12-31',
    });
    const before = await tableCounts(s.app);

    const payment = await pay('2020-12-15');
    expect(payment.status).toBe(409);
    expect(payment.body.error).toMatchObject({ code: 'books.period-closed', field: 'day' });
    expect(payment.body.error.message).toMatch(/2020-12-15 falls in 2020Q4, which is closed/);

    const contract = await backDatedContract();
    expect(contract.status, JSON.stringify(contract.body)).toBe(409);
    expect(contract.body.error).toMatchObject({ code: 'books.period-closed', field: 'signedOn' });

    expect(await tableCounts(s.app)).toEqual(before);
    // The open period takes the same payment: the correction belongs there.
    expect((await pay('2021-01-05')).status).toBe(200);
  });

  it('reopens only for an admin with a reason; the history keeps both', async () => {
    const noReason = await s.call('POST', '/api/books/periods/2020Q4/reopen', {
      role: 'admin',
      body: { reason: ' ' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('reason');
    expect(
      (await s.call('POST', '/api/books/periods/2020Q4/reopen', { role: 'finance', body: { reason: 'x' } }))
        .status,
    ).toBe(403);
    const reopened = await s.call('POST', '/api/books/periods/2020Q4/reopen', {
      role: 'admin',
      body: { reason: 'a December payment was missed' },
    });
    expect(reopened.status).toBe(201);
    expect(reopened.body).toMatchObject({ closed: false, note: 'a December payment was missed' });
    const late = await backDatedContract();
    expect(late.status, JSON.stringify(late.body)).toBe(201);

    const audit = await s.call('GET', '/api/audit?kind=books.', { role: 'finance' });
    expect(audit.body.map((e: { kind: string }) => e.kind)).toEqual([
      'books.period-closed',
      'books.period-reopened',
    ]);
    const periods = await s.call('GET', '/api/books/periods');
    expect(periods.body).toEqual([expect.objectContaining({ period: '2020Q4', closed: false })]);
  });
});
