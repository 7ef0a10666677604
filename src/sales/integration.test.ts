/**
 * The order book against a real database (PGlite, or PostgreSQL when DATABASE_URL is set):
 * idempotency, racing deliveries, bulk import all-or-nothing, replay into an empty database, and
 * the reads other modules use.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { replayInto } from '../ledger/replay.js';
import { type TestApp, type TestServer, tableCounts, testApp, testServer } from '../testing/index.js';
import type { RejectedRow } from './import-file.js';
import {
  addCustomer,
  bookContract,
  getContract,
  importSales,
  listContracts,
  listDeliveries,
  listOpenTranches,
  opportunityCost,
  recordDelivery,
  recordPayment,
  salesQuarter,
  salesYear,
} from './service.js';
import { futuresContract, futuresTerms, seedCatalog } from './test-fixtures.js';

// Each test builds a database and a server from scratch; on a busy 2-core machine that can take a while.
vi.setConfig({ testTimeout: 120_000 });

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

async function app(): Promise<TestApp> {
  const a = await testApp();
  opened.push(a);
  await seedCatalog(a);
  return a;
}

async function server(): Promise<TestServer> {
  const s = await testServer();
  opened.push(s);
  await seedCatalog(s.app);
  return s;
}

describe('idempotency', () => {
  it('returns the first result for a repeated key and writes nothing; a different request is a 409', async () => {
    const s = await server();
    s.app.clock.set('2020-11-20T00:00:00Z');
    const customer = await addCustomer(s.app, s.app.actor(), {
      name: 'C',
      country: 'US',
      region: 'north-america',
    });
    const contract = await futuresContract(s.app, s.app.actor(), customer.id);
    const pay = (amountUsd: string) =>
      s.call('POST', `/api/sales/contracts/${contract.id}/payments`, {
        body: { day: '2020-11-12', amountUsd },
        headers: { 'idempotency-key': 'wire-2020-11-12' },
      });
    const first = await pay('810000');
    expect(first.status).toBe(200);
    const counts = await tableCounts(s.app);
    const again = await pay('810000');
    expect(again).toEqual(first);
    expect(await tableCounts(s.app)).toEqual(counts);
    const other = await pay('1');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ledger.idempotency-key-reused');
    expect(await tableCounts(s.app)).toEqual(counts);
  });
});

describe('racing writers', () => {
  it('lets only one of two deliveries through when only one can pass', async () => {
    const s = await server();
    s.app.clock.set('2020-12-20T00:00:00Z');
    const actor = s.app.actor();
    const customer = await addCustomer(s.app, actor, { name: 'C', country: 'US', region: 'north-america' });
    const contract = await futuresContract(s.app, actor, customer.id);
    await recordPayment(s.app, actor, contract.id, { day: '2020-11-12', amountUsd: 270_000_000n });
    await recordDelivery(s.app, actor, contract.id, {
      day: '2020-12-01',
      lines: [{ lineId: 1, units: 400 }],
    });
    const deliver = () =>
      s.call('POST', `/api/sales/contracts/${contract.id}/deliveries`, {
        body: { day: '2020-12-15', lines: [{ lineId: 1, units: 400 }] },
      });
    const results = await Promise.all([deliver(), deliver()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('sales.over-delivery');
    const after = await getContract(s.app, contract.id);
    expect(after.figures).toMatchObject({ deliveredUnits: 800, backlogUnits: 200 });
  });

  it('keeps the rollups exact under concurrent writes on many contracts', async () => {
    const s = await server();
    s.app.clock.set('2020-12-20T00:00:00Z');
    const actor = s.app.actor();
    const customer = await addCustomer(s.app, actor, { name: 'C', country: 'US', region: 'north-america' });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await futuresContract(s.app, actor, customer.id, 10)).id);
    const results = await Promise.all(
      ids.map((id) =>
        s.call('POST', `/api/sales/contracts/${id}/payments`, {
          body: { day: '2020-12-01', amountUsd: '8100.00' },
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const q4 = await salesQuarter(s.app, '2020Q4');
    expect(q4.payments.receivedCents).toBe(12n * 810_000n);
    expect(q4.atEnd.contractLiabilities.valueCents).toBe(12n * 810_000n);
  });
});

const NDJSON = [
  { type: 'customer', ref: 'blue', name: 'Blue Energy', country: 'US', region: 'north-america' },
  { type: 'customer', ref: 'lion', name: 'Lion Hash', country: 'SG', region: 'asia-pacific' },
  {
    type: 'contract',
    ref: 'k1',
    customer: 'blue',
    kind: 'futures',
    signedOn: '2020-10-05',
    terms: { depositPercent: 30, balance: 'before-shipment', depositForfeitedOnCancel: true },
    lines: [
      {
        productId: 'A1246',
        units: 300,
        usdPerTh: '28.50',
        tranches: [
          { month: '2020-11', units: 100 },
          { month: '2020-12', units: 100 },
          { month: '2021-01', units: 100 },
        ],
      },
      { productId: 'K210', units: 5000, usdPerUnit: '9.99' },
    ],
  },
  {
    type: 'contract',
    ref: 'k2',
    customer: 'lion',
    kind: 'spot',
    signedOn: '2020-11-02',
    terms: { depositPercent: 0, balance: 'on-delivery', creditDays: 30, depositForfeitedOnCancel: false },
    lines: [{ productId: 'A1166P', units: 50, usdPerTh: '40' }],
  },
  { type: 'payment', contract: 'k1', day: '2020-10-06', amountUsd: '280,832.55' },
  { type: 'delivery', contract: 'k2', day: '2020-11-03', lines: [{ lineId: 1, units: 50 }] },
  { type: 'payment', contract: 'k1', day: '2020-11-01', amountUsd: '233,950.00' },
  {
    type: 'delivery',
    contract: 'k1',
    day: '2020-11-20',
    lines: [
      { lineId: 1, units: 100 },
      { lineId: 2, units: 5000 },
    ],
  },
  {
    type: 'reschedule',
    contract: 'k1',
    day: '2020-12-01',
    moves: [{ lineId: 1, tranche: 2, month: '2021-03' }],
  },
  { type: 'payment', contract: 'k2', day: '2020-12-01', amountUsd: '162000' },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

const CSV = `type,ref,customer,contract,name,country,region,kind,signedOn,depositPercent,balance,creditDays,depositForfeitedOnCancel,productId,units,usdPerTh,usdPerUnit,tranches,day,amountUsd,lineId,tranche,month,reason
customer,blue,,,"Blue Energy, Inc.",US,north-america,,,,,,,,,,,,,,,,,
contract,k1,blue,,,,,futures,2020-10-05,30,before-shipment,,yes,A1246,300,28.50,,2020-11:100;2020-12:100;2021-01:100,,,,,,
line,,,k1,,,,,,,,,,K210,5000,,9.99,,,,,,,
payment,,,k1,,,,,,,,,,,,,,,2020-10-06,"$280,832.55",,,,
payment,,,k1,,,,,,,,,,,,,,,2020-11-01,233950,,,,
delivery,,,k1,,,,,,,,,,,100,,,,2020-11-20,,1,,,
delivery,,,k1,,,,,,,,,,,5000,,,,2020-11-20,,2,,,
reschedule,,,k1,,,,,,,,,,,,,,,2020-12-01,,1,2,2021-03,customer asked
`;

describe('bulk import', () => {
  it('imports NDJSON in one go, with the same figures as the same rows made one by one', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const report = await importSales(a, a.actor(), NDJSON, { format: 'ndjson' });
    expect(report).toMatchObject({ rows: 10, customers: 2, contracts: 2, events: 6 });
    const q4 = await salesQuarter(a, '2020Q4');
    // k1: 300 × 90 × 28.50 = 769,500 + 5,000 × 9.99 = 49,950 -> 819,450; k2: 50 × 81 × 40 = 162,000
    expect(q4.bookings).toMatchObject({ contracts: 2, valueCents: 98_145_000n, machines: { units: 350 } });
    // delivered: k2 162,000; k1 100 machines 256,500 + chips 49,950
    expect(q4.deliveries).toMatchObject({
      valueCents: 46_845_000n,
      aiChips: { units: 5000, valueCents: 4_995_000n },
    });
    expect(q4.atEnd.receivables.valueCents).toBe(0n);
    const k1 = (await listContracts(a, { customerId: 1, limit: 10, offset: 0 })).contracts[0]!;
    expect(k1.paidCents).toBe(51_478_255n);
    const detail = await getContract(a, k1.id);
    expect(detail.figures.liabilityCents).toBe(51_478_255n - 30_645_000n);
    expect(detail.lines[0]!.tranches.map((t) => t.month)).toEqual(['2020-11', '2021-03', '2021-01']);
  });

  it('reads the same rows from CSV', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const report = await importSales(a, a.actor(), CSV, { format: 'csv' });
    expect(report).toMatchObject({ rows: 7, customers: 1, contracts: 1, events: 5 });
    const [k1] = (await listContracts(a, { limit: 10, offset: 0 })).contracts;
    expect(k1).toMatchObject({
      customer: 'Blue Energy, Inc.',
      valueCents: 81_945_000n,
      paidCents: 51_478_255n,
      revenueCents: 30_645_000n,
    });
  });

  it('writes nothing when any row is refused, and reports every refused row', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const before = await tableCounts(a);
    const bad = [
      NDJSON,
      JSON.stringify({ type: 'payment', contract: 'k1', day: '2020-12-02', amountUsd: '99999999' }),
      JSON.stringify({
        type: 'delivery',
        contract: 'k9',
        day: '2020-12-02',
        lines: [{ lineId: 1, units: 1 }],
      }),
      '{not json',
      JSON.stringify({ type: 'payment', contract: 'k2', day: '2020-13-01', amountUsd: '1' }),
    ].join('\n');
    const error = await importSales(a, a.actor(), bad, { format: 'ndjson' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const rejected = (error as AppError).detail!.rejected as RejectedRow[];
    // Shape errors are all found before any rule is tried.
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [13, 'row'],
      [14, 'day'],
    ]);
    expect(await tableCounts(a)).toEqual(before);

    const rulesOnly = [NDJSON, bad.split('\n')[10], bad.split('\n')[11]].join('\n');
    const ruleError = (await importSales(a, a.actor(), rulesOnly, { format: 'ndjson' }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect((ruleError.detail!.rejected as RejectedRow[]).map((r) => [r.line, r.field, r.code])).toEqual([
      [11, 'amountUsd', 'sales.overpayment'],
      [12, 'contract', 'invalid'],
    ]);
    expect(await tableCounts(a)).toEqual(before);
  });

  it('returns the first report when the same file comes again', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const first = await importSales(a, a.actor(), NDJSON, { format: 'ndjson' });
    const counts = await tableCounts(a);
    expect(await importSales(a, a.actor(), NDJSON, { format: 'ndjson' })).toEqual(first);
    expect(await tableCounts(a)).toEqual(counts);
  });
});

describe('replay', () => {
  it('rebuilds the same order book from the events in an empty database', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    await importSales(a, a.actor(), NDJSON, { format: 'ndjson' });
    const c = await futuresContract(a, a.actor(), 2);
    await recordPayment(a, a.actor(), c.id, { day: '2020-11-11', amountUsd: 270_000_000n });
    await recordDelivery(a, a.actor(), c.id, { day: '2020-12-11', lines: [{ lineId: 1, units: 999 }] });

    const fresh = await testApp();
    opened.push(fresh);
    await replayInto(a, fresh);
    const dump = async (t: TestApp) => {
      const tables = [
        'sales_customers',
        'sales_contracts',
        'sales_lines',
        'sales_tranches',
        'sales_entries',
        'sales_rollup_lines',
        'sales_rollup_money',
        'sales_rollup_schedule',
      ];
      const out: Record<string, unknown[]> = {};
      for (const table of tables) {
        const rows = await sql<
          Record<string, unknown>
        >`select * from ${sql.table(table)} order by 1, 2, 3`.execute(t.db);
        // The state is text; after a replay its keys may come in another order.
        out[table] = rows.rows
          .map(({ added_at: _a, ...r }) =>
            typeof r.state === 'string' ? { ...r, state: JSON.parse(r.state) } : r,
          )
          // A rollup row whose sums are all zero means what no row means; whether one is left
          // behind depends on how events were batched.
          .filter(
            (r) =>
              !table.startsWith('sales_rollup') ||
              Object.entries(r).some(
                ([k, v]) =>
                  !k.includes('quarter') && !k.includes('kind') && k !== 'family' && Number(v) !== 0,
              ),
          );
      }
      return out;
    };
    expect(await dump(fresh)).toEqual(await dump(a));
    for (const q of ['2020Q4', '2021Q1'])
      expect(await salesQuarter(fresh, q)).toEqual(await salesQuarter(a, q));
    expect(await getContract(fresh, c.id)).toEqual(await getContract(a, c.id));
  });
});

describe('reads for other modules', () => {
  it('lists deliveries tranche by tranche with their model and month, and can rebuild them from events', async () => {
    const a = await app();
    a.clock.set('2021-01-20T00:00:00Z');
    const actor = a.actor();
    const customer = await addCustomer(a, actor, { name: 'Blue', country: 'US', region: 'north-america' });
    const c = await futuresContract(a, actor, customer.id);
    await recordPayment(a, actor, c.id, { day: '2020-11-12', amountUsd: 270_000_000n });
    // 600 units: the December tranche's 500, then 100 of January's.
    await recordDelivery(a, actor, c.id, { day: '2020-12-15', lines: [{ lineId: 1, units: 600 }] });
    await recordDelivery(a, actor, c.id, { day: '2021-01-05', lines: [{ lineId: 1, units: 50 }] });
    const delivered = await listDeliveries(a, '2020-12', '2021-01');
    const row = (tranche: number, dueMonth: string, day: string, units: number) => ({
      contractId: c.id,
      lineId: 1,
      tranche,
      productId: 'A1246',
      dueMonth,
      day,
      units,
      kind: 'futures',
      customer: 'Blue',
    });
    expect(delivered).toEqual([
      row(1, '2020-12', '2020-12-15', 500),
      row(2, '2021-01', '2020-12-15', 100),
      row(2, '2021-01', '2021-01-05', 50),
    ]);
    expect(await listDeliveries(a, '2021-01', '2021-01')).toEqual([row(2, '2021-01', '2021-01-05', 50)]);
    // The migration that added the table fills it from the events already recorded: the same rows.
    const migration = readFileSync(
      new URL('../db/migrations/0600_sales_deliveries.sql', import.meta.url),
      'utf8',
    );
    const backfill = migration.slice(migration.indexOf('insert into sales_deliveries'));
    await sql`delete from sales_deliveries`.execute(a.db);
    await sql.raw(backfill).execute(a.db);
    expect(await listDeliveries(a, '2020-12', '2021-01')).toEqual(delivered);
  });

  it('lists open tranches, earliest month first, with whether each may ship', async () => {
    const a = await app();
    a.clock.set('2020-11-20T00:00:00Z');
    const actor = a.actor();
    const customer = await addCustomer(a, actor, { name: 'Blue', country: 'US', region: 'north-america' });
    const c = await futuresContract(a, actor, customer.id);
    await recordPayment(a, actor, c.id, { day: '2020-11-12', amountUsd: 81_000_000n + 94_500_000n });
    const open = await listOpenTranches(a);
    expect(open).toEqual([
      {
        contractId: c.id,
        lineId: 1,
        tranche: 1,
        productId: 'A1246',
        month: '2020-12',
        unitsOpen: 500,
        kind: 'futures',
        customer: 'Blue',
        paidForShipment: true,
      },
      {
        contractId: c.id,
        lineId: 1,
        tranche: 2,
        productId: 'A1246',
        month: '2021-01',
        unitsOpen: 500,
        kind: 'futures',
        customer: 'Blue',
        paidForShipment: false,
      },
    ]);
    expect(await listOpenTranches(a, { until: '2020-12' })).toHaveLength(1);
  });

  it('values the open futures at the spot price of the day', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const actor = a.actor();
    const customer = await addCustomer(a, actor, { name: 'Blue', country: 'US', region: 'north-america' });
    const c = await futuresContract(a, actor, customer.id);
    await recordPayment(a, actor, c.id, { day: '2020-11-12', amountUsd: 270_000_000n });
    await recordDelivery(a, actor, c.id, { day: '2020-12-15', lines: [{ lineId: 1, units: 600 }] });
    const o = await opportunityCost(a);
    // 400 × 90 TH/s open, locked at $30, spot $60 on 2021-01-01: 36,000 TH × $30 = $1,080,000
    expect(o).toMatchObject({
      spotCentsPerTh: 6000n,
      undeliveredUnits: 400,
      undeliveredTh: 36_000,
      lockedCents: 108_000_000n,
      atSpotCents: 216_000_000n,
      opportunityCostCents: 108_000_000n,
    });
    expect((await listContracts(a, { kind: 'futures', status: 'open', limit: 10, offset: 0 })).total).toBe(1);
  });

  it('gives the year-over-year multiple of AI-chip revenue', async () => {
    const a = await app();
    a.clock.set('2021-01-15T00:00:00Z');
    const actor = a.actor();
    const customer = await addCustomer(a, actor, { name: 'Vision', country: 'CN', region: 'asia-pacific' });
    for (const [signedOn, units] of [
      ['2019-06-01', 1000],
      ['2020-06-01', 3000],
    ] as const) {
      const c = await bookContract(a, actor, {
        customerId: customer.id,
        kind: 'spot',
        signedOn,
        terms: { ...futuresTerms, depositPercent: 0 },
        lines: [{ productId: 'K210', units, usdPerUnit: 1000n, usdPerTh: undefined, tranches: undefined }],
      });
      await recordPayment(a, actor, c.id, { day: signedOn, amountUsd: BigInt(units) * 1000n });
      await recordDelivery(a, actor, c.id, { day: signedOn, lines: [{ lineId: 1, units }] });
    }
    const y = await salesYear(a, 2020);
    expect(y.aiChipRevenue).toMatchObject({
      thisYearCents: 3_000_000n,
      lastYearCents: 1_000_000n,
      multiple: 3,
    });
  });
});
